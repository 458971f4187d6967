import { explain, featureImportance } from "../../core/model/explain.ts";
import { type LearnerName, predictProbability, train } from "../../core/model/learners.ts";
import { aucInterval, heldOutMetrics } from "../../core/model/metrics.ts";
import { toModelFile } from "../../core/model/model-file.ts";
import { stratifiedSplit } from "../../core/model/random.ts";
import { MIN_EXAMPLES_PER_CLASS, type Readiness, trainingReadiness } from "../../core/model/readiness.ts";
import { liftByDecile, reliabilityCurve } from "../../core/model/reliability.ts";
import { takeLabels, takeRows } from "../../core/model/table.ts";
import type { Instant } from "../../core/records.ts";
import type { Storage } from "../../storage/ports.ts";
import type { LeadFacts, PredictiveModelSummary } from "../../storage/predictive-repo.ts";
import {
  closedScope,
  LEAD_FEATURE_SPEC,
  leadFeatureTable,
  outcomeLabels,
  type Population,
} from "./features.ts";
import { predictiveRepo } from "./repo.ts";
import { scoreOpenLeads } from "./score.ts";

const DAY_MS = 86_400_000;
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

export type TrainPredictiveOptions = {
  readonly now: Instant;
  readonly actor: string;
  readonly learner?: LearnerName;
  /** Who to learn from (default `leads`). */
  readonly population?: Population;
  readonly seed?: number;
  /** Fewest won and fewest lost deals to train on (default MIN_EXAMPLES_PER_CLASS). */
  readonly minPerClass?: number;
  /** Score the open leads with the new model (default true). */
  readonly score?: boolean;
};

/** What a training run measured; stored with the model as its `metrics`. */
export type PredictiveMetrics = {
  readonly population: Population;
  readonly rows: number;
  readonly won: number;
  readonly lost: number;
  readonly heldOut: {
    readonly rows: number;
    readonly auc: number;
    /** 95% confidence interval of the AUC on these rows (small held-out sets are noisy). */
    readonly aucLow: number;
    readonly aucHigh: number;
    readonly logloss: number;
    readonly brier: number;
  };
  readonly reliability: ReturnType<typeof reliabilityCurve>;
  readonly liftByDecile: ReturnType<typeof liftByDecile>;
  readonly importance: readonly { readonly feature: string; readonly importance: number }[];
  /** Median days from lead creation to close of the won deals (forecast periods use it). */
  readonly medianCycleDays: number | null;
  /** Mean amount of the won deals (forecast value of leads without an open deal). */
  readonly meanWonValue: number | null;
  readonly blend?: unknown;
};

export type TrainPredictiveResult =
  | {
      readonly trained: true;
      readonly model: PredictiveModelSummary;
      readonly metrics: PredictiveMetrics;
      /** Open leads scored by the new model. */
      readonly scored: number;
    }
  | { readonly trained: false; readonly readiness: Extract<Readiness, { ready: false }> };

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Cycle days and amounts of the won deals. */
export function wonDealStats(facts: readonly LeadFacts[]): {
  medianCycleDays: number | null;
  meanWonValue: number | null;
} {
  const won = facts.filter((f) => f.outcome === "won");
  const cycles = won
    .filter((f) => f.closedAt !== null)
    .map((f) => (Date.parse(f.closedAt!) - Date.parse(f.createdAt)) / DAY_MS);
  const amounts = won.map((f) => f.dealAmount).filter((a): a is number => a !== null);
  return {
    medianCycleDays: cycles.length > 0 ? round(median(cycles)!, 1) : null,
    meanWonValue: amounts.length > 0 ? round(amounts.reduce((a, b) => a + b, 0) / amounts.length, 2) : null,
  };
}

/**
 * Trains a predictive model on the workspace's own history (won = 1, lost = 0; features as of the
 * moment each lead's fate was decided — see `Population`), checks it on a held-out 20%, refits on
 * all of it, stores it as the active model and scores the open leads. With too few won or lost deals nothing is stored and
 * the answer says why: leads keep their rules score.
 *
 * @example
 * const r = await trainPredictive(storage, { now: new Date().toISOString(), actor: "admin" });
 * if (r.trained) r.metrics.heldOut.auc;
 */
export async function trainPredictive(
  storage: Storage,
  options: TrainPredictiveOptions,
): Promise<TrainPredictiveResult> {
  const repo = predictiveRepo(storage);
  const seed = options.seed ?? 0;
  const learner = options.learner ?? "winnow-default";
  const population = options.population ?? "leads";
  const facts = await repo.leadFacts(closedScope(population), options.now);
  const label = outcomeLabels(facts);
  const readiness = trainingReadiness(label, options.minPerClass ?? MIN_EXAMPLES_PER_CLASS);
  if (!readiness.ready) return { trained: false, readiness };

  const table = leadFeatureTable(facts);
  const split = stratifiedSplit(label, 0.2, seed + 101);
  const check = train(learner, takeRows(table, split.train), takeLabels(label, split.train), seed);
  const testLabel = takeLabels(label, split.valid);
  const p = predictProbability(check, takeRows(table, split.valid));
  const held = heldOutMetrics(testLabel, p);
  const band = aucInterval(testLabel, held.auc);

  const model = train(learner, table, label, seed);
  const importance = featureImportance(explain(model, table))
    .slice(0, 15)
    .map((x) => ({ feature: x.feature, importance: round(x.importance) }));
  const metrics: PredictiveMetrics = {
    population,
    rows: table.rows,
    won: readiness.won,
    lost: readiness.lost,
    heldOut: {
      rows: split.valid.length,
      auc: round(held.auc),
      aucLow: round(band.low),
      aucHigh: round(band.high),
      logloss: round(held.logloss),
      brier: round(held.brier),
    },
    reliability: reliabilityCurve(testLabel, p),
    liftByDecile: liftByDecile(testLabel, p),
    importance,
    ...wonDealStats(facts),
    ...(model.learner === "winnow-default" ? { blend: model.choice } : {}),
  };
  const file = toModelFile(model, {
    trainedAt: options.now,
    features: table.columns.map((c) => ({ name: c.name, kind: c.kind })),
    missing: LEAD_FEATURE_SPEC.missing,
    training: { rows: table.rows, won: readiness.won, lost: readiness.lost },
    heldOut: { ...held, rows: split.valid.length },
  });
  const stored = await repo.saveModel({
    learner,
    model: file,
    metrics,
    trainedAt: options.now,
    trainedBy: options.actor,
  });
  const scored = options.score === false ? 0 : (await scoreOpenLeads(storage, stored, options.now)).length;
  const { model: _file, ...summary } = stored;
  return { trained: true, model: summary, metrics, scored };
}

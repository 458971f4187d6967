import { type Explanation, explain, topReasons } from "../../core/model/explain.ts";
import { predictProbability } from "../../core/model/learners.ts";
import { fromModelFile, type ModelFile } from "../../core/model/model-file.ts";
import type { Table } from "../../core/model/table.ts";
import type { Id, Instant } from "../../core/records.ts";
import type { LeadScore, Storage } from "../../storage/ports.ts";
import type { LeadPrediction, StoredPredictiveModel } from "../../storage/predictive-repo.ts";
import { leadFeatureTable } from "./features.ts";
import { predictiveRepo } from "./repo.ts";

const CHUNK = 1000;
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/** A stored reason: "industry = retail lowers" with its push on the log-odds. */
export type PredictionReason = {
  readonly feature: string;
  readonly value: string;
  readonly direction: "raises" | "lowers";
  readonly contribution: number;
};

// Model files by stored model (id, version and training time: a stored model never changes), so
// that a read does not parse the model again; a few at most (several databases in one process).
const parsed = new Map<string, ModelFile>();
/** The model file of a stored model, read (and checked) once per stored model version. */
export function modelFileOf(stored: StoredPredictiveModel): ModelFile {
  const key = `${stored.id}\u0000${stored.version}\u0000${stored.trainedAt}`;
  let file = parsed.get(key);
  if (!file) {
    file = fromModelFile(stored.model);
    if (parsed.size >= 4) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, file);
  }
  return file;
}

/** The top three reasons for row `i` of `table`, as stored with a prediction. */
export function predictionReasons(e: Explanation, table: Table, i: number): PredictionReason[] {
  return topReasons(e, table, i, 3).map((r) => ({
    feature: r.feature,
    value: r.value,
    direction: r.direction,
    contribution: round(r.contribution),
  }));
}

/**
 * Scores open leads (all of them, or those in `leadIds`) with a stored model and writes the
 * predictions with their top three reasons.
 *
 * @example
 * await scoreOpenLeads(storage, await predictiveRepo(storage).activeModel(), now);
 */
export async function scoreOpenLeads(
  storage: Storage,
  stored: StoredPredictiveModel,
  now: Instant,
  leadIds?: readonly Id[],
): Promise<LeadPrediction[]> {
  const repo = predictiveRepo(storage);
  const facts = await repo.leadFacts("open", now, leadIds);
  if (facts.length === 0) return [];
  const file = modelFileOf(stored);
  const out: LeadPrediction[] = [];
  for (let from = 0; from < facts.length; from += CHUNK) {
    const part = facts.slice(from, from + CHUNK);
    const table = leadFeatureTable(part);
    const p = predictProbability(file.model, table);
    const e = explain(file.model, table);
    part.forEach((f, i) => {
      const reasons = predictionReasons(e, table, i);
      out.push({ leadId: f.leadId, modelId: stored.id, probability: p[i]!, reasons, computedAt: now });
    });
  }
  for (let from = 0; from < out.length; from += CHUNK) {
    await repo.putPredictions(out.slice(from, from + CHUNK));
  }
  return out;
}

/** A lead's predicted probability of closing won, or why there is none (and its rules score meanwhile). */
export type LeadPredictionView =
  | {
      readonly leadId: Id;
      readonly prediction: LeadPrediction & { readonly modelVersion: number };
      readonly rulesScore: LeadScore | null;
    }
  | {
      readonly leadId: Id;
      readonly prediction: null;
      readonly reason: string;
      readonly fallback: "rules-score";
      readonly rulesScore: LeadScore | null;
    };

/**
 * The active model's prediction for a lead, computed and stored on first ask when the lead arrived
 * after training. Without a model, or for a closed lead, the answer points to the rules score.
 */
export async function leadPrediction(
  storage: Storage,
  leadId: Id,
  now: Instant,
): Promise<LeadPredictionView> {
  const repo = predictiveRepo(storage);
  const [model, rulesScore] = await Promise.all([repo.activeModel(), storage.leadScores.get(leadId)]);
  const none = (reason: string): LeadPredictionView => ({
    leadId,
    prediction: null,
    reason,
    fallback: "rules-score",
    rulesScore,
  });
  if (!model)
    return none(
      "No predictive model has been trained yet (POST /v1/predictive/train once enough deals have closed); the rules score applies.",
    );
  const stored =
    (await repo.prediction(leadId, model.id)) ?? (await scoreOpenLeads(storage, model, now, [leadId]))[0];
  if (!stored) return none("The lead is closed or disqualified: there is nothing left to predict.");
  return { leadId, prediction: { ...stored, modelVersion: model.version }, rulesScore };
}

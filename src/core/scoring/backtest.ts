import type { Stage } from "../lifecycle/stages.ts";
import { auc } from "../model/metrics.ts";
import type { Instant } from "../records.ts";
import { compileModel, type MutableScore } from "./compile-model.ts";
import { MONDAY_MS } from "./decay.ts";
import type { ScoringModel, Threshold } from "./model-schema.ts";
import { instantMs, type PreparedLead, prepareLead, type ScoreInput } from "./prepare.ts";
import { thresholdMet } from "./thresholds.ts";

/** One lead of the past: what it was scored on, how it moved, and how it ended. */
export type HistoryLead = {
  readonly input: ScoreInput;
  readonly stages: readonly { readonly stage: Stage; readonly at: Instant }[];
  readonly outcome: { readonly status: "won" | "lost"; readonly at: Instant } | null;
};

export type BacktestOptions = {
  readonly from: Instant;
  readonly to: Instant;
  readonly compareWith?: ScoringModel;
};

export type Rates = {
  readonly leads: number;
  readonly reachedSql: number;
  readonly won: number;
  readonly sqlRate: number;
  readonly winRate: number;
};

export type BacktestSummary = {
  readonly model: { readonly id: string; readonly version: number; readonly status: string };
  readonly threshold: Threshold | null;
  /** Leads created in [from, to). */
  readonly leads: number;
  readonly mqls: number;
  /** Of the MQLs: how many reached SQL (or later), how many were won; precision = won / mqls. */
  readonly mqlReachedSql: number;
  readonly mqlWon: number;
  readonly precision: number;
  readonly weeks: readonly {
    readonly week: string;
    readonly mqls: number;
    readonly reachedSql: number;
    readonly won: number;
  }[];
  /** Conversion of the leads above the MQL threshold (they crossed it) versus the rest. */
  readonly above: Rates;
  readonly below: Rates;
  /** AUC of each lead's peak total score: won versus lost deals, and won versus every other lead. */
  readonly aucClosed: number | null;
  readonly aucWon: number | null;
  readonly closed: number;
  /** Each lead's peak total score before its outcome (or `to`), with whether it was won: feeds capacityPlan. */
  readonly scored: readonly { readonly score: number; readonly won: boolean }[];
};

export type BacktestResult = {
  readonly from: Instant;
  readonly to: Instant;
  readonly result: BacktestSummary;
  readonly compare: BacktestSummary | null;
};

const DAY = 86_400_000;
const PAST_SQL: ReadonlySet<Stage> = new Set(["sql", "opportunity", "won"]);

/**
 * Replays history under a model: for every lead created in [from, to), when (if ever) it would
 * have crossed the `become_mql` threshold, scoring it as of each of its events (scores only rise
 * at events, so that finds the first crossing); then MQLs per week, how many of them reached SQL
 * and were won, above-versus-below conversion and the AUC of the peak score. Outcomes are read
 * in hindsight, even when they came after `to`.
 *
 * @example
 * const r = backtest(draft, history, { from: "2025-01-01T00:00:00Z", to: "2025-07-01T00:00:00Z", compareWith: published });
 * r.result.mqls; r.compare?.mqls;
 */
export function backtest(
  model: ScoringModel,
  history: readonly HistoryLead[],
  o: BacktestOptions,
): BacktestResult {
  const fromMs = instantMs(o.from);
  const toMs = instantMs(o.to);
  const inWindow = history.filter((h) => {
    const c = h.input.lead ? instantMs(h.input.lead.createdAt) : Number.NaN;
    return c >= fromMs && c < toMs;
  });
  return {
    from: o.from,
    to: o.to,
    result: summarise(model, inWindow, fromMs, toMs),
    compare: o.compareWith ? summarise(o.compareWith, inWindow, fromMs, toMs) : null,
  };
}

/** Leads laid out (and held in memory) at a time by a backtest. */
const BACKTEST_BATCH = 5000;

function summarise(
  model: ScoringModel,
  leads: readonly HistoryLead[],
  fromMs: number,
  toMs: number,
): BacktestSummary {
  const scorer = compileModel(model);
  const mql = model.thresholds.find((t) => t.action === "become_mql" && t.atLeast !== undefined) ?? null;
  const out: MutableScore = { fit: 0, engagement: 0, total: 0, grade: "D4" };
  const weekCount = Math.max(1, Math.ceil((toMs - weekStart(fromMs)) / (7 * DAY)));
  const weeks = Array.from({ length: weekCount }, (_, i) => ({
    week: new Date(weekStart(fromMs) + i * 7 * DAY).toISOString().slice(0, 10),
    mqls: 0,
    reachedSql: 0,
    won: 0,
  }));
  const above = { leads: 0, reachedSql: 0, won: 0 };
  const below = { leads: 0, reachedSql: 0, won: 0 };
  const scored: { score: number; won: boolean }[] = [];
  const closedLabel: number[] = [];
  const closedScore: number[] = [];
  // Each lead is scored at many instants: lay leads out as batches once (fit and event matches
  // worked out once per lead), then score a lead of the batch per instant (batch.ts).
  let batch = scorer.prepareBatch([]);
  let prepared: PreparedLead[] = [];
  for (let li = 0; li < leads.length; li++) {
    const h = leads[li]!;
    const j = li % BACKTEST_BATCH;
    if (j === 0) {
      prepared = leads.slice(li, li + BACKTEST_BATCH).map((x) => prepareLead(x.input));
      batch = scorer.prepareBatch(prepared);
    }
    const p = prepared[j]!;
    const created = instantMs(h.input.lead!.createdAt);
    const end = Math.min(toMs - 1, h.outcome ? instantMs(h.outcome.at) : Number.POSITIVE_INFINITY);
    let mqlAt = Number.NaN;
    let peak = Number.NEGATIVE_INFINITY;
    const check = (at: number) => {
      scorer.scoreBatchLead(batch, j, at, out);
      if (out.total > peak) peak = out.total;
      if (mql && Number.isNaN(mqlAt) && thresholdMet(mql, out)) mqlAt = at;
    };
    check(Math.min(created, end));
    for (const e of p.events) if (e.atMs > created && e.atMs <= end) check(e.atMs);
    const reachedSql = h.stages.some((s) => PAST_SQL.has(s.stage));
    const won = h.outcome?.status === "won";
    const side = Number.isNaN(mqlAt) ? below : above;
    side.leads++;
    if (reachedSql) side.reachedSql++;
    if (won) side.won++;
    if (!Number.isNaN(mqlAt)) {
      const w = weeks[Math.floor((mqlAt - weekStart(fromMs)) / (7 * DAY))];
      if (w) {
        w.mqls++;
        if (reachedSql) w.reachedSql++;
        if (won) w.won++;
      }
    }
    scored.push({ score: peak, won });
    if (h.outcome) {
      closedLabel.push(won ? 1 : 0);
      closedScore.push(peak);
    }
  }
  const rates = (r: typeof above): Rates => ({
    ...r,
    sqlRate: r.leads ? r.reachedSql / r.leads : 0,
    winRate: r.leads ? r.won / r.leads : 0,
  });
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    model: { id: model.id, version: model.version, status: model.status },
    threshold: mql,
    leads: leads.length,
    mqls: above.leads,
    mqlReachedSql: above.reachedSql,
    mqlWon: above.won,
    precision: above.leads ? above.won / above.leads : 0,
    weeks,
    above: rates(above),
    below: rates(below),
    aucClosed: finite(auc(Uint8Array.from(closedLabel), closedScore)),
    aucWon: finite(
      auc(
        Uint8Array.from(scored, (s) => (s.won ? 1 : 0)),
        scored.map((s) => s.score),
      ),
    ),
    closed: closedLabel.length,
    scored,
  };
}

function weekStart(ms: number): number {
  return MONDAY_MS + Math.floor((ms - MONDAY_MS) / (7 * DAY)) * 7 * DAY;
}

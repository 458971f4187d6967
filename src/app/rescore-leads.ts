import type { Instant } from "../core/records.ts";
import { compileModel, type Scorer } from "../core/scoring/compile-model.ts";
import { validateScoringModel } from "../core/scoring/parse-model.ts";
import type { Crossing } from "../core/scoring/thresholds.ts";
import type { LeadScore, Storage } from "../storage/ports.ts";
import {
  type LedgerLead,
  parseLedgerLead,
  readLedgerTexts,
  type ScoreRow,
  writeScorePage,
} from "../storage/rescore-pages.ts";

/** The stored score a change replaced: its numbers and the model that made it. */
export type ScoreBefore = {
  readonly modelId: string | null;
  readonly fit: number;
  readonly engagement: number;
};

export type ScoreChange = {
  readonly leadId: string;
  readonly modelId: string;
  /** The score stored before (null: never scored, or not reported, as by full rescores). */
  readonly before: ScoreBefore | null;
  readonly after: LeadScore;
  /** Thresholds of the model crossed by this change (e.g. `mql` going up): what webhooks announce. */
  readonly crossings: readonly Crossing[];
};

/**
 * Budget of one synchronous slice of a live rescore (decoding and scoring), after which it yields
 * to the event loop: about SLICE_EVENTS events, or SLICE_LEADS leads when their ledgers are short.
 */
export const SLICE_EVENTS = 2_000;
export const SLICE_LEADS = 50;

/** Compiled scorers by model id: a published model never changes, so compiling once is enough. */
export type ScorerCache = Map<string, Scorer>;

/**
 * Rescores leads with the default (published) model from their full event ledger — after new
 * events arrived — stores each new score and reports the thresholds crossed. Leads that do not exist
 * are skipped; without a default model nothing happens.
 *
 * Set-based, so N leads cost the same few queries as one: the default model, ONE read of every
 * lead's facts, ledger and stored score (the full rescore's loader, filtered by ids), scoring in
 * process, ONE upsert of the new scores (with explanations). A score stored with a later
 * computed_at than `now` (a concurrent, newer rescore) is kept, as in full rescores.
 *
 * Cooperative: ledgers are decoded and scored in slices of at most `SLICE_EVENTS` events (or
 * `SLICE_LEADS` leads), yielding to the event loop (setImmediate) between slices, so that a run
 * over big ledgers (the background rescore after ingest: hundreds of leads of hundreds of events)
 * does not hold requests up for one long synchronous stretch. Same reads, writes and results.
 */
export async function rescoreLeads(
  storage: Storage,
  leadIds: readonly string[],
  now: Instant,
  cache: ScorerCache = new Map(),
  // What reads the leads: each one's ledger text (decoded in slices) or already decoded (a cache).
  read: (ids: string[]) => Promise<(string | LedgerLead)[]> = (ids) => readLedgerTexts(storage.sql, ids),
): Promise<ScoreChange[]> {
  const ids = [...new Set(leadIds)];
  if (ids.length === 0) return [];
  const model = await storage.scoringModels.getDefault();
  if (!model) return [];
  let scorer = cache.get(model.id);
  if (!scorer) {
    const parsed = validateScoringModel(model.document);
    if (!parsed.ok) return [];
    scorer = compileModel(parsed.value);
    cache.set(model.id, scorer);
  }
  const nowMs = Date.parse(now);
  const computedAt = new Date(nowMs).toISOString();
  const texts = await read(ids);
  const rows: ScoreRow[] = new Array(texts.length);
  const out: ScoreChange[] = new Array(texts.length);
  let sliceEvents = 0;
  let sliceLeads = 0;
  for (let i = 0; i < texts.length; i++) {
    if (sliceEvents >= SLICE_EVENTS || sliceLeads >= SLICE_LEADS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceEvents = 0;
      sliceLeads = 0;
    }
    const item = texts[i]!;
    const { lead, previous } = typeof item === "string" ? parseLedgerLead(item) : item;
    // Dropped as decoded: the texts of a big run are megabytes.
    texts[i] = "";
    sliceEvents += lead.events.length;
    sliceLeads++;
    const result = scorer.scorePrepared(lead, nowMs);
    const leadId = lead.lead.id;
    rows[i] = {
      leadId,
      fit: result.fit,
      engagement: result.engagement,
      grade: result.grade,
      explanation: result.explanation,
    };
    // Only a score of the same model is a "before" for its thresholds (a score of another model
    // crosses as a first score would), as when scores were written one lead at a time.
    const same =
      previous && previous.modelId === model.id
        ? {
            fit: previous.fit,
            engagement: previous.engagement,
            total: previous.fit + previous.engagement,
            grade: result.grade,
          }
        : null;
    out[i] = {
      leadId,
      modelId: model.id,
      before: previous,
      after: {
        leadId,
        modelId: model.id,
        fit: result.fit,
        engagement: result.engagement,
        grade: result.grade,
        explanation: result.explanation,
        computedAt,
      },
      crossings: scorer.crossings(same, result),
    };
  }
  await writeScorePage(storage.sql, rows, model.id, computedAt, { actor: "scoring", reason: "new events" });
  // Reported in the order asked (the read returns rows in no particular order).
  const order = new Map(ids.map((id, i) => [id, i]));
  return out.sort((a, b) => order.get(a.leadId)! - order.get(b.leadId)!);
}

/**
 * The `lead.threshold_crossed` webhook payloads of a change, one per crossing: the same for live
 * rescores (new events) and full rescores (a model published as, or made, the default).
 */
export function thresholdCrossedPayloads(change: ScoreChange): Record<string, unknown>[] {
  return change.crossings.map((c) => ({
    leadId: change.leadId,
    modelId: change.modelId,
    threshold: c.threshold,
    metric: c.metric,
    direction: c.direction,
    action: c.action,
    value: c.value,
    fit: change.after.fit,
    engagement: change.after.engagement,
    grade: change.after.grade,
  }));
}

/**
 * Whether anyone listens to `lead.threshold_crossed` (an active subscription naming it): a full
 * rescore asks once per page instead of queueing each of thousands of crossings for nobody.
 */
export async function thresholdCrossedListened(webhooks: {
  listSubscriptions(): Promise<readonly { readonly active: boolean; readonly events: readonly string[] }[]>;
}): Promise<boolean> {
  return (await webhooks.listSubscriptions()).some(
    (s) => s.active && s.events.includes("lead.threshold_crossed"),
  );
}

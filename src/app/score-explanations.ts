// Score explanations derived on read. A full rescore stores numbers only (explanation NULL): writing
// a jsonb explanation for every lead was ~80% of its time, and a score is re-derivable from what the
// stored row records — the lead's ledger, the model that made it (model_id: one immutable version of
// a model) and the instant it was computed as of (computed_at). So whoever shows a score asks here.
import type { Scorer } from "../core/scoring/compile-model.ts";
import type { LeadScore, Storage } from "../storage/ports.ts";
import { readLedgerLeads } from "../storage/rescore-pages.ts";
import { scorerFor } from "./rescore-all.ts";

/** Compiled scorers by model id (a stored model version never changes); a few at most. */
const scorers = new Map<string, Scorer>();
const CACHED_SCORERS = 16;

async function scorerOf(storage: Storage, modelId: string): Promise<Scorer | null> {
  const cached = scorers.get(modelId);
  if (cached) return cached;
  const model = await storage.scoringModels.get(modelId);
  if (!model) return null;
  const scorer = scorerFor(model);
  if (scorers.size >= CACHED_SCORERS) scorers.clear();
  scorers.set(modelId, scorer);
  return scorer;
}

/** Same number, allowing for the last bit of a float sum computed in another order. */
const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));

/**
 * The scores with their explanations: a stored explanation as it is; a missing one (a full
 * rescore's) derived by scoring the lead's ledger with the score's model as of its computed_at —
 * exactly what scoring stored then, as JSON. If that no longer gives the stored numbers (the lead,
 * contact or account was edited since and not rescored) or the score has no model, the explanation
 * stays null rather than explain a different score.
 */
export async function withExplanations(
  storage: Storage,
  scores: readonly (LeadScore | null)[],
): Promise<(LeadScore | null)[]> {
  const missing = scores.filter(
    (s): s is LeadScore & { modelId: string } => s !== null && s.explanation === null && s.modelId !== null,
  );
  if (missing.length === 0) return [...scores];
  const ledgers = new Map(
    (
      await readLedgerLeads(
        storage.sql,
        missing.map((s) => s.leadId),
      )
    ).map((l) => [l.lead.lead.id, l.lead]),
  );
  const derived = new Map<string, unknown>();
  for (const s of missing) {
    const scorer = await scorerOf(storage, s.modelId);
    const lead = ledgers.get(s.leadId);
    if (!scorer || !lead) continue;
    const r = scorer.scorePrepared(lead, Date.parse(s.computedAt));
    if (same(r.fit, s.fit) && same(r.engagement, s.engagement))
      derived.set(s.leadId, JSON.parse(JSON.stringify(r.explanation)));
  }
  return scores.map((s) =>
    s !== null && derived.has(s.leadId) ? { ...s, explanation: derived.get(s.leadId) } : s,
  );
}

/** One score with its explanation (see withExplanations). */
export async function withExplanation(storage: Storage, score: LeadScore | null): Promise<LeadScore | null> {
  return (await withExplanations(storage, [score]))[0] ?? null;
}

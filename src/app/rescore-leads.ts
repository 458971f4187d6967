import type { Instant } from "../core/records.ts";
import { compileModel, type Scorer } from "../core/scoring/compile-model.ts";
import { validateScoringModel } from "../core/scoring/parse-model.ts";
import type { Crossing } from "../core/scoring/thresholds.ts";
import type { LeadScore, Storage } from "../storage/ports.ts";

export type ScoreChange = {
  readonly leadId: string;
  readonly modelId: string;
  readonly before: LeadScore | null;
  readonly after: LeadScore;
  /** Thresholds of the model crossed by this change (e.g. `mql` going up): what webhooks announce. */
  readonly crossings: readonly Crossing[];
};

/** Compiled scorers by model id: a published model never changes, so compiling once is enough. */
export type ScorerCache = Map<string, Scorer>;

/**
 * Rescores leads with the default (published) model from their full event ledger — after new
 * events arrived — stores each new score and reports the thresholds crossed. Leads that do not exist
 * are skipped; without a default model nothing happens.
 */
export async function rescoreLeads(
  storage: Storage,
  leadIds: readonly string[],
  now: Instant,
  cache: ScorerCache = new Map(),
): Promise<ScoreChange[]> {
  const model = await storage.scoringModels.getDefault();
  if (!model) return [];
  let scorer = cache.get(model.id);
  if (!scorer) {
    const parsed = validateScoringModel(model.document);
    if (!parsed.ok) return [];
    scorer = compileModel(parsed.value);
    cache.set(model.id, scorer);
  }
  const out: ScoreChange[] = [];
  for (const leadId of new Set(leadIds)) {
    const lead = await storage.leads.get(leadId);
    if (!lead) continue;
    const [contact, account, events] = await Promise.all([
      storage.contacts.get(lead.contactId),
      lead.accountId ? storage.accounts.get(lead.accountId) : null,
      storage.events.listForLead(lead.id, { limit: 10_000 }),
    ]);
    const result = scorer.score({ lead, contact, account, events }, now);
    const after: LeadScore = {
      leadId,
      modelId: model.id,
      fit: result.fit,
      engagement: result.engagement,
      grade: result.grade,
      explanation: result.explanation,
      computedAt: now,
    };
    const before = await storage.leadScores.put(after);
    const previous =
      before && before.modelId === model.id
        ? {
            fit: before.fit,
            engagement: before.engagement,
            total: before.fit + before.engagement,
            grade: result.grade,
          }
        : null;
    out.push({ leadId, modelId: model.id, before, after, crossings: scorer.crossings(previous, result) });
  }
  return out;
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

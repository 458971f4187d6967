import type { LeadScore, Storage } from "../storage/ports.ts";

/**
 * Writes a lead's current score and, when fit, engagement or grade changed, appends a `score`
 * history entry (who, when, why, before/after) — in one transaction.
 */
export function recordScore(
  storage: Storage,
  score: LeadScore,
  by: { readonly actor: string; readonly reason?: string | null },
): Promise<{ readonly previous: LeadScore | null; readonly changed: boolean }> {
  return storage.transaction(async (tx) => {
    const previous = await tx.leadScores.put(score);
    const view = (s: LeadScore | null) =>
      s ? { fit: s.fit, engagement: s.engagement, grade: s.grade, modelId: s.modelId } : null;
    const changed = JSON.stringify(view(previous)) !== JSON.stringify(view(score));
    if (changed) {
      await tx.history.append({
        leadId: score.leadId,
        kind: "score",
        actor: by.actor,
        at: score.computedAt,
        reason: by.reason ?? null,
        before: view(previous),
        after: view(score),
      });
    }
    return { previous, changed };
  });
}

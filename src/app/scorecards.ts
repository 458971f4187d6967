import type { Instant } from "../core/records.ts";
import type { Storage, StoredScorecard, VerdictOutcome } from "../storage/ports.ts";

export type SaveScorecardInput = {
  readonly leadId: string;
  /** The version the editor started from (0 for a lead's first scorecard). */
  readonly expectedVersion: number;
  readonly framework: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly verdictOutcome: VerdictOutcome | null;
  readonly verdict?: unknown;
  readonly actor: string;
  readonly now: Instant;
  /** Why the evidence changed (e.g. "discovery call 2"). */
  readonly why?: string | null;
};

/** Evidence elements whose record differs between two versions: before/after of each. */
export function evidenceChanges(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): { before: Record<string, unknown>; after: Record<string, unknown> } | null {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const k of keys) {
    if (JSON.stringify(before[k] ?? null) === JSON.stringify(after[k] ?? null)) continue;
    b[k] = before[k] ?? null;
    a[k] = after[k] ?? null;
  }
  return Object.keys(a).length === 0 ? null : { before: b, after: a };
}

/**
 * Saves the next version of a lead's scorecard and appends an `evidence` history entry with the
 * elements that changed (who, when, why, before/after). A save based on an old version fails with
 * WINNOW_ERR_STALE_WRITE and writes nothing.
 */
export function saveScorecard(storage: Storage, input: SaveScorecardInput): Promise<StoredScorecard> {
  return storage.transaction(async (tx) => {
    const previous =
      input.expectedVersion > 0 ? await tx.scorecards.get(input.leadId, input.expectedVersion) : null;
    const saved = await tx.scorecards.save(input.leadId, input.expectedVersion, {
      framework: input.framework,
      evidence: input.evidence,
      verdictOutcome: input.verdictOutcome,
      verdict: input.verdict ?? null,
      createdBy: input.actor,
      createdAt: input.now,
    });
    const changes = evidenceChanges(previous?.evidence ?? {}, input.evidence);
    const verdictChanged = (previous?.verdictOutcome ?? null) !== input.verdictOutcome;
    if (changes || verdictChanged) {
      await tx.history.append({
        leadId: input.leadId,
        kind: "evidence",
        actor: input.actor,
        at: input.now,
        reason: input.why ?? null,
        before: {
          version: previous?.version ?? 0,
          verdict: previous?.verdictOutcome ?? null,
          evidence: changes?.before ?? {},
        },
        after: { version: saved.version, verdict: saved.verdictOutcome, evidence: changes?.after ?? {} },
      });
    }
    return saved;
  });
}

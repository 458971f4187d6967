import type { Instant } from "../records.ts";
import type { ScoreNumbers, Scorer } from "./compile-model.ts";
import { instantMs, prepareLead, type ScoreInput } from "./prepare.ts";
import type { Crossing } from "./thresholds.ts";

/** A lead's score at one moment, what moved it there, and the thresholds it crossed then. */
export type ScorePoint = ScoreNumbers & {
  readonly at: Instant;
  /** The event scored at this moment (null for the first point and for the final `to` point). */
  readonly eventId: string | null;
  readonly crossings: readonly Crossing[];
};

/**
 * Replays a lead's ledger: its score when it was created (or at `from`), after each event up to
 * `to`, and at `to` itself (where decay may have pulled it down), each with the thresholds crossed.
 * Derived from the events alone, so it can be recomputed for any model at any time.
 *
 * @example
 * const points = scoreHistory(scorer, { account, contact, lead, events }, { to: "2026-03-01T00:00:00Z" });
 * points.filter((p) => p.crossings.length > 0); // when the lead became an MQL, cooled off, ...
 */
export function scoreHistory(
  scorer: Scorer,
  input: ScoreInput,
  range: { readonly from?: Instant; readonly to: Instant },
): ScorePoint[] {
  const lead = prepareLead(input);
  const toMs = instantMs(range.to);
  const created = input.lead ? instantMs(input.lead.createdAt) : (lead.events[0]?.atMs ?? toMs);
  const startMs = Math.min(
    toMs,
    range.from === undefined ? created : Math.max(created, instantMs(range.from)),
  );
  const points: ScorePoint[] = [];
  let prev: ScoreNumbers | null = null;
  const add = (atMs: number, eventId: string | null) => {
    const { explanation: _, ...score } = scorer.scorePrepared(lead, atMs);
    points.push({
      ...score,
      at: new Date(atMs).toISOString(),
      eventId,
      crossings: scorer.crossings(prev, score),
    });
    prev = score;
  };
  add(startMs, null);
  for (const e of lead.events) if (e.atMs > startMs && e.atMs <= toMs) add(e.atMs, e.id);
  if (toMs > (lead.events.findLast((e) => e.atMs <= toMs)?.atMs ?? startMs) && toMs > startMs)
    add(toMs, null);
  return points;
}

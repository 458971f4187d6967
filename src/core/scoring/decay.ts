import type { Decay } from "./model-schema.ts";

/** Frequency periods ("at most N per week") are counted from this Monday, 1970-01-05 00:00 UTC. */
export const MONDAY_MS = Date.UTC(1970, 0, 5);

const DAY_MS = 86_400_000;

/** Decay as numbers for the hot path: mode code and two parameters. */
export type DecayPlan = { readonly mode: 0 | 1 | 2 | 3; readonly a: number; readonly b: number };

/** none = 0, half_life = 1 (a = ln2 / half-life ms), linear = 2 (a = fraction lost per period, b = period ms), window = 3 (a = window ms). */
export function planDecay(d: Decay): DecayPlan {
  switch (d.mode) {
    case "none":
      return { mode: 0, a: 0, b: 0 };
    case "half_life":
      return { mode: 1, a: Math.LN2 / (d.days * DAY_MS), b: 0 };
    case "linear":
      return { mode: 2, a: d.percent / 100, b: d.everyDays * DAY_MS };
    case "window":
      return { mode: 3, a: d.days * DAY_MS, b: 0 };
  }
}

/**
 * The share (0..1) of an event's points left after `ageMs` (events in the future are not scored
 * at all, so age is never negative here).
 *
 * @example
 * decayFactor(planDecay({ mode: "half_life", days: 30 }), 30 * 86_400_000); // 0.5
 */
export function decayFactor(p: DecayPlan, ageMs: number): number {
  switch (p.mode) {
    case 0:
      return 1;
    case 1:
      return Math.exp(-p.a * ageMs);
    case 2: {
      const left = 1 - Math.floor(ageMs / p.b) * p.a;
      return left > 0 ? left : 0;
    }
    default:
      return ageMs <= p.a ? 1 : 0;
  }
}

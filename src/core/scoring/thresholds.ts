import type { Threshold, ThresholdAction } from "./model-schema.ts";

type Numbers = { readonly fit: number; readonly engagement: number; readonly total: number };

/** A threshold a lead's score crossed, and what that should trigger. */
export type Crossing = {
  readonly threshold: string;
  readonly metric: Threshold["metric"];
  readonly direction: "up" | "down";
  readonly action: ThresholdAction;
  readonly value: number;
};

/** Whether a score satisfies a threshold (`atLeast` with its optional `minFit`, or `below`). */
export function thresholdMet(t: Threshold, s: Numbers): boolean {
  const v = s[t.metric];
  if (t.atLeast !== undefined) return v >= t.atLeast && (t.minFit === undefined || s.fit >= t.minFit);
  return t.below !== undefined && v < t.below;
}

/**
 * The thresholds crossed from `before` to `after`: a threshold fires only when it goes from not met
 * to met, so a lead that stays above the MQL line does not fire again. For a lead seen for the first
 * time (`before` null) `atLeast` thresholds fire when met, `below` ones never (a lead cannot drop
 * back to nurture before it was ever up).
 *
 * @example
 * crossingsBetween([{ id: "mql", metric: "total", atLeast: 70, action: "become_mql" }], { fit: 40, engagement: 20, total: 60 }, { fit: 40, engagement: 35, total: 75 });
 * // [{ threshold: "mql", metric: "total", direction: "up", action: "become_mql", value: 75 }]
 */
export function crossingsBetween(
  thresholds: readonly Threshold[],
  before: Numbers | null,
  after: Numbers,
): Crossing[] {
  const out: Crossing[] = [];
  for (const t of thresholds) {
    const was = before === null ? t.below !== undefined : thresholdMet(t, before);
    if (!was && thresholdMet(t, after))
      out.push({
        threshold: t.id,
        metric: t.metric,
        direction: t.atLeast !== undefined ? "up" : "down",
        action: t.action,
        value: after[t.metric],
      });
  }
  return out;
}

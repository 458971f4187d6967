export type CapacityItem = {
  readonly score: number;
  /** The known outcome (backtest) or a predicted probability of converting; probability wins when both are given. */
  readonly won?: boolean;
  readonly probability?: number;
};

export type CapacityOptions = {
  readonly repsCount: number;
  readonly leadsPerRepPerWeek: number;
  /** How many weeks the items cover (to turn totals into per-week figures). */
  readonly weeks: number;
  /** Today's threshold, to compare against. */
  readonly currentThreshold?: number;
};

export type CapacityPoint = {
  readonly threshold: number;
  readonly selected: number;
  readonly perWeek: number;
  readonly expectedConversions: number;
  readonly conversionRate: number;
};

export type CapacityPlan = {
  readonly capacityPerWeek: number;
  /** The lowest threshold whose selection fits in capacity, and what it yields. */
  readonly recommended: CapacityPoint & { readonly utilisation: number };
  readonly current: (CapacityPoint & { readonly utilisation: number }) | null;
  /** One point per distinct score (at most 60, evenly spread), highest threshold first: for charts. */
  readonly curve: readonly CapacityPoint[];
};

/**
 * The threshold that fills the team's capacity, and the conversions expected at it versus today's
 * threshold. Expected conversions add each selected lead's probability (or 1 for a known win).
 *
 * @example
 * capacityPlan([{ score: 90, won: true }, { score: 70 }, { score: 40 }], { repsCount: 1, leadsPerRepPerWeek: 2, weeks: 1, currentThreshold: 30 });
 * // recommended.threshold 70, selected 2, expectedConversions 1; current selects 3 (150% of capacity)
 */
export function capacityPlan(items: readonly CapacityItem[], o: CapacityOptions): CapacityPlan {
  if (!(o.weeks > 0) || !(o.repsCount >= 0) || !(o.leadsPerRepPerWeek >= 0))
    throw new RangeError("weeks must be > 0, reps and leads per rep >= 0");
  const sorted = items
    .map((i) => ({ score: i.score, p: i.probability ?? (i.won ? 1 : 0) }))
    .sort((a, b) => b.score - a.score);
  const capacityPerWeek = o.repsCount * o.leadsPerRepPerWeek;
  const capacity = capacityPerWeek * o.weeks;
  const point = (threshold: number, selected: number, expected: number): CapacityPoint => ({
    threshold,
    selected,
    perWeek: selected / o.weeks,
    expectedConversions: expected,
    conversionRate: selected ? expected / selected : 0,
  });
  // Distinct score boundaries with the cumulative selection at each.
  const steps: CapacityPoint[] = [];
  let cumP = 0;
  for (let i = 0; i < sorted.length; i++) {
    cumP += sorted[i]!.p;
    if (i + 1 === sorted.length || sorted[i + 1]!.score !== sorted[i]!.score)
      steps.push(point(sorted[i]!.score, i + 1, cumP));
  }
  const top = sorted[0]?.score ?? 0;
  let best = point(top + 1, 0, 0);
  for (const s of steps) if (s.selected <= capacity) best = s;
  const util = (p: CapacityPoint) => ({ ...p, utilisation: capacity ? p.selected / capacity : 0 });
  let current: CapacityPoint | null = null;
  if (o.currentThreshold !== undefined) {
    const t = o.currentThreshold;
    let n = 0;
    let e = 0;
    for (const s of sorted)
      if (s.score >= t) {
        n++;
        e += s.p;
      }
    current = point(t, n, e);
  }
  const stride = Math.max(1, Math.ceil(steps.length / 60));
  const curve = steps.filter((_, i) => i % stride === 0 || i === steps.length - 1);
  return { capacityPerWeek, recommended: util(best), current: current ? util(current) : null, curve };
}

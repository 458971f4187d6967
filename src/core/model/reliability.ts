/** One bin of a reliability (calibration) curve. */
export type ReliabilityBin = {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** Mean predicted probability in the bin. */
  readonly predicted: number;
  /** Observed share of positives in the bin. */
  readonly observed: number;
};

/**
 * Reliability curve over `bins` equal-width probability bins (empty bins are left out). A calibrated
 * model has `observed` close to `predicted` in every bin.
 *
 * @example
 * reliabilityCurve(Uint8Array.from([0, 1]), Float64Array.from([0.1, 0.9]), 2);
 * // [{lower:0, upper:0.5, count:1, predicted:0.1, observed:0}, {lower:0.5, upper:1, count:1, predicted:0.9, observed:1}]
 */
export function reliabilityCurve(label: Uint8Array, prob: ArrayLike<number>, bins = 10): ReliabilityBin[] {
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  for (let i = 0; i < label.length; i++) {
    const p = prob[i]!;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    count[b]!++;
    sumP[b]! += p;
    sumY[b]! += label[i] ? 1 : 0;
  }
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const c = count[b]!;
    if (c === 0) continue;
    out.push({
      lower: b / bins,
      upper: (b + 1) / bins,
      count: c,
      predicted: sumP[b]! / c,
      observed: sumY[b]! / c,
    });
  }
  return out;
}

/** One decile of a lift table (decile 1 = the highest scored tenth). */
export type LiftDecile = {
  readonly decile: number;
  readonly count: number;
  readonly positives: number;
  readonly rate: number;
  /** rate / overall rate. */
  readonly lift: number;
  /** Share of all positives captured by deciles 1..this one. */
  readonly cumulativeCapture: number;
};

/**
 * Lift by decile: rows sorted by score (highest first) and cut into ten near-equal groups.
 *
 * @example
 * liftByDecile(label, prob)[0].lift; // e.g. 3.1: the top tenth converts 3.1 times the base rate
 */
export function liftByDecile(label: Uint8Array, prob: ArrayLike<number>, groups = 10): LiftDecile[] {
  const n = label.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => prob[b]! - prob[a]!);
  let total = 0;
  for (let i = 0; i < n; i++) total += label[i] ? 1 : 0;
  const base = n > 0 ? total / n : 0;
  const out: LiftDecile[] = [];
  let captured = 0;
  for (let g = 0; g < groups; g++) {
    const from = Math.floor((g * n) / groups);
    const to = Math.floor(((g + 1) * n) / groups);
    let pos = 0;
    for (let k = from; k < to; k++) pos += label[order[k]!] ? 1 : 0;
    captured += pos;
    const count = to - from;
    const rate = count > 0 ? pos / count : 0;
    out.push({
      decile: g + 1,
      count,
      positives: pos,
      rate,
      lift: base > 0 ? rate / base : 0,
      cumulativeCapture: total > 0 ? captured / total : 0,
    });
  }
  return out;
}

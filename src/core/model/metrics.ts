/**
 * Area under the ROC curve, ties counted as half (Mann-Whitney with mid-ranks). NaN when one class
 * is absent.
 *
 * @example
 * auc(Uint8Array.from([0, 1]), Float64Array.from([0.2, 0.9])); // 1
 */
export function auc(label: Uint8Array, score: ArrayLike<number>): number {
  const n = label.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let rankSumPos = 0;
  let pos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    const s = score[order[i]!]!;
    while (j + 1 < n && score[order[j + 1]!]! === s) j++;
    const midRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (label[order[k]!]) {
        rankSumPos += midRank;
        pos++;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Probabilities are clipped to [eps, 1 - eps] before the log, as the peers do (1e-6). */
export const LOG_LOSS_EPS = 1e-6;

/**
 * Mean binary log loss (cross-entropy) with clipping.
 *
 * @example
 * logLoss(Uint8Array.from([1]), Float64Array.from([0.5])); // 0.6931...
 */
export function logLoss(label: Uint8Array, prob: ArrayLike<number>, eps = LOG_LOSS_EPS): number {
  return logLossSum(label, prob, eps) / label.length;
}

/**
 * logLoss's loop, alone: V8 compiles it on the stack in the first call, and the division that
 * followed it had no type feedback yet, so that code was thrown away there (twice in
 * bank-marketing's first fold, `--trace-deopt`).
 */
function logLossSum(label: Uint8Array, prob: ArrayLike<number>, eps: number): number {
  let s = 0;
  for (let i = 0; i < label.length; i++) s += logLossTerm(label[i]!, prob[i]!, eps);
  return s;
}

/** One row's log loss: −log of the probability given to its label, clipped to [eps, 1 − eps]. */
export function logLossTerm(label: number, prob: number, eps = LOG_LOSS_EPS): number {
  const p = Math.min(1 - eps, Math.max(eps, prob));
  return label ? -Math.log(p) : -Math.log(1 - p);
}

/**
 * Mean squared error of the probability (Brier score).
 *
 * @example
 * brier(Uint8Array.from([1, 0]), Float64Array.from([0.8, 0.2])); // 0.04
 */
export function brier(label: Uint8Array, prob: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < label.length; i++) {
    const d = prob[i]! - (label[i] ? 1 : 0);
    s += d * d;
  }
  return s / label.length;
}

/**
 * A 95% confidence interval for an AUC measured on `label` (Hanley & McNeil, 1982): how far the
 * held-out AUC of a small sample may be from the model's true one. 31 held-out deals give a band
 * about ±0.2 wide; that is what a user must see before trusting 0.55 or 0.45.
 *
 * @example
 * aucInterval(labels, 0.8); // { low: 0.71, high: 0.89 } for ~100 rows of each class
 */
export function aucInterval(
  label: Uint8Array,
  aucValue: number,
): { readonly low: number; readonly high: number } {
  let pos = 0;
  for (let i = 0; i < label.length; i++) pos += label[i] ? 1 : 0;
  const neg = label.length - pos;
  if (pos === 0 || neg === 0) return { low: 0, high: 1 };
  const a = Math.min(Math.max(aucValue, 0), 1);
  const q1 = a / (2 - a);
  const q2 = (2 * a * a) / (1 + a);
  const variance = (a * (1 - a) + (pos - 1) * (q1 - a * a) + (neg - 1) * (q2 - a * a)) / (pos * neg);
  const half = 1.959964 * Math.sqrt(Math.max(variance, 0));
  return { low: Math.max(0, a - half), high: Math.min(1, a + half) };
}

/** The three held-out measures the benchmark reports. */
export type HeldOutMetrics = { readonly auc: number; readonly logloss: number; readonly brier: number };

/** AUC, log loss and Brier in one call. */
export function heldOutMetrics(label: Uint8Array, prob: ArrayLike<number>): HeldOutMetrics {
  return { auc: auc(label, prob), logloss: logLoss(label, prob), brier: brier(label, prob) };
}

/** The logistic function. */
export function sigmoid(x: number): number {
  // One expression for both signs (the same values as 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x)
  // below): an arithmetic branch never taken yet has no type feedback, and V8's optimised code of
  // the callers was thrown away the first time a margin of the other sign came (`--trace-deopt`).
  const e = Math.exp(-Math.abs(x));
  return (x >= 0 ? 1 : e) / (1 + e);
}

/** log(1 + e^x), stably, in one expression for both signs (see `sigmoid`). */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

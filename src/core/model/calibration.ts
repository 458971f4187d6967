import { sigmoid } from "./metrics.ts";

/** Platt scaling: p = sigmoid(a · margin + b). */
export type PlattCalibration = { readonly kind: "platt"; readonly a: number; readonly b: number };

/**
 * Fits Platt scaling on held-out margins by Newton's method on the log loss (with Platt's target
 * smoothing, which keeps the fit finite on separable data).
 *
 * @example
 * const cal = fitPlatt(heldOutMargins, heldOutLabels);
 * applyPlatt(cal, 0.3); // calibrated probability
 */
export function fitPlatt(margin: ArrayLike<number>, label: Uint8Array): PlattCalibration {
  const n = label.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += label[i] ? 1 : 0;
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (n - pos + 2);
  const loss = (a: number, b: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = a * margin[i]! + b;
      const t = label[i] ? hi : lo;
      // Cross-entropy against the smoothed target, computed stably.
      const sp = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
      s += sp - t * z;
    }
    return s;
  };
  let a = 1;
  let b = 0;
  // The loss at (a, b): the line search's last accepted value (one pass over the rows saved per step).
  let f0 = loss(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-12;
    let hab = 0;
    let hbb = 1e-12;
    for (let i = 0; i < n; i++) {
      const x = margin[i]!;
      const p = sigmoid(a * x + b);
      const t = label[i] ? hi : lo;
      const d = p - t;
      const w = Math.max(p * (1 - p), 1e-12);
      ga += d * x;
      gb += d;
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 1e-18)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    // Backtracking: Newton overshoots when margins are large.
    let t = 1;
    let f = loss(a - da, b - db);
    while (t > 1e-8 && f > f0 + 1e-12) {
      t /= 2;
      f = loss(a - t * da, b - t * db);
    }
    a -= t * da;
    b -= t * db;
    f0 = f;
    if (Math.abs(t * da) < 1e-10 && Math.abs(t * db) < 1e-10) break;
  }
  return { kind: "platt", a, b };
}

/** Calibrated probability of a margin. */
export function applyPlatt(cal: PlattCalibration, margin: number): number {
  return sigmoid(cal.a * margin + cal.b);
}

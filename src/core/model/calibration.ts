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
  let a = 1;
  let b = 0;
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
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-10 && Math.abs(db) < 1e-10) break;
  }
  return { kind: "platt", a, b };
}

/** Calibrated probability of a margin. */
export function applyPlatt(cal: PlattCalibration, margin: number): number {
  return sigmoid(cal.a * margin + cal.b);
}

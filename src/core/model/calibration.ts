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
  // The loss at (a, b) and its gradient and Hessian, from the same pass (the line search's accepted
  // point is the next step's start: one pass over the rows per Newton step when the full step holds).
  let at = new Float64Array(PLATT_SUMS);
  let trial = new Float64Array(PLATT_SUMS);
  let f0 = plattPass(margin, label, hi, lo, a, b, at);
  for (let iter = 0; iter < 100; iter++) {
    const ga = at[0]!;
    const gb = at[1]!;
    const haa = at[2]!;
    const hab = at[3]!;
    const hbb = at[4]!;
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 1e-18)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    // Converged: the Newton decrement g'H^-1 g (twice the predicted decrease of the summed loss) is
    // below what the sum can resolve, so the step is taken without another pass. The line search
    // below cannot judge such steps: their decrease is under the sum's rounding, and it halved them
    // up to 27 times on noise (bank-marketing's blend: 11 passes per candidate, now 3).
    if (ga * da + gb * db < 1e-10) {
      a -= da;
      b -= db;
      break;
    }
    // Backtracking: Newton overshoots when margins are large.
    let t = 1;
    let f = plattPass(margin, label, hi, lo, a - da, b - db, trial);
    while (t > 1e-8 && f > f0 + 1e-12) {
      t /= 2;
      f = plattPass(margin, label, hi, lo, a - t * da, b - t * db, trial);
    }
    a -= t * da;
    b -= t * db;
    f0 = f;
    const swap = at;
    at = trial;
    trial = swap;
    if (Math.abs(t * da) < 1e-10 && Math.abs(t * db) < 1e-10) break;
  }
  return { kind: "platt", a, b };
}

const PLATT_SUMS = 5;

/**
 * One pass over the rows at (a, b): returns the cross-entropy against the smoothed targets and
 * writes its gradient (d/da, d/db) and Hessian (aa, ab, bb) sums into `out`.
 */
function plattPass(
  margin: ArrayLike<number>,
  label: Uint8Array,
  hi: number,
  lo: number,
  a: number,
  b: number,
  out: Float64Array,
): number {
  let s = 0;
  let ga = 0;
  let gb = 0;
  let haa = 1e-12;
  let hab = 0;
  let hbb = 1e-12;
  out[0] = ga;
  out[1] = gb;
  out[2] = haa;
  out[3] = hab;
  out[4] = hbb;
  for (let i = 0; i < label.length; i++) {
    const x = margin[i]!;
    const z = a * x + b;
    const t = label[i] ? hi : lo;
    // Stably: softplus(z) and sigmoid(z) from one exponential, e = exp(-|z|), in one expression
    // for both signs (no arithmetic in a branch that has not run yet: see `sigmoid`).
    const e = Math.exp(-Math.abs(z));
    const sp = Math.max(z, 0) + Math.log1p(e);
    const p = (z > 0 ? 1 : e) / (1 + e);
    s += sp - t * z;
    const d = p - t;
    const w = Math.max(p * (1 - p), 1e-12);
    ga += d * x;
    gb += d;
    haa += w * x * x;
    hab += w * x;
    hbb += w;
    // Stored on every row, not once after the loop: V8 compiles this loop on the stack in its first
    // calls, and stores after it had no type feedback yet, so that code was thrown away at the end
    // of the call (three times in bank-marketing's first fold, `--trace-deopt`).
    out[0] = ga;
    out[1] = gb;
    out[2] = haa;
    out[3] = hab;
    out[4] = hbb;
  }
  return s;
}

/** Calibrated probability of a margin. */
export function applyPlatt(cal: PlattCalibration, margin: number): number {
  return sigmoid(cal.a * margin + cal.b);
}

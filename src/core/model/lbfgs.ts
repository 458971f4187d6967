/** Objective: returns f(x) and writes the gradient into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export type LbfgsOptions = {
  readonly memory?: number;
  readonly maxIter?: number;
  readonly gradTol?: number;
  /**
   * Diagonal of an estimate of the inverse Hessian, used as the starting matrix of every step's
   * two-loop recursion (instead of a scaled identity): badly scaled coordinates — e.g. one-hot
   * levels with very different row counts — then converge together.
   */
  readonly precondition?: Float64Array;
};

/**
 * Minimises a smooth convex function with limited-memory BFGS and a backtracking (Armijo) line
 * search. Deterministic; stops when max |gradient| < gradTol or after maxIter iterations.
 *
 * @example
 * const x = lbfgs((x, g) => { g[0] = 2 * (x[0] - 3); return (x[0] - 3) ** 2; }, new Float64Array(1)); // x[0] ≈ 3
 */
export function lbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): Float64Array {
  const m = options.memory ?? 10;
  const maxIter = options.maxIter ?? 500;
  const gradTol = options.gradTol ?? 1e-6;
  const d = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(d);
  let fx = f(x, g);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(d);
  const xNew = new Float64Array(d);
  const gNew = new Float64Array(d);
  const alpha = new Float64Array(m);
  const pre = options.precondition;
  for (let iter = 0; iter < maxIter; iter++) {
    let gmax = 0;
    for (let i = 0; i < d; i++) gmax = Math.max(gmax, Math.abs(g[i]!));
    if (gmax < gradTol) break;
    // Two-loop recursion: dir = -H g.
    for (let i = 0; i < d; i++) dir[i] = -g[i]!;
    for (let k = s.length - 1; k >= 0; k--) {
      let a = 0;
      const sk = s[k]!;
      for (let i = 0; i < d; i++) a += sk[i]! * dir[i]!;
      a *= rho[k]!;
      alpha[k] = a;
      const yk = y[k]!;
      for (let i = 0; i < d; i++) dir[i]! -= a * yk[i]!;
    }
    if (pre) {
      for (let i = 0; i < d; i++) dir[i]! *= pre[i]!;
    } else if (s.length > 0) {
      const sk = s[s.length - 1]!;
      const yk = y[y.length - 1]!;
      let sy = 0;
      let yy = 0;
      for (let i = 0; i < d; i++) {
        sy += sk[i]! * yk[i]!;
        yy += yk[i]! * yk[i]!;
      }
      const gamma = sy / yy;
      for (let i = 0; i < d; i++) dir[i]! *= gamma;
    } else {
      // First step: a unit-length move along the negative gradient.
      let gn = 0;
      for (let i = 0; i < d; i++) gn += g[i]! * g[i]!;
      const scale = 1 / Math.max(1, Math.sqrt(gn));
      for (let i = 0; i < d; i++) dir[i]! *= scale;
    }
    for (let k = 0; k < s.length; k++) {
      const yk = y[k]!;
      let b = 0;
      for (let i = 0; i < d; i++) b += yk[i]! * dir[i]!;
      b *= rho[k]!;
      const sk = s[k]!;
      const a = alpha[k]!;
      for (let i = 0; i < d; i++) dir[i]! += sk[i]! * (a - b);
    }
    let slope = 0;
    for (let i = 0; i < d; i++) slope += g[i]! * dir[i]!;
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      s.length = 0;
      y.length = 0;
      rho.length = 0;
      continue;
    }
    let step = 1;
    let fNew = 0;
    let accepted = false;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < d; i++) xNew[i] = x[i]! + step * dir[i]!;
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    const sv = new Float64Array(d);
    const yv = new Float64Array(d);
    let sy = 0;
    for (let i = 0; i < d; i++) {
      sv[i] = xNew[i]! - x[i]!;
      yv[i] = gNew[i]! - g[i]!;
      sy += sv[i]! * yv[i]!;
    }
    x.set(xNew);
    g.set(gNew);
    const improvement = fx - fNew;
    fx = fNew;
    if (sy > 1e-12) {
      if (s.length === m) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sv);
      y.push(yv);
      rho.push(1 / sy);
    }
    if (improvement < 1e-12 * Math.max(1, Math.abs(fx))) break;
  }
  return x;
}

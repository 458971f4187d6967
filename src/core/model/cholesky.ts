/**
 * Factors a symmetric positive-definite A (dense, row-major d × d) as L Lᵀ in place: only the lower
 * triangle of A is read, and L is written over it. Returns false when A is not positive definite.
 */
export function choleskyFactor(a: Float64Array, d: number): boolean {
  for (let j = 0; j < d; j++) {
    const rj = j * d;
    let s = a[rj + j]!;
    for (let k = 0; k < j; k++) s -= a[rj + k]! * a[rj + k]!;
    if (!(s > 0)) return false;
    const l = Math.sqrt(s);
    a[rj + j] = l;
    for (let i = j + 1; i < d; i++) {
      const ri = i * d;
      let t = a[ri + j]!;
      for (let k = 0; k < j; k++) t -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = t / l;
    }
  }
  return true;
}

/** Solves L Lᵀ x = b for x in place of b, with L from `choleskyFactor` (lower triangle of `l`). */
export function choleskySubstitute(l: Float64Array, b: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * d + k]! * b[k]!;
    b[i] = s / l[i * d + i]!;
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * b[k]!;
    b[i] = s / l[i * d + i]!;
  }
}

/**
 * Solves A x = b for a symmetric positive-definite A (dense, row-major d × d) by Cholesky
 * factorisation. Only the lower triangle of A is read; A is overwritten with its factor.
 * Returns false when A is not positive definite.
 *
 * @example
 * const a = Float64Array.from([4, 0, 0, 9]);
 * const x = Float64Array.from([8, 9]);
 * choleskySolve(a, x, 2); // x = [2, 1]
 */
export function choleskySolve(a: Float64Array, b: Float64Array, d: number): boolean {
  if (!choleskyFactor(a, d)) return false;
  choleskySubstitute(a, b, d);
  return true;
}

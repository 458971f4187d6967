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
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j]!;
    for (let k = 0; k < j; k++) s -= a[j * d + k]! * a[j * d + k]!;
    if (!(s > 0)) return false;
    const l = Math.sqrt(s);
    a[j * d + j] = l;
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j]!;
      for (let k = 0; k < j; k++) t -= a[i * d + k]! * a[j * d + k]!;
      a[i * d + j] = t / l;
    }
  }
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= a[i * d + k]! * b[k]!;
    b[i] = s / a[i * d + i]!;
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < d; k++) s -= a[k * d + i]! * b[k]!;
    b[i] = s / a[i * d + i]!;
  }
  return true;
}

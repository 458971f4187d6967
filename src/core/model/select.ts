/**
 * The k-th smallest of v[0..n) (0-based) by quickselect (Hoare partition, median-of-three pivot),
 * in expected linear time instead of a sort's n log n. Reorders `v` so that v[0..k) <= v[k] <= v(k..n).
 * `v` must hold no NaN.
 */
export function selectKth(v: Float64Array, k: number): number {
  let lo = 0;
  let hi = v.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    const a = v[lo]!;
    const b = v[mid]!;
    const c = v[hi]!;
    const p = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (v[i]! < p) i++;
      while (v[j]! > p) j--;
      if (i <= j) {
        const t = v[i]!;
        v[i] = v[j]!;
        v[j] = t;
        i++;
        j--;
      }
    }
    // v[lo..j] <= p, v(j..i) == p, v[i..hi] >= p.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return v[k]!;
  }
  return v[k]!;
}

/**
 * Median of the values that are not NaN (mean of the two middle ones for an even count; 0 when
 * there are none): the same value as sorting, without the sort.
 *
 * @example
 * medianOf(Float64Array.of(3, NaN, 1, 2)); // 2
 */
export function medianOf(values: Float64Array): number {
  const v = withoutNaN(values);
  const m = v.length;
  if (m === 0) return 0;
  const h = m >> 1;
  const upper = selectKth(v, h);
  if (m % 2) return upper;
  // After the selection every value left of h is <= v[h]: the largest of them is the (h-1)-th.
  return (maxOf(v, h) + upper) / 2;
}

// The loops are small functions of their own: compiled on the stack inside medianOf, V8
// deoptimised it after the first loop on every call.
function withoutNaN(values: Float64Array): Float64Array {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) m++;
  const v = new Float64Array(m);
  m = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) v[m++] = values[i]!;
  return v;
}

/** The largest of v[0..end), end >= 1. */
function maxOf(v: Float64Array, end: number): number {
  let max = v[0]!;
  for (let i = 1; i < end; i++) if (v[i]! > max) max = v[i]!;
  return max;
}

import { describe, expect, it } from "vitest";
import { seededRandom } from "../src/core/model/random.ts";
import { medianOf, selectKth } from "../src/core/model/select.ts";

/** The median as the logistic regression computed it before: sort, then the middle value(s). */
function sortedMedian(values: Float64Array): number {
  const v = Float64Array.from(Array.from(values).filter((x) => !Number.isNaN(x)));
  if (v.length === 0) return 0;
  v.sort();
  const h = v.length >> 1;
  return v.length % 2 ? v[h]! : (v[h - 1]! + v[h]!) / 2;
}

describe("order statistics", () => {
  it("selectKth returns the k-th smallest and leaves smaller values left of it", () => {
    const rand = seededRandom(3);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rand() * 60);
      // Few distinct values half of the time: duplicates are what partitions get wrong.
      const distinct = trial % 2 ? 3 : 1000;
      const v = Float64Array.from({ length: n }, () => Math.floor(rand() * distinct) - distinct / 2);
      const sorted = Float64Array.from(v).sort();
      const k = Math.floor(rand() * n);
      const x = selectKth(v, k);
      expect(x).toBe(sorted[k]);
      for (let i = 0; i < k; i++) expect(v[i]!).toBeLessThanOrEqual(x);
      for (let i = k + 1; i < n; i++) expect(v[i]!).toBeGreaterThanOrEqual(x);
      expect(Float64Array.from(v).sort()).toEqual(sorted);
    }
  });

  it("medianOf equals the sorted median, skipping NaN, for odd and even counts", () => {
    const rand = seededRandom(11);
    for (let trial = 0; trial < 300; trial++) {
      const n = Math.floor(rand() * 80);
      const distinct = [2, 7, 1e6][trial % 3]!;
      const v = Float64Array.from({ length: n }, () =>
        rand() < 0.2 ? Number.NaN : Math.floor(rand() * distinct) * 0.37,
      );
      expect(medianOf(v)).toBe(sortedMedian(v));
    }
    expect(medianOf(Float64Array.of(3, Number.NaN, 1, 2))).toBe(2);
    expect(medianOf(Float64Array.of(4, 1, 3, 2))).toBe(2.5);
    expect(medianOf(Float64Array.of(Number.NaN))).toBe(0);
    expect(medianOf(new Float64Array(0))).toBe(0);
  });
});

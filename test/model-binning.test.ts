import { describe, expect, it } from "vitest";
import { fitBinning } from "../src/core/model/binning.ts";
import { Mulberry32 } from "../src/core/model/random.ts";
import type { Table } from "../src/core/model/table.ts";

/** The thresholds by their definition: midpoints of the sorted distinct values, or interpolated quantiles. */
function reference(values: Float64Array, maxBins: number): number[] {
  const v = Array.from(values)
    .filter((x) => !Number.isNaN(x))
    .sort((a, b) => a - b);
  const distinct: number[] = [];
  for (const x of v) if (distinct.length === 0 || distinct[distinct.length - 1] !== x) distinct.push(x);
  if (distinct.length <= maxBins) return distinct.slice(1).map((x, i) => (distinct[i]! + x) / 2);
  const t: number[] = [];
  for (let k = 1; k < maxBins; k++) {
    const pos = (k / maxBins) * (v.length - 1);
    const lo = Math.floor(pos);
    const x = v[lo]! + (v[Math.min(lo + 1, v.length - 1)]! - v[lo]!) * (pos - lo);
    if (t.length === 0 || x > t[t.length - 1]!) t.push(x);
  }
  return t;
}

describe("numeric binning", () => {
  it("puts thresholds between the distinct values, or at quantiles when there are too many", () => {
    const rand = new Mulberry32(4);
    const n = 3000;
    const column = (make: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => make(i));
    const maxBins = 31;
    const columns = [
      column(() => Math.floor(rand.next() * 20) + 17), // few integers
      column(() => Math.round(rand.next() * 50) / 10 - 2.5), // few decimals
      column((i) => (rand.next() < 0.1 ? Number.NaN : [-0, 0, 1, -1][i % 4]!)), // -0 and +0 as one value
      column((i) => i % maxBins), // exactly maxBins distinct values
      column((i) => i % (maxBins + 1)), // one more: quantiles
      column(() => rand.next() * 1000), // all distinct
      column(() => Number.NaN), // all missing
      column(() => 7), // one value
    ];
    const table: Table = {
      rows: n,
      columns: columns.map((values, c) => ({ kind: "numeric", name: `x${c}`, values })),
    };
    const binning = fitBinning(table, { maxBins });
    binning.forEach((f, c) => {
      if (f.kind === "categorical") throw new Error("numeric expected");
      expect(f.thresholds).toEqual(reference(columns[c]!, maxBins));
    });
    expect(binning[3]!.kind !== "categorical" && binning[3]!.thresholds.length).toBe(maxBins - 1);
  });
});

import { describe, expect, it } from "vitest";
import { applyBinning, type BinnedTable, fitBinning } from "../src/core/model/binning.ts";
import { seededRandom } from "../src/core/model/random.ts";
import { buildHistogram } from "../src/core/model/split-finder.ts";
import { buildTable } from "../src/core/model/table-build.ts";
import { bundle, GROUP_CELLS, growTree, growWorkspace, type TreeParams } from "../src/core/model/tree.ts";

/** Columns with 2 to ~60 bins, some categorical, some with missing values; a label-free table. */
function binnedTable(n: number, seed: number): BinnedTable {
  const rand = seededRandom(seed);
  const sizes = [2, 3, 60, 5, 4, 12, 7, 30, 2, 9];
  const names = sizes.map((_, j) => `c${j}`);
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    rows.push(sizes.map((s, j) => (j % 4 === 1 && rand() < 0.1 ? "" : String(Math.floor(rand() * s)))));
  }
  const table = buildTable(names, rows, {
    categorical: names.filter((_, j) => j % 3 === 0),
    numeric: names.filter((_, j) => j % 3 !== 0),
  });
  return applyBinning(fitBinning(table), table);
}

/** Gradient, hessian and count per bin of every feature, summed row by row (the plain definition). */
function plainHistogram(
  binned: BinnedTable,
  gh: Float64Array,
  rows: Int32Array,
  offsets: Int32Array,
): Float64Array {
  const nf = binned.binCount.length;
  const hist = new Float64Array(offsets[nf]! * 3);
  for (const i of rows) {
    for (let f = 0; f < nf; f++) {
      const b = (offsets[f]! + binned.bins[f * binned.rows + i]!) * 3;
      hist[b]! += gh[2 * i]!;
      hist[b + 1]! += gh[2 * i + 1]!;
      hist[b + 2]! += 1;
    }
  }
  return hist;
}

const params: TreeParams = {
  maxLeaves: 15,
  maxDepth: 0,
  minLeaf: 20,
  minHess: 1e-3,
  l2: 0,
  catL2: 10,
  catSmooth: 10,
  minCatSupport: 10,
  learningRate: 0.1,
  minGain: 1e-7,
};

describe("feature groups of the histograms", () => {
  it("puts every feature in one group, each group's cells within the limit (or a feature alone)", () => {
    const binCount = Int32Array.of(14, 6, 10, 5, 5, 5, 4, 12, 7, 5, 79, 43, 28, 9, 11, 27, 27, 81, 12, 300);
    for (const limit of [1, 64, 256, 1000]) {
      const groups = bundle(binCount, limit);
      const seen = groups.flat().sort((a, b) => a - b);
      expect(seen).toEqual(Array.from(binCount, (_, f) => f));
      for (const g of groups) {
        const cells = g.reduce((p, f) => p * binCount[f]!, 1);
        if (g.length > 1) expect(cells).toBeLessThanOrEqual(limit);
      }
      expect(bundle(binCount, limit)).toEqual(groups);
    }
    expect(bundle(binCount, 1)).toHaveLength(binCount.length);
    expect(bundle(binCount, 256).length).toBeLessThan(12);
  });

  it("gives each feature's histogram from its group's cells: counts exact, sums to rounding", () => {
    const binned = binnedTable(3000, 5);
    const ws = growWorkspace(binned, 15);
    expect(ws.groups.count).toBeLessThan(binned.binCount.length);
    const rand = seededRandom(9);
    const gh = new Float64Array(2 * binned.rows);
    for (let i = 0; i < binned.rows; i++) {
      gh[2 * i] = rand() - 0.3;
      gh[2 * i + 1] = 0.05 + rand() * 0.2;
    }
    const rows = Int32Array.from({ length: 3000 }, (_, k) => (k * 7) % binned.rows);
    const all = Int32Array.from(binned.binCount, (_, f) => f);
    // Through the cells (a long range of rows) and directly by feature (a short one).
    const ranges = [
      [100, 2901],
      [17, 17 + Math.max(2, ws.cellsFrom - 40)],
    ] as const;
    expect(ranges[0][1] - ranges[0][0]).toBeGreaterThanOrEqual(ws.cellsFrom);
    expect(ranges[1][1] - ranges[1][0]).toBeLessThan(ws.cellsFrom);
    for (const [start, end] of ranges) {
      const plain = plainHistogram(binned, gh, rows.subarray(start, end), ws.offsets);
      for (const features of [all, Int32Array.of(2, 7), Int32Array.of(0, 1, 3, 4, 5, 6, 8, 9)]) {
        const hist = new Float64Array(ws.totalBins * 3).fill(Number.NaN);
        buildHistogram(hist, binned, ws, features, gh, rows, start, end);
        for (const f of features) {
          for (let k = ws.offsets[f]! * 3; k < ws.offsets[f + 1]! * 3; k += 3) {
            expect(hist[k + 2]).toBe(plain[k + 2]);
            expect(hist[k]).toBeCloseTo(plain[k]!, 10);
            expect(hist[k + 1]).toBeCloseTo(plain[k + 1]!, 10);
          }
        }
      }
    }
  });

  it("sums a short range by feature in row order, any length (one to five rows, 101): bit for bit", () => {
    const binned = binnedTable(500, 7);
    const ws = growWorkspace(binned, 15);
    const rand = seededRandom(4);
    const gh = new Float64Array(2 * binned.rows);
    for (let i = 0; i < binned.rows; i++) {
      gh[2 * i] = rand() - 0.6;
      gh[2 * i + 1] = 0.05 + rand() * 0.2;
    }
    const rows = Int32Array.from({ length: 500 }, (_, k) => (k * 13) % binned.rows);
    const all = Int32Array.from(binned.binCount, (_, f) => f);
    // Every length mod 4 (rows are taken four at a time), from the first row and from others.
    for (const [start, end] of [
      [0, 1],
      [0, 2],
      [5, 6],
      [5, 7],
      [5, 8],
      [5, 9],
      [5, 10],
      [40, 141],
    ] as const) {
      expect(end - start).toBeLessThan(ws.cellsFrom);
      const plain = plainHistogram(binned, gh, rows.subarray(start, end), ws.offsets);
      for (const features of [all, Int32Array.of(2, 7)]) {
        const hist = new Float64Array(ws.totalBins * 3).fill(Number.NaN);
        buildHistogram(hist, binned, ws, features, gh, rows, start, end);
        for (const f of features) {
          for (let k = ws.offsets[f]! * 3; k < ws.offsets[f + 1]! * 3; k++) {
            expect(Object.is(hist[k], plain[k]), `feature ${f} cell ${k} of rows ${start}..${end}`).toBe(
              true,
            );
          }
        }
      }
    }
  });

  it("grows the same tree as histograms of single features", () => {
    const binned = binnedTable(4000, 6);
    const rand = seededRandom(3);
    const gh = new Float64Array(2 * binned.rows);
    for (let i = 0; i < binned.rows; i++) {
      // A signal on three features, so that the best splits are far from ties.
      const b = (f: number) => binned.bins[f * binned.rows + i]!;
      const z = (b(2) > 30 ? 1 : -0.5) + (b(5) % 2 === 0 ? 0.8 : 0) + b(7) / 30 + (rand() - 0.5) * 0.3;
      const p = 1 / (1 + Math.exp(-z));
      gh[2 * i] = p - (rand() < 0.5 ? 1 : 0);
      gh[2 * i + 1] = p * (1 - p);
    }
    const all = Int32Array.from(binned.binCount, (_, f) => f);
    const grow = (limit: number) => {
      const ws = growWorkspace(binned, 15, limit);
      const rows = Int32Array.from({ length: binned.rows }, (_, i) => i);
      return growTree(binned, ws, all, gh, rows, rows.length, params).tree;
    };
    const single = grow(1);
    expect(single.feature.filter((f) => f >= 0).length).toBeGreaterThan(8);
    const grouped = grow(GROUP_CELLS);
    expect(grouped.feature).toEqual(single.feature);
    expect(grouped.threshold).toEqual(single.threshold);
    expect(grouped.catLeft).toEqual(single.catLeft);
    expect(grouped.missingLeft).toEqual(single.missingLeft);
    for (let k = 0; k < single.value.length; k++) expect(grouped.value[k]).toBeCloseTo(single.value[k]!, 12);
  });
});

import { describe, expect, it } from "vitest";
import { applyBinning, type BinnedTable, fitBinning } from "../src/core/model/binning.ts";
import { seededRandom } from "../src/core/model/random.ts";
import { bestSplit, buildHistogram } from "../src/core/model/split-finder.ts";
import { buildTable } from "../src/core/model/table-build.ts";
import { growWorkspace, type TreeParams } from "../src/core/model/tree.ts";

/** Numeric columns with missing values and categorical ones; a label-free table. */
function binnedTable(n: number, seed: number): BinnedTable {
  const rand = seededRandom(seed);
  const sizes = [6, 40, 5, 12, 3, 25];
  const names = sizes.map((_, j) => `c${j}`);
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    rows.push(sizes.map((s, j) => (j % 2 === 1 && rand() < 0.15 ? "" : String(Math.floor(rand() * s)))));
  }
  const table = buildTable(names, rows, {
    categorical: names.filter((_, j) => j % 3 === 0),
    numeric: names.filter((_, j) => j % 3 !== 0),
  });
  return applyBinning(fitBinning(table), table);
}

const params: TreeParams = {
  maxLeaves: 15,
  maxDepth: 0,
  minLeaf: 20,
  minHess: 1e-3,
  l2: 0.5,
  catL2: 10,
  catSmooth: 10,
  minCatSupport: 10,
  learningRate: 0.1,
  minGain: 1e-7,
};

/** The split's gain recomputed from the rows it sends left (the plain definition), and its row counts. */
function gainOfRows(
  binned: BinnedTable,
  gh: Float64Array,
  goesLeft: (bin: number) => boolean,
  feature: number,
  l2: number,
): { gain: number; left: number; right: number } {
  let gl = 0;
  let hl = 0;
  let gr = 0;
  let hr = 0;
  let left = 0;
  for (let i = 0; i < binned.rows; i++) {
    const g = gh[2 * i]!;
    const h = gh[2 * i + 1]!;
    if (goesLeft(binned.bins[feature * binned.rows + i]!)) {
      gl += g;
      hl += h;
      left++;
    } else {
      gr += g;
      hr += h;
    }
  }
  const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - ((gl + gr) * (gl + gr)) / (hl + hr + l2);
  return { gain, left, right: binned.rows - left };
}

describe("bestSplit", () => {
  it("returns the numeric split with the largest gain (missing values on either side), or null", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const binned = binnedTable(600, seed);
      const ws = growWorkspace(binned, params.maxLeaves);
      const n = binned.rows;
      const rand = seededRandom(seed + 100);
      const gh = new Float64Array(2 * n);
      let G = 0;
      let H = 0;
      for (let i = 0; i < n; i++) {
        gh[2 * i] = rand() * 2 - 1 + (binned.bins[n + i]! % 3) * 0.3;
        gh[2 * i + 1] = 0.05 + rand() * 0.2;
        G += gh[2 * i]!;
        H += gh[2 * i + 1]!;
      }
      const rows = Int32Array.from({ length: n }, (_, i) => i);
      const numeric = Int32Array.from(
        Array.from(binned.isCategorical.keys()).filter((f) => !binned.isCategorical[f]),
      );
      const hist = new Float64Array(ws.totalBins * 3);
      buildHistogram(hist, binned, ws, numeric, gh, rows, 0, n);
      const s = bestSplit(hist, binned, ws, numeric, G, H, n, params);
      // Every numeric split that keeps minLeaf rows on each side, by brute force over the rows.
      let best = params.minGain;
      for (const f of numeric) {
        const nb = binned.binCount[f]!;
        for (let t = 0; t < nb - 2; t++) {
          for (const missingLeft of [false, true]) {
            const r = gainOfRows(binned, gh, (b) => (b === nb - 1 ? missingLeft : b <= t), f, params.l2);
            if (r.left >= params.minLeaf && r.right >= params.minLeaf) best = Math.max(best, r.gain);
          }
        }
      }
      expect(s).not.toBeNull();
      expect(s!.catLeft).toBeNull();
      expect(s!.gain).toBeCloseTo(best, 9);
      const nb = binned.binCount[s!.feature]!;
      const own = gainOfRows(
        binned,
        gh,
        (b) => (b === nb - 1 ? s!.missingLeft : b <= s!.threshold),
        s!.feature,
        params.l2,
      );
      expect(own.gain).toBeCloseTo(s!.gain, 9);
      // Nothing clears a gain threshold above the best.
      expect(bestSplit(hist, binned, ws, numeric, G, H, n, { ...params, minGain: best + 1e-6 })).toBeNull();
    }
  });

  it("returns a categorical split as the levels sent left, whose gain it reports", () => {
    const binned = binnedTable(800, 9);
    const ws = growWorkspace(binned, params.maxLeaves);
    const n = binned.rows;
    // The categorical column with the most levels (c3: 12).
    const cats = Array.from(binned.isCategorical.keys()).filter((k) => binned.isCategorical[k]);
    const f = cats.reduce((a, b) => (binned.binCount[b]! > binned.binCount[a]! ? b : a));
    expect(binned.binCount[f]).toBeGreaterThanOrEqual(12);
    const gh = new Float64Array(2 * n);
    let G = 0;
    let H = 0;
    for (let i = 0; i < n; i++) {
      const level = binned.bins[f * n + i]!;
      gh[2 * i] = (level % 4) - 1.5;
      gh[2 * i + 1] = 0.25;
      G += gh[2 * i]!;
      H += gh[2 * i + 1]!;
    }
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const features = Int32Array.of(f);
    const hist = new Float64Array(ws.totalBins * 3);
    buildHistogram(hist, binned, ws, features, gh, rows, 0, n);
    const s = bestSplit(hist, binned, ws, features, G, H, n, params);
    expect(s).not.toBeNull();
    expect(s!.feature).toBe(f);
    const left = new Set(s!.catLeft!);
    expect(left.size).toBe(s!.threshold + 1);
    // Levels with gradient -1.5 (level % 4 = 0) and -0.5 (= 1) go one way, 0.5 and 1.5 the other.
    const sides = new Set(Array.from(left, (l) => (l % 4) - 1.5 < 0));
    expect(sides.size).toBe(1);
    const own = gainOfRows(binned, gh, (b) => left.has(b), f, params.l2 + params.catL2);
    expect(own.gain).toBeCloseTo(s!.gain, 9);
  });
});

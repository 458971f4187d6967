import { describe, expect, it } from "vitest";
import { applyBinning, type BinnedTable } from "../src/core/model/binning.ts";
import { explain, topReasons } from "../src/core/model/explain.ts";
import { fitGbdt, gbdtContributions, gbdtMargin } from "../src/core/model/gbdt.ts";
import { predictMargin, train } from "../src/core/model/learners.ts";
import { seededRandom } from "../src/core/model/random.ts";
import type { Tree } from "../src/core/model/tree.ts";
import { shapScratch, treeDepth, treeExpectation, treeShap } from "../src/core/model/tree-shap.ts";
import { categoryMasks, goesLeft, leafOf } from "../src/core/model/tree-walk.ts";
import { randomTree } from "./helpers/random-tree.ts";
import { syntheticLeads } from "./helpers/synthetic-leads.ts";

/** The tree's expectation with the features in `known` fixed to the row's values, the others averaged by cover. */
function conditional(tree: Tree, binned: BinnedTable, row: number, known: Set<number>, node = 0): number {
  const f = tree.feature[node]!;
  if (f < 0) return tree.value[node]!;
  const l = tree.left[node]!;
  const r = tree.right[node]!;
  if (known.has(f)) {
    const b = binned.bins[f * binned.rows + row]!;
    const next = goesLeft(tree, categoryMasks(tree), node, b, binned.binCount[f]!) ? l : r;
    return conditional(tree, binned, row, known, next);
  }
  const c = tree.cover[node]!;
  return (
    (tree.cover[l]! / c) * conditional(tree, binned, row, known, l) +
    (tree.cover[r]! / c) * conditional(tree, binned, row, known, r)
  );
}

/** Shapley values by their definition: every subset of the other features, with its combinatorial weight. */
function bruteShapley(value: (known: Set<number>) => number, m: number): number[] {
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const phi = new Array<number>(m).fill(0);
  for (let i = 0; i < m; i++) {
    for (let mask = 0; mask < 1 << m; mask++) {
      if (mask & (1 << i)) continue;
      const s = new Set<number>();
      for (let j = 0; j < m; j++) if (mask & (1 << j)) s.add(j);
      const w = (fact(s.size) * fact(m - s.size - 1)) / fact(m);
      const without = value(s);
      s.add(i);
      phi[i]! += w * (value(s) - without);
    }
  }
  return phi;
}

function randomRows(rand: () => number, rows: number, m: number, categorical: Uint8Array): BinnedTable {
  const bins = new Uint16Array(rows * m);
  for (let k = 0; k < bins.length; k++) bins[k] = Math.floor(rand() * 6);
  return { rows, bins, binCount: new Int32Array(m).fill(6), isCategorical: categorical };
}

describe("TreeSHAP", () => {
  it("equals the Shapley values of the definition on small random trees", () => {
    const rand = seededRandom(5);
    const m = 5;
    for (let trial = 0; trial < 40; trial++) {
      const categorical = Uint8Array.from({ length: m }, () => (rand() < 0.4 ? 1 : 0));
      const tree = randomTree(rand, new Int32Array(m).fill(6), categorical, 1 + (trial % 5));
      const binned = randomRows(rand, 6, m, categorical);
      const scratch = shapScratch(treeDepth(tree));
      for (let row = 0; row < binned.rows; row++) {
        const phi = new Float64Array(m);
        treeShap(tree, binned, row, phi, 0, 1, scratch);
        const exact = bruteShapley((known) => conditional(tree, binned, row, known), m);
        for (let j = 0; j < m; j++) expect(phi[j]!).toBeCloseTo(exact[j]!, 10);
        // Efficiency: the values add up to the prediction minus the expectation.
        const sum = phi.reduce((a, b) => a + b, 0);
        const leaf = tree.value[leafOf(tree, binned, row)]!;
        expect(Math.abs(sum - (leaf - treeExpectation(tree)))).toBeLessThan(1e-9);
      }
    }
  });

  it("gives nothing to a feature the tree never splits on (dummy)", () => {
    const rand = seededRandom(9);
    const m = 4;
    const categorical = new Uint8Array(m);
    for (let trial = 0; trial < 20; trial++) {
      const tree = randomTree(rand, new Int32Array(m - 1).fill(6), categorical, 4); // feature 3 is never used
      const binned = randomRows(rand, 5, m, categorical);
      const scratch = shapScratch(treeDepth(tree));
      for (let row = 0; row < binned.rows; row++) {
        const phi = new Float64Array(m);
        treeShap(tree, binned, row, phi, 0, 1, scratch);
        expect(phi[3]).toBe(0);
      }
    }
  });

  it("gives equal values to features that play symmetric roles (symmetry)", () => {
    // Won only when both a and b are low; every branch has the same cover.
    const tree: Tree = {
      feature: [0, 1, -1, -1, 1, -1, -1],
      threshold: [2, 2, 0, 0, 2, 0, 0],
      missingLeft: [0, 0, 0, 0, 0, 0, 0],
      catLeft: [null, null, null, null, null, null, null],
      left: [1, 2, -1, -1, 5, -1, -1],
      right: [4, 3, -1, -1, 6, -1, -1],
      value: [0, 0, 1, 0, 0, 0, 0],
      cover: [400, 200, 100, 100, 200, 100, 100],
    };
    const binned: BinnedTable = {
      rows: 3,
      // Column-major: a = [1, 4, 1], b = [1, 4, 4].
      bins: Uint16Array.from([1, 4, 1, 1, 4, 4]),
      binCount: Int32Array.from([6, 6]),
      isCategorical: new Uint8Array(2),
    };
    const scratch = shapScratch(2);
    for (let row = 0; row < 2; row++) {
      const phi = new Float64Array(2);
      treeShap(tree, binned, row, phi, 0, 1, scratch);
      expect(phi[0]).toBeCloseTo(phi[1]!, 15);
    }
    // Both low: 1 - 1/4 shared equally; a low and b high: a raises, b lowers.
    const both = new Float64Array(2);
    treeShap(tree, binned, 0, both, 0, 1, scratch);
    expect(both[0]).toBeCloseTo(0.375, 15);
    const mixed = new Float64Array(2);
    treeShap(tree, binned, 2, mixed, 0, 1, scratch);
    expect(mixed[0]).toBeGreaterThan(0);
    expect(mixed[1]).toBeLessThan(0);
  });

  it("a fitted model: contributions sum to the margin and equal the Shapley values of the whole ensemble", () => {
    const { table, label } = syntheticLeads(1500, 3);
    const model = fitGbdt(table, label, { seed: 1, maxIter: 8, earlyStopping: false, maxLeaves: 8 });
    const nf = model.binning.length;
    const contrib = new Float64Array(table.rows * nf);
    const bias = gbdtContributions(model, table, contrib);
    const z = gbdtMargin(model, table);
    const binned = applyBinning(model.binning, table);
    for (let i = 0; i < table.rows; i++) {
      let s = bias;
      for (let j = 0; j < nf; j++) s += contrib[i * nf + j]!;
      expect(Math.abs(s - z[i]!)).toBeLessThan(1e-9);
    }
    for (let i = 0; i < 30; i++) {
      const exact = bruteShapley((known) => {
        let v = model.init;
        for (const tree of model.trees) v += conditional(tree, binned, i, known);
        return v;
      }, nf);
      for (let j = 0; j < nf; j++) expect(contrib[i * nf + j]!).toBeCloseTo(exact[j]!, 10);
    }
  });

  it("the default learner's reasons are SHAP values and add up to its calibrated margin", () => {
    const { table, label } = syntheticLeads(1500, 8);
    const model = train("winnow-default", table, label, 2);
    const e = explain(model, table);
    const z = predictMargin(model, table);
    const nf = e.features.length;
    for (let i = 0; i < table.rows; i += 11) {
      let s = e.bias;
      for (let j = 0; j < nf; j++) s += e.contrib[i * nf + j]!;
      expect(Math.abs(s - z[i]!)).toBeLessThan(1e-9);
    }
    const reasons = topReasons(e, table, 0, 3);
    expect(reasons.length).toBeGreaterThan(0);
    const abs = reasons.map((r) => Math.abs(r.contribution));
    expect(abs).toEqual([...abs].sort((a, b) => b - a));
  });
});

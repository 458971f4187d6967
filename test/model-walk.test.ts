import { describe, expect, it } from "vitest";
import { applyBinning, type BinnedTable } from "../src/core/model/binning.ts";
import { fitGbdt, gbdtMargin } from "../src/core/model/gbdt.ts";
import { Mulberry32 } from "../src/core/model/random.ts";
import { takeRows } from "../src/core/model/table.ts";
import { leafOf, leavesOf, walkPlan } from "../src/core/model/tree-walk.ts";
import { randomTree } from "./helpers/random-tree.ts";
import { syntheticLeads } from "./helpers/synthetic-leads.ts";

describe("walking rows down a tree eight at a time", () => {
  it("finds the leaf a row-by-row walk finds, for any row count and order", () => {
    const rand = new Mulberry32(11);
    const m = 6;
    const binCount = Int32Array.from({ length: m }, (_, f) => 3 + f * 7);
    for (let trial = 0; trial < 60; trial++) {
      const categorical = Uint8Array.from({ length: m }, () => (rand.next() < 0.4 ? 1 : 0));
      const tree = randomTree(() => rand.next(), binCount, categorical, trial % 9);
      const n = 1 + Math.floor(rand.next() * 40);
      const bins = new Uint16Array(n * m);
      for (let f = 0; f < m; f++)
        for (let i = 0; i < n; i++) bins[f * n + i] = Math.floor(rand.next() * binCount[f]!);
      const binned: BinnedTable = { rows: n, bins, binCount, isCategorical: categorical };
      // Rows in a shuffled order, repeated, of every count from 0 to 2n (the last group of eight short).
      const rows = Int32Array.from({ length: 2 * n }, () => Math.floor(rand.next() * n));
      for (let count = 0; count <= rows.length; count += 1 + (count % 3)) {
        const leaf = new Int32Array(rows.length).fill(-7);
        leavesOf(walkPlan(tree, binCount), binned, rows, count, leaf);
        for (let k = 0; k < count; k++) expect(leaf[k]).toBe(leafOf(tree, binned, rows[k]!));
        // Nothing written past `count`.
        for (let k = count; k < rows.length; k++) expect(leaf[k]).toBe(-7);
      }
    }
  });

  it("gives a fitted model's margins as the sum of the leaves found row by row", () => {
    const { table, label } = syntheticLeads(3000, 4);
    const model = fitGbdt(table, label, { maxIter: 30, maxLeaves: 15, seed: 2 });
    const binned = applyBinning(model.binning, table);
    const margin = gbdtMargin(model, table);
    for (let i = 0; i < table.rows; i += 7) {
      let z = model.init;
      for (const tree of model.trees) z += tree.value[leafOf(tree, binned, i)]!;
      expect(margin[i]).toBe(z);
    }
    // A few rows (walked row by row, without building the trees' walk plans): the same margins.
    const few = Int32Array.from([5, 17, 2998]);
    const fewMargin = gbdtMargin(model, takeRows(table, few));
    for (let k = 0; k < few.length; k++) expect(fewMargin[k]).toBe(margin[few[k]!]);
  });
});

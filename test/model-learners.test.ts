import { describe, expect, it } from "vitest";
import { applyBinning } from "../src/core/model/binning.ts";
import { applyPlatt, fitPlatt } from "../src/core/model/calibration.ts";
import { fitDefault } from "../src/core/model/default-learner.ts";
import { explain, featureImportance, topReasons } from "../src/core/model/explain.ts";
import { fitGbdt, gbdtMargin } from "../src/core/model/gbdt.ts";
import { predictMargin, train } from "../src/core/model/learners.ts";
import { fitLogistic, logisticMargin } from "../src/core/model/logistic.ts";
import { auc, logLoss, sigmoid } from "../src/core/model/metrics.ts";
import { fromModelFile, toModelFile } from "../src/core/model/model-file.ts";
import { fitNaiveBayes, naiveBayesMargin } from "../src/core/model/naive-bayes.ts";
import { seededRandom } from "../src/core/model/random.ts";
import { trainingReadiness } from "../src/core/model/readiness.ts";
import type { Table } from "../src/core/model/table.ts";
import { buildTable } from "../src/core/model/table-build.ts";
import { leafOf } from "../src/core/model/tree-walk.ts";

/** Synthetic leads: a categorical with many levels, a numeric with missing values, a plain numeric. */
function synthetic(n: number, seed: number): { table: Table; label: Uint8Array } {
  const rand = seededRandom(seed);
  const rows: string[][] = [];
  const label = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const seg = Math.floor(rand() * 60);
    const visits = rand() < 0.15 ? "" : String(Math.floor(rand() * 20));
    const size = rand() * 100;
    let z =
      -1.5 +
      (seg % 3 === 0 ? 1.2 : -0.3) +
      (visits === "" ? 0.8 : Number(visits) / 10) +
      (size > 70 ? 0.7 : 0);
    z += (rand() - 0.5) * 0.5;
    label[i] = rand() < sigmoid(z) ? 1 : 0;
    rows.push([`s${seg}`, visits, size.toFixed(2)]);
  }
  const table = buildTable(["segment", "visits", "size"], rows, {
    categorical: ["segment"],
    numeric: ["visits", "size"],
  });
  return { table, label };
}

const margins = (m: Float64Array) => Array.from(m);

describe("Odoo-parity naive Bayes", () => {
  it("matches a hand computation, skipping missing and unseen values", () => {
    const table = buildTable(["source"], [["web"], ["web"], ["ads"], ["ads"], [""], ["web"]], {
      categorical: ["source"],
      numeric: [],
    });
    const label = Uint8Array.from([1, 0, 0, 0, 1, 1]);
    const m = fitNaiveBayes(table, label);
    // won 3, lost 3; web: w=2.1 l=1.1; ads: w=0.1 l=2.1; sums 2.2 and 3.2.
    expect(m.prior).toBeCloseTo(0, 12);
    const web = Math.log(2.1 / 2.2 / (1.1 / 3.2));
    const ads = Math.log(0.1 / 2.2 / (2.1 / 3.2));
    const test = buildTable(["source"], [["web"], ["ads"], [""], ["mail"]], {
      categorical: ["source"],
      numeric: [],
    });
    const z = naiveBayesMargin(m, test);
    expect(z[0]).toBeCloseTo(web, 12);
    expect(z[1]).toBeCloseTo(ads, 12);
    expect(margins(z).slice(2)).toEqual([0, 0]);
  });
});

describe("gradient-boosted trees", () => {
  it("grows the hand-computed two-split tree", () => {
    const table = buildTable(
      ["x"],
      ["1", "2", "3", "4", "5", "6"].map((v) => [v]),
      { categorical: [], numeric: ["x"] },
    );
    const label = Uint8Array.from([0, 0, 1, 1, 0, 0]);
    const m = fitGbdt(table, label, {
      maxIter: 1,
      learningRate: 1,
      maxLeaves: 3,
      minLeaf: 1,
      earlyStopping: false,
    });
    expect(m.trees[0]!.feature.filter((f) => f >= 0).length).toBe(2);
    const init = Math.log(0.5);
    const z = gbdtMargin(m, table);
    [-1.5, -1.5, 3, 3, -1.5, -1.5].forEach((v, i) => {
      expect(z[i]).toBeCloseTo(init + v, 10);
    });
  });

  it("splits natively on a many-level categorical and learns where missing values go", () => {
    const { table, label } = synthetic(2000, 1);
    const m = fitGbdt(table, label, { seed: 3, earlyStopping: false, maxIter: 60 });
    const z = gbdtMargin(m, table);
    expect(auc(label, z)).toBeGreaterThan(0.75);
    const probe = buildTable(
      ["segment", "visits", "size"],
      [
        ["s3", "", "50"],
        ["s4", "1", "50"],
        ["s3", "1", "50"],
        ["unseen", "1", "50"],
      ],
      { categorical: ["segment"], numeric: ["visits", "size"] },
    );
    const p = gbdtMargin(m, probe);
    expect(p[0]!).toBeGreaterThan(p[2]!); // missing visits raise
    expect(p[2]!).toBeGreaterThan(p[1]!); // segments divisible by 3 raise
    expect(Number.isFinite(p[3]!)).toBe(true);
  });

  it("is deterministic for a seed, with and without sampling", () => {
    const { table, label } = synthetic(1000, 2);
    const opts = { seed: 9, subsample: 0.7, colsample: 0.7, maxIter: 20 } as const;
    expect(margins(gbdtMargin(fitGbdt(table, label, opts), table))).toEqual(
      margins(gbdtMargin(fitGbdt(table, label, opts), table)),
    );
    expect(margins(gbdtMargin(fitGbdt(table, label, { ...opts, seed: 10 }), table))).not.toEqual(
      margins(gbdtMargin(fitGbdt(table, label, opts), table)),
    );
  });

  it("grows every tree from the exact gradients of the margins so far (exp(-margin) kept per row)", () => {
    const { table, label } = synthetic(600, 5);
    const lr = 0.5;
    const m = fitGbdt(table, label, { maxIter: 40, learningRate: lr, earlyStopping: false, l2: 0 });
    expect(m.trees.length).toBe(40);
    const binned = applyBinning(m.binning, table);
    // Trees before, at and after the bookkeeping's refreshes (every 16 trees).
    for (const t of [1, 15, 16, 17, 39]) {
      const before = gbdtMargin({ ...m, trees: m.trees.slice(0, t) }, table);
      const tree = m.trees[t]!;
      const g = new Map<number, number>();
      const h = new Map<number, number>();
      for (let i = 0; i < table.rows; i++) {
        const leaf = leafOf(tree, binned, i);
        const p = sigmoid(before[i]!);
        g.set(leaf, (g.get(leaf) ?? 0) + p - label[i]!);
        h.set(leaf, (h.get(leaf) ?? 0) + Math.max(p * (1 - p), 1e-16));
      }
      expect(g.size).toBeGreaterThan(1);
      for (const [leaf, gs] of g) expect(tree.value[leaf]!).toBeCloseTo((-gs / h.get(leaf)!) * lr, 9);
    }
  });

  it("continues boosting from a warm start", () => {
    const { table, label } = synthetic(800, 12);
    const first = fitGbdt(table, label, { maxIter: 5, earlyStopping: false });
    const more = fitGbdt(table, label, { maxIter: 3, earlyStopping: false, warmStart: first });
    expect(more.trees.length).toBe(8);
    expect(more.trees.slice(0, 5)).toEqual(first.trees);
    expect(logLoss(label, gbdtMargin(more, table).map(sigmoid))).toBeLessThan(
      logLoss(label, gbdtMargin(first, table).map(sigmoid)),
    );
  });

  it("follows a monotone signal", () => {
    const xs = Array.from({ length: 400 }, (_, i) => i);
    const table = buildTable(
      ["x"],
      xs.map((x) => [String(x)]),
      { categorical: [], numeric: ["x"] },
    );
    const rand = seededRandom(5);
    const label = Uint8Array.from(xs, (x) => (rand() < x / 400 ? 1 : 0));
    const grid = buildTable(["x"], [["20"], ["200"], ["380"]], { categorical: [], numeric: ["x"] });
    const g = gbdtMargin(fitGbdt(table, label, { maxIter: 30, earlyStopping: false }), grid);
    expect(g[0]!).toBeLessThan(g[1]!);
    expect(g[1]!).toBeLessThan(g[2]!);
    const l = logisticMargin(fitLogistic(table, label), grid);
    expect(l[0]!).toBeLessThan(l[1]!);
    expect(l[1]!).toBeLessThan(l[2]!);
  });
});

describe("explanations", () => {
  const { table, label } = synthetic(1200, 4);
  for (const name of ["naive-bayes", "logistic", "gbdt", "winnow-default"] as const) {
    it(`${name}: bias plus contributions equals the margin`, () => {
      const model = train(name, table, label, 1);
      const z = predictMargin(model, table);
      const e = explain(model, table);
      const nf = e.features.length;
      for (let i = 0; i < table.rows; i += 37) {
        let s = e.bias;
        for (let j = 0; j < nf; j++) s += e.contrib[i * nf + j]!;
        expect(s).toBeCloseTo(z[i]!, 9);
      }
      expect(topReasons(e, table, 0, 2).length).toBeLessThanOrEqual(2);
      expect(featureImportance(e).length).toBe(nf);
    });
  }
});

describe("default learner", () => {
  it("calibrates: Platt scaling repairs over-confident margins", () => {
    const rand = seededRandom(11);
    const n = 4000;
    const truth = Float64Array.from({ length: n }, () => (rand() - 0.5) * 4);
    const label = Uint8Array.from(truth, (t) => (rand() < sigmoid(t) ? 1 : 0));
    const wild = truth.map((t) => 3 * t + 1);
    const cal = fitPlatt(wild, label);
    const before = logLoss(label, wild.map(sigmoid));
    const after = logLoss(
      label,
      wild.map((z) => applyPlatt(cal, z)),
    );
    expect(after).toBeLessThan(before - 0.05);
    expect(cal.a).toBeCloseTo(1 / 3, 1);
  });

  it("chooses a blend on training data only and predicts calibrated probabilities", () => {
    const { table, label } = synthetic(2000, 6);
    const m = fitDefault(table, label, { seed: 1 });
    expect(m.choice.treeWeight).toBeGreaterThanOrEqual(0);
    expect(m.choice.treeWeight).toBeLessThanOrEqual(1);
    const test = synthetic(1000, 7);
    const p = predictMargin(m, test.table).map(sigmoid);
    const base = label.reduce((a, b) => a + b, 0) / label.length;
    expect(logLoss(test.label, p)).toBeLessThan(logLoss(test.label, new Float64Array(1000).fill(base)));
  });

  it("says so when there are too few won or lost examples", () => {
    const r = trainingReadiness(Uint8Array.from([1, 1, 0, 0, 0]));
    expect(r.ready).toBe(false);
    expect(!r.ready && r.fallback).toBe("rules-score");
    expect(!r.ready && r.reason).toMatch(/2 won and 3 lost/);
  });

  it("saves and reloads a model with identical predictions", () => {
    const { table, label } = synthetic(800, 8);
    for (const name of ["naive-bayes", "winnow-default"] as const) {
      const model = train(name, table, label);
      const file = toModelFile(model, {
        trainedAt: "2026-01-01T00:00:00Z",
        features: [],
        training: { rows: 800, won: 1, lost: 1 },
      });
      const back = fromModelFile(JSON.parse(JSON.stringify(file)));
      expect(margins(predictMargin(back.model, table))).toEqual(margins(predictMargin(model, table)));
    }
    expect(() => fromModelFile({ format: "winnow-model", version: 99 })).toThrow(/version/);
  });
});

import { describe, expect, it } from "vitest";
import { fitDefault } from "../src/core/model/default-learner.ts";
import { fitGbdt, gbdtMargin, prepareGbdt } from "../src/core/model/gbdt.ts";
import { predictMargin } from "../src/core/model/learners.ts";
import { fitLogistic, logisticMargin } from "../src/core/model/logistic.ts";
import { seededRandom, stratifiedSplit } from "../src/core/model/random.ts";
import { takeLabels, takeRows } from "../src/core/model/table.ts";
import { buildTable } from "../src/core/model/table-build.ts";
import { syntheticLeads } from "./helpers/synthetic-leads.ts";

const arr = (m: Float64Array) => Array.from(m);

describe("default learner: speed without changing results", () => {
  const { table, label } = syntheticLeads(3000, 21);

  it("is deterministic for a seed, and another seed gives another model", () => {
    const a = predictMargin(fitDefault(table, label, { seed: 4 }), table);
    const b = predictMargin(fitDefault(table, label, { seed: 4 }), table);
    const c = predictMargin(fitDefault(table, label, { seed: 5 }), table);
    expect(arr(a)).toEqual(arr(b));
    expect(arr(a)).not.toEqual(arr(c));
  });

  it("trees fitted on a shared binning equal trees fitted from scratch", () => {
    const prepared = prepareGbdt(table, { maxLeaves: 15 });
    const opts = {
      seed: 2,
      maxIter: 40,
      maxLeaves: 15,
      subsample: 0.8,
      colsample: 0.8,
      earlyStopping: false,
    };
    const fresh = fitGbdt(table, label, opts);
    const shared = fitGbdt(table, label, { ...opts, prepared });
    // A second fit on the same scratch space is not disturbed by the first.
    const again = fitGbdt(table, label, { ...opts, prepared });
    expect(arr(gbdtMargin(shared, table))).toEqual(arr(gbdtMargin(fresh, table)));
    expect(arr(gbdtMargin(again, table))).toEqual(arr(gbdtMargin(fresh, table)));
    expect(() => fitGbdt(takeRows(table, Int32Array.from([0, 1, 2])), label, { prepared })).toThrow(
      /another table/,
    );
  });

  it("the logistic member is the fit on the split's training rows, not refit on all rows", () => {
    const model = fitDefault(table, label, { seed: 4 });
    expect(model.choice.treeWeight).toBeLessThan(1);
    const split = stratifiedSplit(label, 0.2, 4 + 7);
    const onSplit = fitLogistic(takeRows(table, split.train), takeLabels(label, split.train));
    expect(model.members[0]!.model).toEqual(onSplit);
  });

  it("logistic regression started from a subset's weights reaches the same optimum", () => {
    const sub = Int32Array.from({ length: 2000 }, (_, i) => i);
    const first = fitLogistic(takeRows(table, sub), takeLabels(label, sub));
    const cold = logisticMargin(fitLogistic(table, label), table);
    const warm = logisticMargin(fitLogistic(table, label, { start: first }), table);
    for (let i = 0; i < table.rows; i += 7) expect(warm[i]!).toBeCloseTo(cold[i]!, 5);
  });
});

describe("default learner: the logistic member is probed on an eighth of the rows first", () => {
  // A label the trees find and a linear model cannot (an interaction): the blend rules the
  // logistic regression out, so the probe is enough to rule it out.
  const rand = seededRandom(3);
  const rows: string[][] = [];
  const xor = new Uint8Array(3000);
  for (let i = 0; i < xor.length; i++) {
    const x = rand();
    const y = rand();
    xor[i] = x > 0.5 !== y > 0.5 ? (rand() < 0.85 ? 1 : 0) : rand() < 0.15 ? 1 : 0;
    rows.push([x.toFixed(3), y.toFixed(3)]);
  }
  const xorTable = buildTable(["x", "y"], rows, { categorical: [], numeric: ["x", "y"] });

  it("a probe given weight 0 skips the full fit and gives the model fitted without a probe", () => {
    const probed = fitDefault(xorTable, xor, { seed: 1, probeMinRows: 0 });
    const plain = fitDefault(xorTable, xor, { seed: 1, probeMinRows: Number.POSITIVE_INFINITY });
    expect(probed.choice.treeWeight).toBe(1);
    expect(plain.choice.treeWeight).toBe(1);
    expect(probed.members[0]!.weight).toBe(0);
    expect(arr(predictMargin(probed, xorTable))).toEqual(arr(predictMargin(plain, xorTable)));
    // The skipped member is the probe: fitted on fewer rows than the full fit, so not the same.
    const lrProbe = probed.members[0]!.model;
    const lrFull = plain.members[0]!.model;
    expect(lrProbe.learner === "logistic" && lrFull.learner === "logistic").toBe(true);
    expect(lrProbe).not.toEqual(lrFull);
  });

  it("a probe given a weight leads to the full fit, the same model as without a probe", () => {
    const { table, label } = syntheticLeads(3000, 21);
    const probed = fitDefault(table, label, { seed: 4, probeMinRows: 0 });
    const plain = fitDefault(table, label, { seed: 4, probeMinRows: Number.POSITIVE_INFINITY });
    expect(plain.choice.treeWeight).toBeLessThan(1);
    expect(probed.choice.treeWeight).toBe(plain.choice.treeWeight);
    const a = predictMargin(probed, table);
    const b = predictMargin(plain, table);
    // The same optimum from two starts (Newton stops at a gradient of 1e-7): equal to ~1e-5.
    for (let i = 0; i < table.rows; i += 7) expect(a[i]!).toBeCloseTo(b[i]!, 4);
    // Deterministic with the probe too.
    expect(arr(predictMargin(fitDefault(table, label, { seed: 4, probeMinRows: 0 }), table))).toEqual(arr(a));
  });
});

import { describe, expect, it } from "vitest";
import { fitDefault } from "../src/core/model/default-learner.ts";
import { fitGbdt, gbdtMargin, prepareGbdt } from "../src/core/model/gbdt.ts";
import { predictMargin } from "../src/core/model/learners.ts";
import { fitLogistic, logisticMargin } from "../src/core/model/logistic.ts";
import { takeLabels, takeRows } from "../src/core/model/table.ts";
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

  it("logistic regression started from a subset's weights reaches the same optimum", () => {
    const sub = Int32Array.from({ length: 2000 }, (_, i) => i);
    const first = fitLogistic(takeRows(table, sub), takeLabels(label, sub));
    const cold = logisticMargin(fitLogistic(table, label), table);
    const warm = logisticMargin(fitLogistic(table, label, { start: first }), table);
    for (let i = 0; i < table.rows; i += 7) expect(warm[i]!).toBeCloseTo(cold[i]!, 5);
  });
});

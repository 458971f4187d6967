import { describe, expect, it } from "vitest";
import { fitGbdt, gbdtMarginOfRows, prepareGbdt } from "../src/core/model/gbdt.ts";
import { seededRandom, stratifiedSplit } from "../src/core/model/random.ts";
import { buildTable } from "../src/core/model/table-build.ts";

describe("fitGbdt's validation margins", () => {
  it("are the kept trees' margins of the validation rows, bit for bit", () => {
    const rand = seededRandom(4);
    const rows: string[][] = [];
    const n = 3000;
    const label = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const a = rand() * 10;
      const seg = Math.floor(rand() * 8);
      label[i] = rand() < 1 / (1 + Math.exp(-(a - 5) / 2 - (seg % 3 === 0 ? 1 : 0))) ? 1 : 0;
      rows.push([a.toFixed(3), `s${seg}`, rand() < 0.1 ? "" : String(Math.floor(rand() * 30))]);
    }
    const table = buildTable(["a", "seg", "noise"], rows, { numeric: ["a", "noise"], categorical: ["seg"] });
    const valid = stratifiedSplit(label, 0.2, 1).valid;
    const prepared = prepareGbdt(table, { maxLeaves: 15 });
    const options = {
      maxLeaves: 15,
      subsample: 0.8,
      colsample: 0.8,
      earlyStopping: true,
      patience: 5,
    } as const;
    const validMargin = new Float64Array(valid.length);
    const model = fitGbdt(table, label, {
      ...options,
      prepared,
      validRows: valid,
      validMargin,
      maxIter: 200,
    });
    // Early stopping kept fewer trees than were grown, so the margins are the best iteration's.
    expect(model.iterations).toBeLessThan(200);
    expect(Array.from(validMargin)).toEqual(Array.from(gbdtMarginOfRows(model, prepared.binned, valid)));
    expect(() =>
      fitGbdt(table, label, { ...options, prepared, validRows: valid, validMargin: new Float64Array(3) }),
    ).toThrow(/validMargin has 3 slots/);
  });
});

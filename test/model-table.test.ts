import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auc, brier, logLoss } from "../src/core/model/metrics.ts";
import { liftByDecile, reliabilityCurve } from "../src/core/model/reliability.ts";
import { foldRows, foldsByLabel, takeRows } from "../src/core/model/table.ts";
import { buildTable, parseDays } from "../src/core/model/table-build.ts";
import { loadDataset } from "../src/dataset/load.ts";

describe("tabular layer", () => {
  it("types columns, codes categories and marks missing values", () => {
    const t = buildTable(
      ["plan", "seats", "since", "active"],
      [
        ["pro", "12", "1970-01-03", "yes"],
        ["NA", "", "", "no"],
        ["free", "x", "1969-12-31 23:00", "maybe"],
        ["pro", "3.5", "2017-03-24", "1"],
      ],
      {
        categorical: ["plan"],
        numeric: ["seats"],
        date: ["since"],
        boolean: ["active"],
        missing: ["", "NA"],
      },
    );
    const [plan, seats, since, active] = t.columns;
    expect(plan?.kind === "categorical" && Array.from(plan.codes)).toEqual([0, -1, 1, 0]);
    expect(plan?.kind === "categorical" && plan.levels).toEqual(["pro", "free"]);
    expect(seats?.kind !== "categorical" && Array.from(seats!.values)).toEqual([
      12,
      Number.NaN,
      Number.NaN,
      3.5,
    ]);
    expect(since?.kind === "date" && Array.from(since.values)).toEqual([2, Number.NaN, -1, 17249]);
    expect(active?.kind === "boolean" && Array.from(active.values)).toEqual([1, 0, Number.NaN, 1]);
    expect(parseDays("2017-03-24")).toBe(17249);
  });

  it("rejects a spec naming a column the file lacks", () => {
    expect(() => buildTable(["a"], [["1"]], { categorical: ["b"], numeric: [] })).toThrow(/spec/);
  });

  it("assigns folds by running count per label", () => {
    const label = Uint8Array.from([1, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1]);
    expect(Array.from(foldsByLabel(label))).toEqual([0, 0, 1, 1, 2, 2, 3, 4, 0, 1, 2]);
    expect(Array.from(foldRows(foldsByLabel(label), 0, false))).toEqual([0, 1, 8]);
    const t = buildTable(["x"], [["a"], ["b"], ["c"]], { categorical: ["x"], numeric: [] });
    const sub = takeRows(t, Int32Array.from([2, 0]));
    expect(sub.columns[0]?.kind === "categorical" && Array.from(sub.columns[0].codes)).toEqual([2, 0]);
  });

  it("loads a CSV with a spec, including a derived membership target", () => {
    const dir = mkdtempSync(join(tmpdir(), "winnow-ds-"));
    writeFileSync(join(dir, "leads.csv"), 'id;origin;visits\n"a";"web";3\nb;ads;\nc;web;7\n');
    writeFileSync(join(dir, "won.csv"), "id,value\nc,10\na,5\n");
    writeFileSync(
      join(dir, "dataset.json"),
      JSON.stringify({
        name: "tiny",
        file: "leads.csv",
        delimiter: ";",
        target: { column: "won", positive: "1", derived: "1 when id appears in won.csv, else 0" },
        categorical: ["origin"],
        numeric: ["visits"],
      }),
    );
    const d = loadDataset(join(dir, "dataset.json"));
    expect(Array.from(d.label!)).toEqual([1, 0, 1]);
    expect(d.table.columns.map((c) => c.name)).toEqual(["origin", "visits"]);
  });
});

describe("metrics", () => {
  const y = Uint8Array.from([0, 0, 1, 1]);
  it("AUC is 1 for a perfect ranking, 0.5 for all ties, and counts ties as half", () => {
    expect(auc(y, [0.1, 0.2, 0.3, 0.4])).toBe(1);
    expect(auc(y, [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    expect(auc(y, [0.1, 0.3, 0.3, 0.4])).toBe(0.875);
    expect(auc(y, [0.4, 0.3, 0.2, 0.1])).toBe(0);
  });
  it("log loss clips at 1e-6 and Brier is the mean squared error", () => {
    expect(logLoss(Uint8Array.from([1]), [0])).toBeCloseTo(-Math.log(1e-6), 9);
    expect(logLoss(y, [0.5, 0.5, 0.5, 0.5])).toBeCloseTo(Math.log(2), 12);
    expect(brier(y, [0, 0.5, 1, 0.5])).toBeCloseTo(0.125, 12);
  });
  it("reliability bins and lift deciles add up", () => {
    const label = Uint8Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const p = Float64Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? 0.8 : 0.1));
    const curve = reliabilityCurve(label, p);
    expect(curve.reduce((a, b) => a + b.count, 0)).toBe(100);
    expect(curve.map((b) => b.observed)).toEqual([0, 1]);
    const lift = liftByDecile(label, p);
    expect(lift.length).toBe(10);
    expect(lift[9]?.cumulativeCapture).toBe(1);
    expect(lift[0]!.lift).toBeCloseTo(1 / 0.34, 9);
  });
});

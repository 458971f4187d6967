import { describe, expect, it } from "vitest";
import { fitLogistic, type LogisticModel, logisticMargin } from "../src/core/model/logistic.ts";
import { seededRandom } from "../src/core/model/random.ts";
import type { Table } from "../src/core/model/table.ts";
import { buildTable } from "../src/core/model/table-build.ts";

/** Leads with a missing-prone categorical, a missing-prone numeric (so an indicator) and a full one. */
function leads(n: number, seed: number): { table: Table; label: Uint8Array } {
  const rand = seededRandom(seed);
  const rows: string[][] = [];
  const label = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const source = rand() < 0.1 ? "" : ["web", "ads", "mail", "event"][Math.floor(rand() * 4)]!;
    const visits = rand() < 0.2 ? "" : String(Math.floor(rand() * 12));
    const size = (rand() * 50).toFixed(1);
    label[i] = rand() < (source === "web" ? 0.5 : 0.2) + (visits === "" ? 0.2 : 0) ? 1 : 0;
    rows.push([source, visits, size]);
  }
  const table = buildTable(["source", "visits", "size"], rows, {
    categorical: ["source"],
    numeric: ["visits", "size"],
  });
  return { table, label };
}

/** The margin written out term by term from the model's fields, independently of logisticMargin. */
function byHand(model: LogisticModel, table: Table, i: number): number[] {
  const terms: number[] = [];
  for (const f of model.categorical) {
    const col = table.columns.find((c) => c.name === f.name)!;
    if (col.kind !== "categorical") throw new Error("kind");
    const level = col.codes[i]! < 0 ? null : col.levels[col.codes[i]!]!;
    const at = level === null ? -1 : (f.levels ?? []).indexOf(level);
    terms.push(level === null ? f.missingWeight : at < 0 ? 0 : f.weights[at]!);
  }
  for (const t of model.numeric) {
    const col = table.columns.find((c) => c.name === t.name)!;
    if (col.kind === "categorical") throw new Error("kind");
    const x = col.values[i]!;
    const miss = Number.isNaN(x);
    let v = (t.weight * ((miss ? t.median : x) - t.mean)) / t.scale;
    if (t.indicator) v += (t.indicator.weight * ((miss ? 1 : 0) - t.indicator.mean)) / t.indicator.scale;
    terms.push(v);
  }
  return terms;
}

describe("logisticMargin", () => {
  it("adds every column's term as the model's fields say, missing values and unseen levels included", () => {
    const { table, label } = leads(600, 3);
    const model = fitLogistic(table, label);
    expect(model.numeric.find((t) => t.name === "visits")!.indicator).not.toBeNull();
    expect(model.numeric.find((t) => t.name === "size")!.indicator).toBeNull();
    // New rows: a level never seen in training, missing cells in both missing-prone columns.
    const fresh = buildTable(
      ["source", "visits", "size"],
      [
        ["web", "3", "10"],
        ["", "", "20.5"],
        ["fax", "7", "0"],
        ["mail", "", "49.9"],
      ],
      { categorical: ["source"], numeric: ["visits", "size"] },
    );
    const nf = model.categorical.length + model.numeric.length;
    const contrib = new Float64Array(fresh.rows * nf);
    const margin = logisticMargin(model, fresh, contrib);
    expect(Array.from(logisticMargin(model, fresh))).toEqual(Array.from(margin));
    for (let i = 0; i < fresh.rows; i++) {
      const terms = byHand(model, fresh, i);
      expect(Array.from(contrib.subarray(i * nf, (i + 1) * nf))).toEqual(terms);
      expect(margin[i]).toBe(terms.reduce((s, v) => s + v, model.intercept));
    }
    // The unseen level adds nothing; the missing level adds the learned missing weight.
    expect(contrib[2 * nf]).toBe(0);
    expect(contrib[nf]).toBe(model.categorical[0]!.missingWeight);
  });
});

import { describe, expect, it } from "vitest";
import {
  fitLogistic,
  type LogisticModel,
  logisticHessians,
  logisticMargin,
} from "../src/core/model/logistic.ts";
import { seededRandom } from "../src/core/model/random.ts";
import { buildTable } from "../src/core/model/table-build.ts";

/** Two categoricals (one with missing values, one with a dominant level), numerics with and without missing. */
function leads(n: number, seed: number) {
  const rand = seededRandom(seed);
  const rows: string[][] = [];
  const label = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const source = rand() < 0.1 ? "" : ["web", "ads", "mail", "event"][Math.floor(rand() * 4)]!;
    const call = rand() < 0.9 ? "no" : rand() < 0.7 ? "yes" : "later";
    const visits = rand() < 0.2 ? "" : String(Math.floor(rand() * 12));
    const size = (rand() * 50).toFixed(1);
    label[i] = rand() < (source === "web" ? 0.5 : 0.2) + (call === "yes" ? 0.2 : 0) ? 1 : 0;
    rows.push([source, call, visits, size]);
  }
  const table = buildTable(["source", "call", "visits", "size"], rows, {
    categorical: ["source", "call"],
    numeric: ["visits", "size"],
  });
  return { table, label };
}

describe("logistic regression's Newton Hessian", () => {
  it("filled in from the non-base levels equals the one accumulated over every level, cell by cell", () => {
    const { table } = leads(3000, 5);
    const rand = seededRandom(9);
    // 1 + (4 levels + missing) + (3 levels + missing) + visits, its indicator, size.
    const w = Float64Array.from({ length: 1 + 5 + 4 + 3 }, () => rand() * 2 - 1);
    const { dim, viaBase, rowByRow } = logisticHessians(table, w);
    expect(dim).toBe(13);
    let largest = 0;
    for (let k = 0; k < dim * dim; k++) largest = Math.max(largest, Math.abs(rowByRow[k]!));
    for (let a = 0; a < dim; a++) {
      for (let b = 0; b < dim; b++) {
        expect(Math.abs(viaBase[a * dim + b]! - rowByRow[a * dim + b]!), `cell ${a},${b}`).toBeLessThan(
          1e-12 * largest,
        );
      }
    }
    // Levels of one feature never meet in a row: the 'call' levels' cross cells are 0.
    expect(rowByRow[7 * dim + 6]).toBe(0);
    expect(viaBase[7 * dim + 6]).toBe(0);
  });

  it("Newton's fit stops at the optimum: every derivative of the penalised loss is ≈ 0 (central differences)", () => {
    const { table, label } = leads(3000, 6);
    const m = fitLogistic(table, label);
    const n = table.rows;
    const lambda = 1 / n;
    const objective = (model: LogisticModel): number => {
      const z = logisticMargin(model, table);
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const zi = z[i]!;
        loss += (zi > 0 ? zi + Math.log1p(Math.exp(-zi)) : Math.log1p(Math.exp(zi))) - (label[i] ? zi : 0);
      }
      let reg = 0;
      for (const f of model.categorical) for (const v of [...f.weights, f.missingWeight]) reg += v * v;
      for (const t of model.numeric) reg += t.weight ** 2 + (t.indicator ? t.indicator.weight ** 2 : 0);
      return loss / n + 0.5 * lambda * reg;
    };
    const h = 1e-4;
    const derivatives: number[] = [];
    for (let j = 0; j < m.categorical.length; j++) {
      const f = m.categorical[j]!;
      for (let k = 0; k <= f.weights.length; k++) {
        const moved = (d: number): LogisticModel => {
          const weights = [...f.weights];
          if (k < weights.length) weights[k]! += d;
          const cat = { ...f, weights, missingWeight: f.missingWeight + (k === weights.length ? d : 0) };
          return { ...m, categorical: m.categorical.map((g, i) => (i === j ? cat : g)) };
        };
        derivatives.push((objective(moved(h)) - objective(moved(-h))) / (2 * h));
      }
    }
    for (let j = 0; j < m.numeric.length; j++) {
      const moved = (d: number): LogisticModel => ({
        ...m,
        numeric: m.numeric.map((t, i) => (i === j ? { ...t, weight: t.weight + d } : t)),
      });
      derivatives.push((objective(moved(h)) - objective(moved(-h))) / (2 * h));
    }
    expect(derivatives.length).toBe(11);
    for (const d of derivatives) expect(Math.abs(d)).toBeLessThan(1e-5);
  });
});

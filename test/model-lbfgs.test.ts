import { describe, expect, it } from "vitest";
import { lbfgs } from "../src/core/model/lbfgs.ts";
import { fitLogistic, logisticMargin } from "../src/core/model/logistic.ts";
import { sigmoid } from "../src/core/model/metrics.ts";
import { seededRandom } from "../src/core/model/random.ts";
import { buildTable } from "../src/core/model/table-build.ts";

describe("L-BFGS with a diagonal preconditioner", () => {
  // f(x) = Σ a_i (x_i - c_i)², curvatures spread over four orders of magnitude.
  const d = 50;
  const a = Float64Array.from({ length: d }, (_, i) => 10 ** (-4 + (4 * i) / (d - 1)));
  const c = Float64Array.from({ length: d }, (_, i) => Math.sin(i + 1));
  const count = { calls: 0 };
  const f = (x: Float64Array, g: Float64Array): number => {
    count.calls++;
    let v = 0;
    for (let i = 0; i < d; i++) {
      v += a[i]! * (x[i]! - c[i]!) ** 2;
      g[i] = 2 * a[i]! * (x[i]! - c[i]!);
    }
    return v;
  };

  it("reaches the same minimum in far fewer evaluations on a badly scaled problem", () => {
    count.calls = 0;
    const plain = lbfgs(f, new Float64Array(d), { gradTol: 1e-9, maxIter: 2000 });
    const plainCalls = count.calls;
    count.calls = 0;
    const pre = lbfgs(f, new Float64Array(d), {
      gradTol: 1e-9,
      precondition: Float64Array.from(a, (v) => 1 / (2 * v)),
    });
    for (let i = 0; i < d; i++) expect(pre[i]!).toBeCloseTo(c[i]!, 4);
    for (let i = 0; i < d; i++) expect(plain[i]!).toBeCloseTo(pre[i]!, 2);
    expect(count.calls).toBeLessThan(5);
    expect(plainCalls).toBeGreaterThan(4 * count.calls);
  });

  it("logistic regression over 300 parameters (L-BFGS) stops at the optimum: every gradient entry ≈ 0", () => {
    // One categorical with 400 levels of very unequal sizes, plus a numeric column.
    const rand = seededRandom(9);
    const rows: string[][] = [];
    const n = 6000;
    const label = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const level = Math.floor(400 * rand() ** 3);
      const x = rand() * 10;
      label[i] = rand() < sigmoid(-1 + (level % 5) * 0.4 + x * 0.1) ? 1 : 0;
      rows.push([`l${level}`, x.toFixed(3)]);
    }
    const table = buildTable(["level", "x"], rows, { categorical: ["level"], numeric: ["x"] });
    const model = fitLogistic(table, label);
    const z = logisticMargin(model, table);
    const col = table.columns[0]!;
    if (col.kind !== "categorical") throw new Error("expected a categorical column");
    const lambda = 1 / (model.c * n);
    const grad = new Float64Array(col.levels.length);
    let g0 = 0;
    for (let i = 0; i < n; i++) {
      const r = (sigmoid(z[i]!) - label[i]!) / n;
      g0 += r;
      grad[col.codes[i]!]! += r;
    }
    const w = model.categorical[0]!.weights;
    let worst = Math.abs(g0);
    for (let k = 0; k < grad.length; k++) worst = Math.max(worst, Math.abs(grad[k]! + lambda * w[k]!));
    expect(w.length).toBeGreaterThan(300);
    expect(worst).toBeLessThan(2e-6);
  });
});

describe("Newton's method with a reused Hessian", () => {
  it("logistic regression with correlated numeric columns stops at the optimum", () => {
    const rand = seededRandom(17);
    const n = 4000;
    const rows: string[][] = [];
    const label = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const base = rand() * 4;
      const x = [base, base + 0.01 * rand(), 2 * base + 0.05 * rand()];
      const seg = Math.floor(rand() * 6);
      label[i] = rand() < sigmoid(-2 + 0.6 * x[0]! - 0.3 * x[2]! + (seg === 2 ? 1 : 0)) ? 1 : 0;
      rows.push([`s${seg}`, ...x.map((v) => v.toFixed(4))]);
    }
    const table = buildTable(["seg", "a", "b", "c"], rows, {
      categorical: ["seg"],
      numeric: ["a", "b", "c"],
    });
    const model = fitLogistic(table, label);
    const z = logisticMargin(model, table);
    const lambda = 1 / (model.c * n);
    // Gradient of the objective in the raw units of each numeric column: Σ r x / n + λ w / scale².
    for (const [j, t] of model.numeric.entries()) {
      let g = 0;
      for (let i = 0; i < n; i++)
        g += ((sigmoid(z[i]!) - label[i]!) * (Number(rows[i]![j + 1]) - t.mean)) / n;
      expect(Math.abs(g / t.scale + lambda * t.weight)).toBeLessThan(1e-6);
    }
  });
});

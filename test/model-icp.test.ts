import { describe, expect, it } from "vitest";
import { forecast, forecastAccuracy } from "../src/core/model/forecast.ts";
import { discoverIcp } from "../src/core/model/icp.ts";
import { seededRandom } from "../src/core/model/random.ts";
import { buildTable } from "../src/core/model/table-build.ts";
import { wilsonInterval } from "../src/core/model/wilson.ts";

describe("Wilson interval", () => {
  it("matches the textbook values and stays inside [0, 1]", () => {
    const [lo, hi] = wilsonInterval(8, 10);
    expect(lo).toBeCloseTo(0.4902, 3);
    expect(hi).toBeCloseTo(0.9433, 3);
    expect(wilsonInterval(0, 5)[0]).toBe(0);
    expect(wilsonInterval(5, 5)[1]).toBe(1);
  });
});

describe("ICP discovery", () => {
  // Software accounts win 60%, retail 8%, others 20%; bigger companies win more.
  const rand = seededRandom(3);
  const rows: string[][] = [];
  const won: number[] = [];
  const value: number[] = [];
  for (let i = 0; i < 1200; i++) {
    const industry = ["Software", "Retail", "Health", "Energy"][i % 4]!;
    const employees = Math.floor(rand() * 1000);
    const p =
      (industry === "Software" ? 0.6 : industry === "Retail" ? 0.08 : 0.2) + (employees > 750 ? 0.15 : 0);
    won.push(rand() < p ? 1 : 0);
    value.push(industry === "Software" ? 5000 : 2000);
    rows.push([industry, String(employees)]);
  }
  const table = buildTable(["industry", "employees"], rows, {
    categorical: ["industry"],
    numeric: ["employees"],
  });
  const report = discoverIcp({ table, won: Uint8Array.from(won), value: Float64Array.from(value) });

  it("finds the winning segment first, with its evidence", () => {
    const top = report.profile[0]!;
    expect(top.conditions).toEqual([{ attribute: "industry", operator: "eq", value: "Software" }]);
    expect(top.winRateInterval[0]).toBeGreaterThan(report.baseRate);
    expect(top.meanWonValue).toBe(5000);
    expect(report.byLift.every((s) => s.winRateInterval[0] > report.baseRate)).toBe(true);
    expect(report.bySupport[0]!.rows).toBeGreaterThanOrEqual(report.bySupport[1]!.rows);
  });

  it("bins numbers into ranges and finds pairs", () => {
    const big = report.profile.find((s) => s.conditions[0]!.attribute === "employees");
    expect(big?.conditions[0]?.operator).toBe("between");
    expect(report.byLift.some((s) => s.conditions.length === 2)).toBe(true);
  });

  it("suggests positive and negative fit rules", () => {
    const software = report.rules.find((r) => r.operator === "eq" && r.value === "Software")!;
    const retail = report.rules.find((r) => r.operator === "eq" && r.value === "Retail")!;
    expect(software.points).toBeGreaterThan(0);
    expect(retail.points).toBeLessThan(0);
    expect(retail.evidence.winRateInterval[1]).toBeLessThan(retail.evidence.baseRate);
  });
});

describe("forecast", () => {
  it("sums expected wins and value per period", () => {
    const f = forecast([
      { period: "2026-02", probability: 0.5, value: 100 },
      { period: "2026-01", probability: 0.2, value: 1000 },
      { period: "2026-01", probability: 0.6, value: 10 },
    ]);
    expect(f.map((p) => p.period)).toEqual(["2026-01", "2026-02"]);
    expect(f[0]!.expectedWins).toBeCloseTo(0.8, 12);
    expect(f[0]!.expectedValue).toBeCloseTo(206, 12);
    expect(f[0]!.winsLow).toBeLessThanOrEqual(1);
    expect(f[0]!.winsHigh).toBeLessThanOrEqual(2);
  });

  it("tracks accuracy with the Brier score per period and overall", () => {
    const acc = forecastAccuracy([
      { period: "q1", probability: 0.8, won: true },
      { period: "q1", probability: 0.3, won: false },
      { period: "q2", probability: 1, won: false },
    ]);
    expect(acc.map((a) => a.period)).toEqual(["q1", "q2", "all"]);
    expect(acc[0]!.brier).toBeCloseTo((0.04 + 0.09) / 2, 12);
    expect(acc[1]!.brier).toBe(1);
    expect(acc[2]!.actualWins).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import type { Stage } from "../src/core/lifecycle/stages.ts";
import {
  backtest,
  capacityPlan,
  type HistoryLead,
  type ScoringModel,
  validateScoringModel,
} from "../src/core/scoring/index.ts";
import { demoAccount, demoContact, demoEvent, demoLead } from "../src/demo/records.ts";

function model(mqlAt: number): ScoringModel {
  const r = validateScoringModel({
    id: "bt",
    name: "Backtest",
    version: mqlAt,
    fit: { rules: [{ id: "software", when: { field: "account.industry", equals: "software" }, points: 50 }] },
    engagement: { rules: [{ id: "demo", event: "demo_request", points: 50, frequency: "once" }] },
    thresholds: [{ id: "mql", metric: "total", atLeast: mqlAt, action: "become_mql" }],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

function lead(
  id: string,
  industry: string,
  created: string,
  demoAt: string | null,
  stages: Stage[],
  outcome: HistoryLead["outcome"] = null,
): HistoryLead {
  return {
    input: {
      account: demoAccount({ industry }),
      contact: demoContact(),
      lead: demoLead({ id, createdAt: created }),
      events: demoAt ? [demoEvent("demo_request", demoAt, {}, { leadId: id })] : [],
    },
    stages: stages.map((stage) => ({ stage, at: created })),
    outcome,
  };
}

const history: HistoryLead[] = [
  lead(
    "l1",
    "software",
    "2025-01-06T09:00:00Z",
    "2025-01-08T10:00:00Z",
    ["new", "mql", "sal", "sql", "opportunity", "won"],
    { status: "won", at: "2025-03-01T00:00:00Z" },
  ),
  lead(
    "l2",
    "software",
    "2025-01-13T09:00:00Z",
    "2025-01-20T10:00:00Z",
    ["new", "mql", "sql", "opportunity", "lost"],
    { status: "lost", at: "2025-01-30T00:00:00Z" },
  ),
  lead("l3", "retail", "2025-01-07T09:00:00Z", "2025-01-09T10:00:00Z", ["new"]),
  lead("l4", "software", "2025-01-10T09:00:00Z", null, ["new", "sql", "lost"], {
    status: "lost",
    at: "2025-01-25T00:00:00Z",
  }),
  lead("l5", "software", "2024-12-01T09:00:00Z", "2024-12-02T10:00:00Z", ["new", "won"], {
    status: "won",
    at: "2025-01-15T00:00:00Z",
  }),
  lead("l6", "software", "2025-01-20T09:00:00Z", "2025-02-10T10:00:00Z", ["new"]),
];
const window = { from: "2025-01-06T00:00:00Z", to: "2025-02-03T00:00:00Z" };

describe("backtest", () => {
  it("counts MQLs per week, their SQLs and wins, conversion above vs below, and AUC", () => {
    const r = backtest(model(100), history, window).result;
    expect(r.leads).toBe(5);
    expect(r.mqls).toBe(2);
    expect(r.weeks).toEqual([
      { week: "2025-01-06", mqls: 1, reachedSql: 1, won: 1 },
      { week: "2025-01-13", mqls: 0, reachedSql: 0, won: 0 },
      { week: "2025-01-20", mqls: 1, reachedSql: 1, won: 0 },
      { week: "2025-01-27", mqls: 0, reachedSql: 0, won: 0 },
    ]);
    expect([r.mqlReachedSql, r.mqlWon, r.precision]).toEqual([2, 1, 0.5]);
    expect(r.above).toEqual({ leads: 2, reachedSql: 2, won: 1, sqlRate: 1, winRate: 0.5 });
    expect(r.below).toEqual({ leads: 3, reachedSql: 1, won: 0, sqlRate: 1 / 3, winRate: 0 });
    expect(r.closed).toBe(3);
    expect(r.aucClosed).toBe(0.75);
    expect(r.aucWon).toBe(0.875);
  });

  it("puts a draft side by side with the published model", () => {
    const r = backtest(model(100), history, { ...window, compareWith: model(50) });
    expect(r.compare?.mqls).toBe(5);
    expect(r.compare?.weeks.map((w) => w.mqls)).toEqual([3, 1, 1, 0]);
    expect(r.result.mqls).toBe(2);
  });
});

describe("capacityPlan", () => {
  const items = [
    { score: 95, won: true },
    { score: 90, won: true },
    { score: 90, won: false },
    { score: 70, won: false },
    { score: 70, won: true },
    { score: 40, won: false },
    { score: 10, won: false },
  ];

  it("finds the lowest threshold that fits capacity and compares with today's", () => {
    const plan = capacityPlan(items, { repsCount: 2, leadsPerRepPerWeek: 1, weeks: 2, currentThreshold: 40 });
    expect(plan.capacityPerWeek).toBe(2);
    // capacity 4: >= 90 selects 3, >= 70 would select 5
    expect(plan.recommended).toMatchObject({
      threshold: 90,
      selected: 3,
      perWeek: 1.5,
      expectedConversions: 2,
      utilisation: 0.75,
    });
    expect(plan.current).toMatchObject({
      threshold: 40,
      selected: 6,
      expectedConversions: 3,
      utilisation: 1.5,
    });
    expect(plan.curve.map((p) => p.threshold)).toEqual([95, 90, 70, 40, 10]);
  });

  it("uses probabilities when given, and selects everyone when capacity is ample", () => {
    const plan = capacityPlan(
      [
        { score: 80, probability: 0.5 },
        { score: 20, probability: 0.1 },
      ],
      { repsCount: 10, leadsPerRepPerWeek: 10, weeks: 1 },
    );
    expect(plan.recommended).toMatchObject({ threshold: 20, selected: 2 });
    expect(plan.recommended.expectedConversions).toBeCloseTo(0.6);
    expect(plan.current).toBeNull();
  });

  it("selects nobody when even the top tie exceeds capacity", () => {
    const plan = capacityPlan([{ score: 50 }, { score: 50 }], {
      repsCount: 1,
      leadsPerRepPerWeek: 1,
      weeks: 1,
    });
    expect(plan.recommended).toMatchObject({ threshold: 51, selected: 0 });
  });
});

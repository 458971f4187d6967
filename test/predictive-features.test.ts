import { describe, expect, it } from "vitest";
import {
  featureCells,
  LEAD_FEATURE_SPEC,
  leadFeatureTable,
  outcomeLabels,
} from "../src/app/predictive/features.ts";
import { adoptableRule } from "../src/app/predictive/icp.ts";
import { compileCondition } from "../src/core/scoring/compile-condition.ts";
import type { LeadFacts } from "../src/storage/predictive-repo.ts";

const facts = (over: Partial<LeadFacts> = {}): LeadFacts => ({
  leadId: "l1",
  stage: "new",
  createdAt: "2026-01-01T00:00:00.000Z",
  source: "webinar",
  entryPath: "standard",
  seniority: "vp",
  buyingRole: null,
  industry: "software",
  employees: 800,
  annualRevenue: null,
  country: "DE",
  region: "emea",
  outcome: null,
  dealAmount: null,
  dealCreatedAt: null,
  dealCloseDate: null,
  closedAt: null,
  cutoff: "2026-03-01T12:00:00.000Z",
  eventCounts: { page_view: 4, webinar_attended: 1, custom_thing: 2 },
  eventsLast14Days: 3,
  lastEventAt: "2026-02-20T18:00:00.000Z",
  activities: 2,
  connected: 1,
  meetings: 0,
  ...over,
});

describe("lead features", () => {
  it("turns facts into typed columns: missing stays missing, counts and recency as of the cutoff", () => {
    const t = leadFeatureTable([
      facts(),
      facts({ leadId: "l2", industry: null, lastEventAt: null, eventCounts: {} }),
    ]);
    const col = (name: string) => t.columns.find((c) => c.name === name)!;
    expect(t.rows).toBe(2);
    expect(t.columns.map((c) => c.name)).toEqual([
      ...LEAD_FEATURE_SPEC.categorical,
      ...LEAD_FEATURE_SPEC.numeric,
    ]);
    const industry = col("account.industry");
    expect(industry.kind === "categorical" && [...industry.codes]).toEqual([0, -1]);
    const num = (name: string) => {
      const c = col(name);
      return c.kind === "categorical" ? [] : [...c.values];
    };
    expect(num("account.annualRevenue").every(Number.isNaN)).toBe(true);
    expect(num("events.page_view")).toEqual([4, 0]);
    expect(num("events.other")).toEqual([2, 0]);
    expect(num("events.total")).toEqual([7, 0]);
    // 8.75 days between the last event and the cutoff: whole days.
    expect(num("events.daysSinceLast")[0]).toBe(8);
    expect(Number.isNaN(num("events.daysSinceLast")[1]!)).toBe(true);
    expect(featureCells(facts()).length).toBe(t.columns.length);
  });

  it("labels won as 1 and everything else as 0", () => {
    expect([...outcomeLabels([facts({ outcome: "won" }), facts({ outcome: "lost" })])]).toEqual([1, 0]);
  });
});

describe("ICP rules in the scoring model's shape", () => {
  const evidence = {
    rows: 40,
    won: 12,
    winRate: 0.3,
    winRateInterval: [0.18, 0.45] as const,
    lift: 2,
    baseRate: 0.15,
  };
  it("matches exactly the leads the segment described", () => {
    const eq = adoptableRule({
      attribute: "account.industry",
      operator: "eq",
      value: "fintech",
      points: 7,
      evidence,
    });
    expect(eq).toMatchObject({ id: "icp-account-industry-fintech", group: "icp", points: 7 });
    expect(compileCondition(eq.when)({ account: { industry: "fintech" } })).toBe(true);
    expect(compileCondition(eq.when)({ account: { industry: "retail" } })).toBe(false);
    const range = adoptableRule({
      attribute: "account.employees",
      operator: "between",
      value: [200, 900],
      points: 4,
      evidence,
    });
    expect(compileCondition(range.when)({ account: { employees: 900 } })).toBe(true);
    expect(compileCondition(range.when)({ account: { employees: 901 } })).toBe(false);
    const missing = adoptableRule({
      attribute: "contact.buyingRole",
      operator: "missing",
      value: null,
      points: -5,
      evidence,
    });
    expect(compileCondition(missing.when)({ contact: { buyingRole: null } })).toBe(true);
    expect(compileCondition(missing.when)({ contact: { buyingRole: "champion" } })).toBe(false);
  });
});

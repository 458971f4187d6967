import { describe, expect, it } from "vitest";
import { compileModel, scoreHistory, validateScoringModel } from "../src/core/scoring/index.ts";
import { demoAccount, demoContact, demoEvent, demoLead } from "../src/demo/records.ts";

const r = validateScoringModel({
  id: "h",
  name: "History",
  version: 1,
  fit: { rules: [{ id: "software", when: { field: "account.industry", equals: "software" }, points: 30 }] },
  engagement: {
    decay: { mode: "half_life", days: 7 },
    rules: [
      { id: "demo", event: "demo_request", points: 40, frequency: "once" },
      { id: "pv", event: "page_view", points: 2 },
    ],
  },
  thresholds: [
    { id: "mql", metric: "total", atLeast: 60, action: "become_mql" },
    { id: "cold", metric: "engagement", below: 10, action: "back_to_nurture" },
  ],
});
if (!r.ok) throw new Error(JSON.stringify(r.error));
const scorer = compileModel(r.value);
const day = (d: number) => new Date(Date.UTC(2026, 0, 5) + d * 86_400_000).toISOString();

describe("scoreHistory", () => {
  it("replays the ledger: a point per event and at the end, each with its crossings", () => {
    const input = {
      account: demoAccount({ industry: "software" }),
      contact: demoContact(),
      lead: demoLead({ createdAt: day(0) }),
      events: [
        demoEvent("page_view", day(2), {}, { id: "pv" }),
        demoEvent("demo_request", day(1), {}, { id: "demo" }),
      ],
    };
    const points = scoreHistory(scorer, input, { to: day(40) });
    expect(points.map((p) => [p.at, p.eventId, p.total, p.crossings.map((c) => c.threshold)])).toEqual([
      [day(0), null, 30, []],
      [day(1), "demo", 70, ["mql"]],
      [day(2), "pv", 30 + Math.round(40 * 0.5 ** (1 / 7)) + 2, []],
      [day(40), null, 30 + Math.round(40 * 0.5 ** (39 / 7)) + Math.round(2 * 0.5 ** (38 / 7)), ["cold"]],
    ]);
    // the last point is what a full score at `to` says
    expect(points[3]).toMatchObject({
      total: scorer.score(input, day(40)).total,
      grade: scorer.score(input, day(40)).grade,
    });
  });

  it("starts at `from` and ignores events after `to`", () => {
    const input = {
      account: demoAccount(),
      contact: demoContact(),
      lead: demoLead({ createdAt: day(0) }),
      events: [demoEvent("demo_request", day(10))],
    };
    const points = scoreHistory(scorer, input, { from: day(5), to: day(8) });
    expect(points.map((p) => p.at)).toEqual([day(5), day(8)]);
    expect(points.every((p) => p.engagement === 0)).toBe(true);
  });
});

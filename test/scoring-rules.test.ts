import { describe, expect, it } from "vitest";
import {
  advanceTo,
  applyEvent,
  compileModel,
  type ScoringModel,
  type ScoringModelInput,
  startScoring,
  validateScoringModel,
} from "../src/core/scoring/index.ts";
import { demoAccount, demoContact, demoEvent, demoLead } from "../src/demo/records.ts";

const NOW = "2026-03-01T00:00:00.000Z";
const DAY = 86_400_000;
const daysAgo = (d: number) => new Date(Date.parse(NOW) - d * DAY).toISOString();

function model(over: Partial<ScoringModelInput>): ScoringModel {
  const r = validateScoringModel({ id: "t", name: "Test", version: 1, ...over });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

const fitOnly = (when: unknown, points = 10) =>
  model({ fit: { rules: [{ id: "r", when, points }] } as ScoringModelInput["fit"] });

function fires(when: unknown, over: { account?: object; contact?: object; lead?: object } = {}): boolean {
  const s = compileModel(fitOnly(when)).score(
    {
      account: demoAccount(over.account),
      contact: demoContact(over.contact),
      lead: demoLead(over.lead),
      events: [],
    },
    NOW,
  );
  return s.fit === 10;
}

describe("fit rule kinds", () => {
  it("equals (strings ignore case), in, range, pattern, exists", () => {
    expect(
      fires({ field: "account.industry", equals: "Software" }, { account: { industry: "software" } }),
    ).toBe(true);
    expect(
      fires({ field: "account.industry", equals: "software" }, { account: { industry: "retail" } }),
    ).toBe(false);
    expect(fires({ field: "contact.unsubscribed", equals: false })).toBe(true);
    expect(fires({ field: "account.region", in: ["emea", "na"] }, { account: { region: "EMEA" } })).toBe(
      true,
    );
    expect(fires({ field: "account.region", in: ["emea", "na"] }, { account: { region: "apac" } })).toBe(
      false,
    );
    expect(
      fires({ field: "account.employees", range: { min: 200, max: 5000 } }, { account: { employees: 200 } }),
    ).toBe(true);
    expect(
      fires({ field: "account.employees", range: { min: 200, max: 5000 } }, { account: { employees: 5000 } }),
    ).toBe(true);
    expect(
      fires({ field: "account.employees", range: { min: 200, max: 5000 } }, { account: { employees: 5001 } }),
    ).toBe(false);
    expect(fires({ field: "account.employees", range: { min: 200 } }, { account: { employees: null } })).toBe(
      false,
    );
    expect(
      fires(
        { field: "contact.title", pattern: "\\b(vp|head|director)\\b" },
        { contact: { title: "Head of Sales" } },
      ),
    ).toBe(true);
    expect(fires({ field: "contact.title", pattern: "^cto$" }, { contact: { title: "Intern" } })).toBe(false);
    expect(fires({ field: "contact.phone", exists: true }, { contact: { phone: "+44 20 1234" } })).toBe(true);
    expect(fires({ field: "contact.phone", exists: true }, { contact: { phone: "" } })).toBe(false);
    expect(fires({ field: "contact.phone", exists: false }, { contact: { phone: null } })).toBe(true);
  });

  it("reads custom attributes and the derived e-mail domain", () => {
    expect(
      fires(
        { field: "account.attributes.tech", equals: "salesforce" },
        { account: { attributes: { tech: "Salesforce" } } },
      ),
    ).toBe(true);
    expect(
      fires(
        { field: "contact.emailDomain", in: ["rival.example"] },
        { contact: { email: "x@Rival.example" } },
      ),
    ).toBe(true);
  });

  it("combines with all, any and not", () => {
    const icp = {
      all: [
        { field: "account.industry", in: ["software", "fintech"] },
        {
          any: [
            { field: "account.employees", range: { min: 200 } },
            { field: "account.annualRevenue", range: { min: 50_000_000 } },
          ],
        },
        { not: { field: "account.country", equals: "KP" } },
      ],
    };
    expect(
      fires(icp, {
        account: { industry: "fintech", employees: 50, annualRevenue: 80_000_000, country: "GB" },
      }),
    ).toBe(true);
    expect(
      fires(icp, { account: { industry: "fintech", employees: 50, annualRevenue: 1, country: "GB" } }),
    ).toBe(false);
    expect(fires(icp, { account: { industry: "software", employees: 500, country: "KP" } })).toBe(false);
  });
});

describe("engagement rules", () => {
  const base = { account: demoAccount(), contact: demoContact(), lead: demoLead() };
  const eng = (rule: object, decay: object = { mode: "none" }) =>
    compileModel(
      model({ engagement: { decay, rules: [{ id: "e", ...rule }] } as ScoringModelInput["engagement"] }),
    );

  it("filters by type and properties", () => {
    const s = eng({
      event: ["asset_download", "webinar_attended"],
      where: { field: "properties.stage", equals: "late" },
      points: 7,
    });
    const r = s.score(
      {
        ...base,
        events: [
          demoEvent("asset_download", daysAgo(1), { stage: "late" }),
          demoEvent("asset_download", daysAgo(1), { stage: "early" }),
          demoEvent("page_view", daysAgo(1)),
        ],
      },
      NOW,
    );
    expect(r.engagement).toBe(7);
    expect(r.explanation).toEqual([
      expect.objectContaining({ ruleId: "e", events: 1, points: 7, counted: 7 }),
    ]);
  });

  it("once, repeatable and at most N per period", () => {
    const evs = [0, 1, 2, 3, 8, 9].map((d) => demoEvent("page_view", daysAgo(d)));
    expect(
      eng({ event: "page_view", points: 2, frequency: "once" }).score({ ...base, events: evs }, NOW)
        .engagement,
    ).toBe(2);
    expect(
      eng({ event: "page_view", points: 2, frequency: "repeatable" }).score({ ...base, events: evs }, NOW)
        .engagement,
    ).toBe(12);
    // 2026-03-01 is a Sunday: days 0..3 ago fall in two calendar weeks (Feb 23-Mar 1: 0,1,2,3 -> 2 counted)
    // and days 8, 9 ago in the week of Feb 16-22 (2 counted).
    expect(
      eng({ event: "page_view", points: 2, frequency: { max: 2, perDays: 7 } }).score(
        { ...base, events: evs },
        NOW,
      ).engagement,
    ).toBe(8);
  });

  it("ignores events after now", () => {
    const r = eng({ event: "page_view", points: 3 }).score(
      { ...base, events: [demoEvent("page_view", "2026-03-02T00:00:00.000Z")] },
      NOW,
    );
    expect(r.engagement).toBe(0);
    expect(r.explanation).toEqual([]);
  });

  it("decays by half-life, linearly per period, by rolling window", () => {
    const ev = (d: number) => ({ ...base, events: [demoEvent("demo_request", daysAgo(d))] });
    const half = eng({ event: "demo_request", points: 40 }, { mode: "half_life", days: 30 });
    expect(half.score(ev(0), NOW).engagement).toBe(40);
    expect(half.score(ev(30), NOW).engagement).toBe(20);
    expect(half.score(ev(60), NOW).engagement).toBe(10);
    expect(half.score(ev(30), NOW).explanation[0]).toMatchObject({ points: 40, decayedTo: 20 });
    const linear = eng({ event: "demo_request", points: 40 }, { mode: "linear", percent: 25, everyDays: 7 });
    expect(linear.score(ev(6), NOW).engagement).toBe(40);
    expect(linear.score(ev(7), NOW).engagement).toBe(30);
    expect(linear.score(ev(20), NOW).engagement).toBe(20);
    expect(linear.score(ev(400), NOW).engagement).toBe(0);
    const win = eng({ event: "demo_request", points: 40 }, { mode: "window", days: 90 });
    expect(win.score(ev(90), NOW).engagement).toBe(40);
    expect(win.score(ev(91), NOW).engagement).toBe(0);
    // a rule's own decay overrides the model's
    const own = eng(
      { event: "demo_request", points: 40, decay: { mode: "none" } },
      { mode: "window", days: 1 },
    );
    expect(own.score(ev(91), NOW).engagement).toBe(40);
  });
});

describe("negative rules and caps", () => {
  const m = model({
    fit: {
      cap: 50,
      groups: [{ id: "firm", cap: 30 }],
      rules: [
        {
          id: "industry",
          group: "firm",
          when: { field: "account.industry", equals: "software" },
          points: 20,
        },
        { id: "size", group: "firm", when: { field: "account.employees", range: { min: 100 } }, points: 20 },
        { id: "senior", when: { field: "contact.seniority", in: ["vp", "c_level"] }, points: 25 },
      ],
    },
    engagement: { cap: 30, rules: [{ id: "views", event: "page_view", points: 10 }] },
    negative: {
      rules: [
        { id: "competitor", when: { field: "contact.emailDomain", in: ["rival.example"] }, points: -40 },
        { id: "bounced", event: "email_bounced", points: -15 },
      ],
    },
  });
  const scorer = compileModel(m);
  const input = (over: { email?: string; events?: number; bounced?: boolean } = {}) => ({
    account: demoAccount({ industry: "software", employees: 500 }),
    contact: demoContact({ seniority: "vp", email: over.email ?? "a@acme.example" }),
    lead: demoLead(),
    events: [
      ...Array.from({ length: over.events ?? 5 }, (_, i) => demoEvent("page_view", daysAgo(i))),
      ...(over.bounced
        ? [demoEvent("email_bounced", daysAgo(1)), demoEvent("email_bounced", daysAgo(2))]
        : []),
    ],
  });

  it("caps a group, then the score, in rule order, and says which rules were cut", () => {
    const r = scorer.score(input(), NOW);
    // industry 20 + size 20 -> group cap 30 (size cut to 10); senior 25 -> fit cap 50 (cut to 20)
    expect(r.fit).toBe(50);
    expect(r.explanation.filter((e) => e.side === "fit").map((e) => [e.ruleId, e.counted, e.capped])).toEqual(
      [
        ["industry", 20, false],
        ["size", 10, true],
        ["senior", 20, true],
      ],
    );
    expect(r.engagement).toBe(30);
    expect(r.explanation.find((e) => e.ruleId === "views")).toMatchObject({
      points: 50,
      decayedTo: 50,
      counted: 30,
      capped: true,
    });
  });

  it("applies negative rules after caps; event penalties count once by default", () => {
    const r = scorer.score(input({ email: "x@rival.example", bounced: true }), NOW);
    expect(r.fit).toBe(10);
    expect(r.engagement).toBe(15);
    expect(r.explanation.find((e) => e.ruleId === "bounced")).toMatchObject({
      kind: "negative",
      counted: -15,
      events: 1,
    });
    expect(r.total).toBe(25);
  });
});

describe("grades", () => {
  it("maps fit to A-D and engagement to 1-4 at the boundaries", () => {
    const m = model({
      grades: { fit: { A: 60, B: 40, C: 20 }, engagement: { "1": 60, "2": 30, "3": 10 } },
      fit: { rules: [{ id: "f", when: { field: "account.employees", exists: true }, points: 1 }] },
    });
    const grade = (fitPoints: number, eng: number) => {
      const mm = model({
        grades: m.grades,
        fit: {
          rules:
            fitPoints > 0
              ? [{ id: "f", when: { field: "account.id", exists: true }, points: fitPoints }]
              : [],
        },
        engagement: { rules: eng > 0 ? [{ id: "e", event: "x", points: eng }] : [] },
      });
      return compileModel(mm).score(
        {
          account: demoAccount(),
          contact: demoContact(),
          lead: demoLead(),
          events: [demoEvent("x", daysAgo(1))],
        },
        NOW,
      ).grade;
    };
    expect(grade(60, 60)).toBe("A1");
    expect(grade(59, 59)).toBe("B2");
    expect(grade(40, 30)).toBe("B2");
    expect(grade(39, 29)).toBe("C3");
    expect(grade(20, 10)).toBe("C3");
    expect(grade(19, 9)).toBe("D4");
    expect(grade(0, 0)).toBe("D4");
  });
});

describe("thresholds", () => {
  const m = model({
    fit: { rules: [{ id: "f", when: { field: "account.industry", equals: "software" }, points: 30 }] },
    engagement: {
      decay: { mode: "half_life", days: 7 },
      rules: [
        { id: "demo", event: "demo_request", points: 40 },
        { id: "pv", event: "page_view", points: 5 },
      ],
    },
    thresholds: [
      { id: "mql", metric: "total", atLeast: 60, minFit: 20, action: "become_mql" },
      { id: "hot", metric: "engagement", atLeast: 35, action: "alert_owner" },
      { id: "cold", metric: "engagement", below: 10, action: "back_to_nurture" },
    ],
  });
  const scorer = compileModel(m);
  const input = {
    account: demoAccount({ industry: "software" }),
    contact: demoContact(),
    lead: demoLead(),
    events: [],
  };

  it("fires each threshold once when crossed, and back to nurture when engagement decays", () => {
    const t0 = Date.parse(NOW);
    const start = startScoring(scorer, input, t0);
    expect(start.crossings).toEqual([]);
    const a = applyEvent(start.state, demoEvent("demo_request", NOW), t0);
    expect(a.crossings.map((c) => [c.threshold, c.direction, c.action])).toEqual([
      ["mql", "up", "become_mql"],
      ["hot", "up", "alert_owner"],
    ]);
    const b = applyEvent(a.state, demoEvent("page_view", NOW), t0 + 1000);
    expect(b.crossings).toEqual([]); // still above: nothing fires again
    const later = advanceTo(b.state, t0 + 30 * DAY);
    expect(later.crossings.map((c) => c.threshold)).toEqual(["cold"]);
    expect(advanceTo(later.state, t0 + 40 * DAY).crossings).toEqual([]);
  });

  it("fires atLeast thresholds already met when a lead is first scored", () => {
    const r = startScoring(scorer, { ...input, events: [demoEvent("demo_request", NOW)] }, NOW);
    expect(r.crossings.map((c) => c.threshold)).toEqual(["mql", "hot"]);
  });
});

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_VERIFIED, card, NOW, rec } from "../../../test/qualification-fixtures.ts";
import { FRAMEWORKS } from "../frameworks/registry.ts";
import { withEvidence } from "./evidence.ts";
import type { IcpProfile } from "./icp.ts";
import { parseScorecard } from "./scorecard-schema.ts";
import { qualify } from "./verdict.ts";

const ICP: IcpProfile = {
  territories: { countries: ["PL", "DE", "US"] },
  industries: ["software", "logistics"],
  employees: { min: 50, max: 5000 },
};
const FIT = { account: { country: "DE", industry: "software", employees: 400 } };

describe("qualify: levels are checked in order", () => {
  it("an organization-level miss disqualifies even a perfect stakeholder", () => {
    const v = qualify(
      card(ALL_VERIFIED, { account: { country: "BR", industry: "software", employees: 400 } }),
      "meddic",
      { icp: ICP, now: NOW },
    );
    expect(v.outcome).toBe("disqualify");
    expect(v.failedLevel).toBe("organization");
    expect(v.reasons[0]).toMatchObject({
      level: "organization",
      criterion: "icp.territory",
      code: "icp_territory_mismatch",
      kind: "failed",
    });
    expect(v.explanation).toContain("organization level");
    // every MEDDIC criterion itself was met: the order, not the count, decides
    expect(v.score).toMatchObject({ met: 6, total: 6 });
  });

  it("no pain disqualifies at the opportunity level even with full authority and budget", () => {
    const v = qualify(card({ ...ALL_VERIFIED, need: "failed" }, FIT), "bant", { icp: ICP, now: NOW });
    expect(v.outcome).toBe("disqualify");
    expect(v.failedLevel).toBe("opportunity");
    expect(v.reasons.map((r) => r.code)).toEqual(["need_failed"]);
    expect(v.coverage.stakeholder.status).toBe("pass");
    expect(v.coverage.organization.status).toBe("pass");
  });

  it("a contact who cannot speak to the company's goals is disqualified while the opportunity stands", () => {
    const v = qualify(
      card(
        { ...ALL_VERIFIED, knowledge: { state: "failed", quote: "No idea what leadership is aiming for." } },
        FIT,
      ),
      "meddic",
      {
        icp: ICP,
        now: NOW,
      },
    );
    expect(v.outcome).toBe("disqualify-contact");
    expect(v.failedLevel).toBe("stakeholder");
    expect(v.reasons[0]).toMatchObject({
      criterion: "gate.knowledge",
      level: "stakeholder",
      code: "knowledge_failed",
    });
    expect(v.reasons[0]?.evidence[0]?.quote).toBe("No idea what leadership is aiming for.");
    expect(v.coverage.opportunity.status).toBe("pass");
    expect(v.explanation).toMatch(/not the opportunity/);
    expect(v.explanation).toMatch(/opportunity levels stand/);
  });

  it("a stakeholder-level framework criterion failing disqualifies only the contact", () => {
    const v = qualify(card({ ...ALL_VERIFIED, authority: "failed" }), "bant", { now: NOW });
    expect(v.outcome).toBe("disqualify-contact");
  });

  it("an ICP persona mismatch disqualifies the contact, not the company", () => {
    const icp: IcpProfile = { ...ICP, personas: { seniorities: ["director", "vp", "c_level"] } };
    const v = qualify(
      card(ALL_VERIFIED, { ...FIT, contact: { seniority: "intern", title: "Marketing intern" } }),
      "bant",
      { icp, now: NOW },
    );
    expect(v.outcome).toBe("disqualify-contact");
    expect(v.reasons[0]?.code).toBe("icp_persona_mismatch");
  });

  it("an opportunity failure wins over a stakeholder failure (earlier level first)", () => {
    const v = qualify(card({ ...ALL_VERIFIED, need: "failed", authority: "failed" }), "bant", { now: NOW });
    expect(v.outcome).toBe("disqualify");
    expect(v.failedLevel).toBe("opportunity");
  });
});

describe("qualify: unknown is not failed; not now is nurture", () => {
  it("an empty scorecard keeps qualifying and asks about every gap in level order", () => {
    const v = qualify(card({}), "bant", { now: NOW });
    expect(v.outcome).toBe("keep-qualifying");
    expect(v.failedLevel).toBeNull();
    expect(v.reasons.every((r) => r.kind === "unknown")).toBe(true);
    expect(v.coverage.opportunity).toMatchObject({ total: 3, known: 0, requiredUnknown: 3 });
    expect(v.nextQuestions.length).toBe(5);
    // one question per gap first, in level order, then a second round
    expect(v.nextQuestions.slice(0, 4).map((q) => `${q.level}:${q.criterion}`)).toEqual([
      "opportunity:budget",
      "opportunity:need",
      "opportunity:timeline",
      "stakeholder:authority",
    ]);
    expect(v.nextQuestions[4]?.criterion).toBe("budget");
  });

  it("a timeline beyond the horizon gives nurture, not disqualify", () => {
    const v = qualify(card({ ...ALL_VERIFIED, timeline: { state: "claimed", date: "2027-01-15" } }), "bant", {
      now: NOW,
    });
    expect(v.outcome).toBe("nurture");
    expect(v.reasons[0]).toMatchObject({
      code: "timeline_beyond_horizon",
      kind: "deferred",
      level: "opportunity",
    });
    // MEDDIC does not read the timeline: the same card advances there
    expect(
      qualify(card({ ...ALL_VERIFIED, timeline: { state: "claimed", date: "2027-01-15" } }), "meddic", {
        now: NOW,
      }).outcome,
    ).toBe("advance");
  });

  it("a low priority gives nurture under CHAMP", () => {
    const v = qualify(
      card({ ...ALL_VERIFIED, prioritization: { state: "claimed", qualifier: "low" } }),
      "champ",
      { now: NOW },
    );
    expect(v.outcome).toBe("nurture");
    expect(v.reasons[0]?.code).toBe("prioritization_low");
  });

  it("without `now` the horizon is measured from when the timeline was recorded", () => {
    expect(
      qualify(card({ ...ALL_VERIFIED, timeline: { state: "claimed", date: "2026-05-01" } }), "anum").outcome,
    ).toBe("advance");
    expect(
      qualify(card({ ...ALL_VERIFIED, timeline: { state: "claimed", date: "2026-09-01" } }), "anum").outcome,
    ).toBe("nurture");
  });

  it("marks a level with nothing to check as unchecked, not passed", () => {
    const v = qualify(card(ALL_VERIFIED), "bant", { now: NOW });
    expect(v.coverage.organization.status).toBe("unchecked");
    expect(v.explanation).not.toContain("organization");
  });

  it("withEvidence records an answer without changing the original scorecard", () => {
    const before = card({});
    const after = withEvidence(before, rec("need", { state: "failed", quote: "We're fine as we are." }));
    expect(before.evidence.need).toBeUndefined();
    expect(qualify(after, "bant", { now: NOW }).outcome).toBe("disqualify");
  });

  it("is deterministic: the same input gives the same verdict", () => {
    const c = card(ALL_VERIFIED, FIT);
    expect(qualify(c, "meddpicc", { icp: ICP, now: NOW })).toEqual(
      qualify(c, "meddpicc", { icp: ICP, now: NOW }),
    );
  });
});

describe("the same evidence through different lenses", () => {
  it("FAINT funds are met by capacity to pay; BANT budget is not", () => {
    const c = card({
      ...ALL_VERIFIED,
      budget: {
        state: "verified",
        qualifier: "capacity",
        quote: "Nothing budgeted, but I can find the money.",
      },
    });
    const faint = qualify(c, "faint", { now: NOW });
    const bant = qualify(c, "bant", { now: NOW });
    expect(faint.outcome).toBe("advance");
    expect(bant.outcome).toBe("disqualify");
    expect(bant.reasons[0]).toMatchObject({
      criterion: "budget",
      code: "budget_capacity",
      level: "opportunity",
    });
    expect(bant.reasons[0]?.message).toContain("nothing is set aside");
  });

  it("the Fortune-1000 CEO who wants better email templates: BANT near-perfect, MEDDIC walks away", () => {
    const json = JSON.parse(
      readFileSync(
        resolve(import.meta.dirname, "../../../examples/fortune-1000-ceo-email-templates.json"),
        "utf8",
      ),
    );
    const parsed = parseScorecard(json);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    const bant = qualify(parsed.value, "bant", { now: NOW });
    const meddic = qualify(parsed.value, "meddic", { now: NOW });
    expect(bant.outcome).toBe("advance");
    expect(bant.score).toMatchObject({ met: 4, total: 4 });
    expect(meddic.outcome).toBe("disqualify");
    expect(meddic.failedLevel).toBe("opportunity");
    expect(meddic.reasons.map((r) => r.criterion).sort()).toEqual(["identify_pain", "metrics"]);
    expect(meddic.reasons.find((r) => r.criterion === "identify_pain")?.code).toBe("need_want");
    expect(meddic.explanation).toMatch(/wish, not a business pain/);
    expect(meddic.explanation).toContain("We just want nicer email templates");
  });
});

describe("every built-in framework", () => {
  for (const f of Object.values(FRAMEWORKS)) {
    it(`${f.id}: advances a fully verified fit prospect, keeps qualifying an empty one`, () => {
      expect(qualify(card(ALL_VERIFIED, FIT), f, { icp: ICP, now: NOW }).outcome).toBe("advance");
      const empty = qualify(card({}), f.id, { now: NOW });
      expect(empty.outcome).toBe("keep-qualifying");
      expect(empty.coverage.opportunity.requiredUnknown + empty.coverage.stakeholder.requiredUnknown).toBe(
        f.criteria.filter((c) => c.required).length,
      );
    });
    it(`${f.id}: a failed element behind each required criterion rules the prospect or contact out`, () => {
      for (const c of f.criteria.filter((x) => x.required)) {
        const element = c.elements[0];
        if (!element) throw new Error("criterion without element");
        const v = qualify(card({ ...ALL_VERIFIED, [element]: "failed" }), f, { now: NOW });
        expect(v.outcome, `${f.id}.${c.id}`).toBe(
          c.level === "stakeholder" ? "disqualify-contact" : "disqualify",
        );
        expect(
          v.reasons.some((r) => r.criterion === c.id && r.kind === "failed"),
          `${f.id}.${c.id}`,
        ).toBe(true);
      }
    });
  }
  it("unknown framework ids throw WINNOW_ERR_FRAMEWORK_NOT_FOUND", () => {
    expect(() => qualify(card({}), "spiced")).toThrow(
      expect.objectContaining({ code: "WINNOW_ERR_FRAMEWORK_NOT_FOUND" }),
    );
  });
});

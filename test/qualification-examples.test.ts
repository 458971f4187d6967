import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { defineFramework } from "../src/core/frameworks/define-framework.ts";
import { checkQuestionLibrary } from "../src/core/frameworks/questions/check-library.ts";
import { FRAMEWORKS } from "../src/core/frameworks/registry.ts";
import { explainDisagreement } from "../src/core/qualification/compare.ts";
import type { Scorecard } from "../src/core/qualification/evidence.ts";
import { parseIcpProfile } from "../src/core/qualification/icp.ts";
import { nextQuestions } from "../src/core/qualification/next-questions.ts";
import { parseScorecard } from "../src/core/qualification/scorecard-schema.ts";
import { qualify } from "../src/core/qualification/verdict.ts";

const read = (name: string): unknown =>
  JSON.parse(readFileSync(resolve(import.meta.dirname, "../examples", name), "utf8"));
const scorecard = (name: string): Scorecard => {
  const r = parseScorecard(read(name));
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
  return r.value;
};
const icpResult = parseIcpProfile(read("icp.json"));
if (!icpResult.ok) throw new Error(JSON.stringify(icpResult.error));
const icp = icpResult.value;
const NOW = "2026-05-25T09:00:00Z";

describe("the shipped examples", () => {
  it("call centre: MEDDIC keeps qualifying and asks for metrics first", () => {
    const v = qualify(scorecard("call-centre-expansion.json"), "meddic", { icp, now: NOW });
    expect(v.outcome).toBe("keep-qualifying");
    expect(v.coverage.organization.status).toBe("pass");
    expect(v.nextQuestions[0]).toMatchObject({ level: "opportunity", criterion: "metrics" });
    // the contact is a champion: a question written for champions about the economic buyer comes first
    expect(v.nextQuestions.find((q) => q.criterion === "economic_buyer")?.question.roles).toContain(
      "champion",
    );
  });

  it("next year: BANT nurtures, FAINT (one-year horizon) advances", () => {
    const card = scorecard("not-now-next-year.json");
    expect(qualify(card, "bant", { icp, now: "2026-03-02" }).outcome).toBe("nurture");
    const faint = qualify(card, "faint", { icp, now: "2026-03-02" });
    // FAINT also wants interest, which nobody asked about yet
    expect(faint.outcome).toBe("keep-qualifying");
    expect(faint.reasons.map((r) => r.criterion)).toEqual(["interest"]);
  });

  it("wrong contact: disqualify the contact, the opportunity stands; questions are for a new contact", () => {
    const v = qualify(scorecard("contact-without-insight.json"), "meddic", { icp, now: NOW });
    expect(v.outcome).toBe("disqualify-contact");
    expect(v.coverage.opportunity.status).toBe("pass");
    expect(v.reasons.map((r) => r.code)).toEqual(["icp_persona_mismatch", "knowledge_failed"]);
    expect(v.nextQuestions[0]?.why).toMatch(/^Ask a new contact/);
    expect(v.nextQuestions[0]?.askThisContact).toBe(false);
  });

  it("the custom framework and question examples are valid; the question example has one closed question", () => {
    const fw = defineFramework(read("custom-framework.json"));
    expect(fw.ok).toBe(true);
    const questions = checkQuestionLibrary(read("custom-questions.json"));
    if (!questions.ok) throw new Error(JSON.stringify(questions.error));
    expect(questions.value.findings.map((f) => `${f.path}:${f.kind}`)).toEqual(["2.text:closed"]);
  });

  it("explains why BANT and MEDDIC disagree on the CEO", () => {
    const card = scorecard("fortune-1000-ceo-email-templates.json");
    const lines = explainDisagreement(
      qualify(card, "bant", { now: NOW }),
      qualify(card, "meddic", { now: NOW }),
    );
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^MEDDIC's Metrics fails .* BANT does not read metrics\.$/);
    expect(lines[1]).toMatch(/^MEDDIC's Identify pain fails on the need evidence that BANT's Need accepts/);
    expect(explainDisagreement(qualify(card, "meddic"), qualify(card, "meddpicc"))).toEqual([]);
  });

  it("nextQuestions: nothing to ask once disqualified; limit respected; no element asked twice in a round", () => {
    const ceo = scorecard("fortune-1000-ceo-email-templates.json");
    expect(nextQuestions(ceo, FRAMEWORKS.meddic, 5, { now: NOW })).toEqual([]);
    const qs = nextQuestions({ evidence: {} }, FRAMEWORKS["gpctba-ci"], 3);
    expect(qs.map((q) => q.criterion)).toEqual(["goals", "challenges", "timeline"]);
    const twice = nextQuestions({ evidence: {} }, FRAMEWORKS.meddpicc, 40);
    expect(new Set(twice.map((q) => q.question.id)).size).toBe(twice.length);
  });
});

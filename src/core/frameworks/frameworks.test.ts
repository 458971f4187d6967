import { describe, expect, it } from "vitest";
import { ELEMENT_IDS, LEVELS } from "../qualification/elements.ts";
import { checkQuestion } from "./questions/check-question.ts";
import { QUESTION_LIBRARY, questionsFor } from "./questions/library.ts";
import { FRAMEWORKS, getFramework, listFrameworks } from "./registry.ts";

const EXPECTED: Record<string, string[]> = {
  bant: ["budget", "authority", "need", "timeline"],
  meddic: ["metrics", "economic_buyer", "decision_criteria", "decision_process", "identify_pain", "champion"],
  meddpicc: [
    "metrics",
    "economic_buyer",
    "decision_criteria",
    "decision_process",
    "identify_pain",
    "champion",
    "paper_process",
    "competition",
  ],
  champ: ["challenges", "authority", "money", "prioritization"],
  anum: ["authority", "need", "urgency", "money"],
  faint: ["funds", "authority", "interest", "need", "timing"],
  "gpctba-ci": [
    "goals",
    "plans",
    "challenges",
    "timeline",
    "budget",
    "authority",
    "negative_consequences",
    "positive_implications",
  ],
};

describe("built-in frameworks", () => {
  it("ship the seven frameworks with their criteria in their own order", () => {
    expect(Object.fromEntries(listFrameworks().map((f) => [f.id, f.criteria.map((c) => c.id)]))).toEqual(
      EXPECTED,
    );
  });

  for (const f of listFrameworks()) {
    it(`${f.id}: well-formed criteria with at least four open, distinct questions each`, () => {
      expect(new Set(f.criteria.map((c) => c.id)).size).toBe(f.criteria.length);
      for (const c of f.criteria) {
        expect(LEVELS).toContain(c.level);
        expect(c.elements.length).toBeGreaterThan(0);
        for (const e of c.elements) expect(ELEMENT_IDS).toContain(e);
        expect(c.satisfiedWhen.length).toBeGreaterThan(10);
      }
      for (const group of questionsFor(f, { lang: "en" })) {
        expect(group.questions.length, `${f.id}.${group.criterion}`).toBeGreaterThanOrEqual(4);
        expect(new Set(group.questions.map((q) => q.text)).size).toBe(group.questions.length);
      }
    });
  }

  it("are frozen: callers cannot change shipped data", () => {
    expect(Object.isFrozen(FRAMEWORKS)).toBe(true);
    expect(Object.isFrozen(FRAMEWORKS.bant.criteria[0])).toBe(true);
    expect(() => {
      (FRAMEWORKS.bant.criteria as unknown as { id: string }[]).push({ id: "x" });
    }).toThrow(TypeError);
  });

  it("are found by id or name, ignoring case and punctuation", () => {
    expect(getFramework("GPCTBA/C&I")?.id).toBe("gpctba-ci");
    expect(getFramework("MEDDIC")?.id).toBe("meddic");
    expect(getFramework("spin")).toBeUndefined();
  });

  it("FAINT funds accept capacity to pay; BANT budget does not", () => {
    expect(
      FRAMEWORKS.faint.criteria.find((c) => c.id === "funds")?.rule.qualifiers?.budget?.["capacity"],
    ).toBe("met");
    expect(
      FRAMEWORKS.bant.criteria.find((c) => c.id === "budget")?.rule.qualifiers?.budget?.["capacity"],
    ).toBe("failed");
  });

  it("a mere wish passes BANT's need but not MEDDIC's pain", () => {
    expect(FRAMEWORKS.bant.criteria.find((c) => c.id === "need")?.rule.qualifiers).toBeUndefined();
    expect(
      FRAMEWORKS.meddic.criteria.find((c) => c.id === "identify_pain")?.rule.qualifiers?.need?.["want"],
    ).toBe("failed");
  });
});

describe("the shipped question library", () => {
  const all = QUESTION_LIBRARY.en;
  it("has no closed, leading or duplicate questions and unique ids", () => {
    const flagged = all.filter((q) => !checkQuestion(q.text, "en").open).map((q) => q.text);
    expect(flagged).toEqual([]);
    const norm = (t: string) => t.toLowerCase().replace(/[^a-z ]/g, "");
    expect(new Set(all.map((q) => norm(q.text))).size).toBe(all.length);
    expect(new Set(all.map((q) => q.id)).size).toBe(all.length);
  });
  it("covers every element with at least four questions", () => {
    for (const element of ELEMENT_IDS)
      expect(all.filter((q) => q.element === element).length, element).toBeGreaterThanOrEqual(4);
  });
  it("puts questions written for the contact's role first", () => {
    const [group] = questionsFor(FRAMEWORKS.meddic, { criterion: "metrics", role: "economic_buyer" });
    expect(group?.questions[0]?.roles).toContain("economic_buyer");
    expect(
      group?.questions.some((q) => q.roles?.includes("user") && !q.roles.includes("economic_buyer")),
    ).toBe(false);
  });
});

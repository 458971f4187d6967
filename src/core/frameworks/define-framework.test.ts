import { describe, expect, it } from "vitest";
import { card, NOW } from "../../../test/qualification-fixtures.ts";
import { qualify } from "../qualification/verdict.ts";
import { defineFramework } from "./define-framework.ts";

const paths = (input: unknown): string[] => {
  const r = defineFramework(input);
  if (r.ok) throw new Error("expected errors");
  return r.error.map((i) => `${i.path}: ${i.message}`);
};

describe("defineFramework", () => {
  it("accepts a valid custom framework, fills defaults and freezes it", () => {
    const r = defineFramework({
      id: "lite",
      name: "Lite",
      criteria: [
        {
          id: "pain",
          name: "Pain",
          elements: ["need"],
          level: "opportunity",
          rule: { qualifiers: { need: { want: "failed" } } },
        },
        {
          id: "who",
          name: "Who",
          elements: ["authority", "economic_buyer"],
          level: "stakeholder",
          rule: { combine: "any", minState: "verified" },
        },
      ],
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.custom).toBe(true);
    expect(r.value.criteria[0]?.required).toBe(true);
    expect(Object.isFrozen(r.value.criteria[1])).toBe(true);
    expect(
      qualify(card({ need: "claimed", economic_buyer: "verified" }), r.value, { now: NOW }).outcome,
    ).toBe("advance");
    // only claimed: verified is required, so it stays a gap
    expect(qualify(card({ need: "claimed", authority: "claimed" }), r.value, { now: NOW }).outcome).toBe(
      "keep-qualifying",
    );
    expect(
      qualify(card({ need: { state: "claimed", qualifier: "want" } }), r.value, { now: NOW }).outcome,
    ).toBe("disqualify");
  });

  it("rejects a framework with no criteria", () => {
    expect(paths({ id: "x", name: "X", criteria: [] })).toEqual([
      "criteria: a framework needs at least one criterion",
    ]);
  });

  it("names unknown elements and bad levels by path", () => {
    const out = paths({
      id: "x",
      name: "X",
      criteria: [{ id: "a", name: "A", elements: ["pain"], level: "company" }],
    });
    expect(out.map((s) => s.split(":")[0])).toEqual(["criteria.0.elements.0", "criteria.0.level"]);
  });

  it("rejects duplicate criterion ids, unknown qualifiers, stray horizons and built-in ids", () => {
    const out = paths({
      id: "bant",
      name: "Mine",
      criteria: [
        {
          id: "a",
          name: "A",
          elements: ["budget"],
          level: "opportunity",
          rule: { qualifiers: { budget: { maybe: "met" }, need: { want: "failed" } } },
        },
        {
          id: "a",
          name: "A again",
          elements: ["need", "need"],
          level: "opportunity",
          rule: { horizonDays: 30 },
        },
      ],
    });
    expect(out).toEqual([
      'id: "bant" is the id of a built-in framework; choose another',
      'criteria.0.rule.qualifiers.budget.maybe: budget has no qualifier "maybe" (it has: allocated, capacity)',
      'criteria.0.rule.qualifiers.need: the criterion does not read "need"',
      'criteria.1.id: duplicate criterion id "a" (also criteria.0)',
      'criteria.1.elements.1: "need" is listed twice',
      "criteria.1.rule.horizonDays: a horizon only applies to a criterion that reads timeline",
    ]);
  });

  it("rejects unknown fields", () => {
    expect(
      paths({
        id: "x",
        name: "X",
        criteria: [{ id: "a", name: "A", elements: ["need"], level: "opportunity", weight: 2 }],
      }),
    ).toEqual(["criteria.0.weight: unknown field"]);
  });
});

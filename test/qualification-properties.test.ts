import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkQuestion } from "../src/core/frameworks/questions/check-question.ts";
import { listFrameworks } from "../src/core/frameworks/registry.ts";
import {
  ELEMENT_IDS,
  ELEMENT_INFO,
  type ElementId,
  EVIDENCE_STATES,
} from "../src/core/qualification/elements.ts";
import type { EvidenceRecord, Scorecard } from "../src/core/qualification/evidence.ts";
import { parseScorecard } from "../src/core/qualification/scorecard-schema.ts";
import { qualify } from "../src/core/qualification/verdict.ts";

const NOW = "2026-03-02T12:00:00.000Z";
const FRAMEWORKS = listFrameworks();

const qualifierArb = (element: ElementId): fc.Arbitrary<string | undefined> => {
  const qualifiers: readonly string[] = ELEMENT_INFO[element].qualifiers;
  return qualifiers.length > 0
    ? fc.option(fc.constantFrom(...qualifiers), { nil: undefined })
    : fc.constant(undefined);
};

const recordFor = (element: ElementId) =>
  fc
    .record({
      state: fc.constantFrom(...EVIDENCE_STATES),
      qualifier: qualifierArb(element),
      days: fc.integer({ min: -30, max: 600 }),
    })
    .map(
      ({ state, qualifier, days }): EvidenceRecord => ({
        element,
        state,
        quote: "words",
        source: "call",
        recordedBy: "prop",
        recordedAt: "2026-03-01T00:00:00.000Z",
        ...(qualifier ? { qualifier } : {}),
        ...(element === "timeline"
          ? { date: new Date(Date.parse(NOW) + days * 86_400_000).toISOString().slice(0, 10) }
          : {}),
      }),
    );

const scorecardArb: fc.Arbitrary<Scorecard> = fc
  .subarray([...ELEMENT_IDS])
  .chain((elements) => fc.tuple(...elements.map((e) => recordFor(e))))
  .map((records) => ({ evidence: Object.fromEntries(records.map((r) => [r.element, r])) }));

describe("qualification properties", () => {
  it("every valid scorecard gets a verdict from every framework, consistent with its reasons", () => {
    fc.assert(
      fc.property(scorecardArb, fc.constantFrom(...FRAMEWORKS), (card, framework) => {
        expect(parseScorecard(JSON.parse(JSON.stringify(card))).ok).toBe(true);
        const v = qualify(card, framework, { now: NOW });
        const failed = v.reasons.filter((r) => r.kind === "failed");
        if (v.outcome === "advance") expect(v.reasons).toEqual([]);
        // reasons are in level order and the first one is at the deciding level
        if (v.outcome === "disqualify")
          expect(v.failedLevel !== "stakeholder" && failed[0]?.level === v.failedLevel).toBe(true);
        if (v.outcome === "disqualify-contact") expect(v.failedLevel).toBe("stakeholder");
        if (v.outcome === "nurture")
          expect(v.reasons.some((r) => r.kind === "deferred" && r.level === v.failedLevel)).toBe(true);
        expect(v.explanation.length).toBeGreaterThan(20);
      }),
      { numRuns: 300 },
    );
  });

  it("unknown is not failed: removing a record or marking it unknown never makes the verdict harsher", () => {
    const rank = {
      advance: 0,
      "keep-qualifying": 1,
      nurture: 2,
      "disqualify-contact": 3,
      disqualify: 4,
    } as const;
    fc.assert(
      fc.property(
        scorecardArb,
        fc.constantFrom(...FRAMEWORKS),
        fc.constantFrom(...ELEMENT_IDS),
        (card, framework, element) => {
          const record = card.evidence[element];
          if (!record || record.state === "failed") return;
          const blanked: Scorecard = {
            evidence: { ...card.evidence, [element]: { ...record, state: "unknown" } },
          };
          const before = qualify(card, framework, { now: NOW });
          const after = qualify(blanked, framework, { now: NOW }).outcome;
          // a met or deferred record turning unknown can only relax a failure/deferral or open a gap
          if (before.outcome === "advance") expect(["advance", "keep-qualifying"]).toContain(after);
          else if (before.outcome === "nurture" && after === "disqualify-contact")
            // The levels are checked in order and a "not now" stops the check: lifting the deferral
            // lets it reach the stakeholder level, whose failure was there (and listed) before.
            expect(before.reasons.some((r) => r.level === "stakeholder" && r.kind === "failed")).toBe(true);
          else
            expect(rank[after]).toBeLessThanOrEqual(Math.max(rank[before.outcome], rank["keep-qualifying"]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a deferral stops the check before the stakeholder level; blanked, the contact's failure shows", () => {
    // The counterexample fast-check found (CI, 2026-11-30): the timeline is past BANT's 180-day
    // horizon (not now) and the persona is failed; with the timeline unknown, the opportunity level
    // has only a gap, the check goes on, and the contact is disqualified.
    const record = (element: ElementId, state: EvidenceRecord["state"], extra = {}): EvidenceRecord => ({
      element,
      state,
      quote: "words",
      source: "call",
      recordedBy: "prop",
      recordedAt: "2026-03-01T00:00:00.000Z",
      ...extra,
    });
    const card: Scorecard = {
      evidence: {
        persona: record("persona", "failed"),
        timeline: record("timeline", "verified", { date: "2026-08-31" }),
      },
    };
    const before = qualify(card, "bant", { now: NOW });
    expect(before.outcome).toBe("nurture");
    expect(before.failedLevel).toBe("opportunity");
    expect(before.reasons.some((r) => r.level === "stakeholder" && r.kind === "failed")).toBe(true);
    const blanked: Scorecard = {
      evidence: { ...card.evidence, timeline: record("timeline", "unknown") },
    };
    const after = qualify(blanked, "bant", { now: NOW });
    expect(after.outcome).toBe("disqualify-contact");
    expect(after.failedLevel).toBe("stakeholder");
  });

  it("the checker's suggestion for a closed question is always open", () => {
    const aux = fc.constantFrom(
      "Is",
      "Are",
      "Do",
      "Does",
      "Did",
      "Have",
      "Has",
      "Can",
      "Could",
      "Will",
      "Would",
      "Should",
    );
    const word = fc.constantFrom(
      "you",
      "your team",
      "the project",
      "there",
      "they",
      "this",
      "budget",
      "growing",
      "ready",
      "tools",
      "anyone",
      "approve",
      "time",
    );
    fc.assert(
      fc.property(aux, fc.array(word, { minLength: 1, maxLength: 6 }), (a, words) => {
        const q = `${a} ${words.join(" ")}?`;
        const r = checkQuestion(q, "en");
        expect(r.open).toBe(false);
        expect(checkQuestion(r.suggestion ?? "", "en").open, `${q} -> ${r.suggestion}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

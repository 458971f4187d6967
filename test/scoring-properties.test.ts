import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BehaviourEvent } from "../src/core/records.ts";
import {
  applyEvent,
  compileModel,
  prepareLead,
  type ScoringModel,
  startScoring,
  validateScoringModel,
} from "../src/core/scoring/index.ts";
import { demoAccount, demoContact, demoLead } from "../src/demo/records.ts";
import { capArb, DAY, decayArb, frequencyArb, NOW_MS, TYPES } from "./helpers/scoring-arbitraries.ts";

const INDUSTRIES = ["software", "retail", "fintech"] as const;

const modelArb = fc
  .record({
    fitCap: capArb,
    engCap: capArb,
    groupCaps: fc.tuple(capArb, capArb),
    decay: decayArb,
    fit: fc.array(
      fc.record({
        industry: fc.constantFrom(...INDUSTRIES),
        points: fc.integer({ min: 1, max: 40 }),
        group: fc.integer({ min: -1, max: 1 }),
      }),
      { maxLength: 6 },
    ),
    eng: fc.array(
      fc.record({
        type: fc.constantFrom(...TYPES),
        points: fc.integer({ min: 1, max: 30 }),
        frequency: frequencyArb,
        decay: fc.option(decayArb, { nil: undefined }),
        group: fc.integer({ min: -1, max: 1 }),
      }),
      { maxLength: 8 },
    ),
    neg: fc.array(
      fc.record({
        type: fc.constantFrom(...TYPES),
        points: fc.integer({ min: -30, max: -1 }),
        frequency: frequencyArb,
        decay: fc.option(decayArb, { nil: undefined }),
      }),
      { maxLength: 3 },
    ),
    thresholds: fc.array(
      fc.record({
        metric: fc.constantFrom("fit", "engagement", "total"),
        at: fc.integer({ min: -20, max: 100 }),
        below: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
  })
  .map((g): ScoringModel => {
    const groups = (side: string) =>
      g.groupCaps.map((cap, i) => ({ id: `${side}${i}`, ...(cap === undefined ? {} : { cap }) }));
    const r = validateScoringModel({
      id: "prop",
      name: "Property model",
      version: 1,
      fit: {
        ...(g.fitCap === undefined ? {} : { cap: g.fitCap }),
        groups: groups("f"),
        rules: g.fit.map((f, i) => ({
          id: `f${i}`,
          ...(f.group < 0 ? {} : { group: `f${f.group}` }),
          when: { field: "account.industry", equals: f.industry },
          points: f.points,
        })),
      },
      engagement: {
        ...(g.engCap === undefined ? {} : { cap: g.engCap }),
        decay: g.decay,
        groups: groups("e"),
        rules: g.eng.map((e, i) => ({
          id: `e${i}`,
          event: e.type,
          points: e.points,
          frequency: e.frequency,
          ...(e.decay ? { decay: e.decay } : {}),
          ...(e.group < 0 ? {} : { group: `e${e.group}` }),
        })),
      },
      negative: {
        rules: g.neg.map((n, i) => ({
          id: `n${i}`,
          event: n.type,
          points: n.points,
          frequency: n.frequency,
          ...(n.decay ? { decay: n.decay } : {}),
        })),
      },
      thresholds: g.thresholds.map((t, i) => ({
        id: `t${i}`,
        metric: t.metric,
        action: t.below ? "back_to_nurture" : "become_mql",
        ...(t.below ? { below: t.at } : { atLeast: t.at }),
      })),
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.value;
  });

const eventsArb = fc
  .array(
    fc.record({ type: fc.constantFrom(...TYPES), ageMs: fc.integer({ min: -5 * DAY, max: 200 * DAY }) }),
    { maxLength: 25 },
  )
  .map((list) =>
    list.map(
      (e, i): BehaviourEvent => ({
        id: `e${i}`,
        leadId: "lead-1",
        type: e.type,
        occurredAt: new Date(NOW_MS - e.ageMs).toISOString(),
        properties: {},
      }),
    ),
  );

const input = (industry: string, events: readonly BehaviourEvent[]) => ({
  account: demoAccount({ industry }),
  contact: demoContact(),
  lead: demoLead(),
  events,
});

describe("scoring properties", () => {
  it("the explanation adds up exactly to fit, engagement and total", () => {
    fc.assert(
      fc.property(modelArb, eventsArb, fc.constantFrom(...INDUSTRIES), (model, events, industry) => {
        const r = compileModel(model).score(input(industry, events), NOW_MS);
        const sum = (side?: string) =>
          r.explanation.filter((e) => !side || e.side === side).reduce((s, e) => s + e.counted, 0);
        expect(sum("fit")).toBe(r.fit);
        expect(sum("engagement")).toBe(r.engagement);
        expect(sum()).toBe(r.total);
        for (const e of r.explanation) {
          expect(Number.isInteger(e.counted)).toBe(true);
          expect(e.capped).toBe(e.counted !== e.decayedTo);
          if (e.kind !== "negative") expect(e.counted).toBeLessThanOrEqual(e.decayedTo);
        }
        if (model.fit.cap !== undefined)
          expect(
            sum("fit") -
              r.explanation
                .filter((e) => e.side === "fit" && e.kind === "negative")
                .reduce((s, e) => s + e.counted, 0),
          ).toBeLessThanOrEqual(model.fit.cap);
      }),
      { numRuns: 300 },
    );
  });

  it("the hot path gives the same numbers as the explained path", () => {
    fc.assert(
      fc.property(modelArb, eventsArb, fc.constantFrom(...INDUSTRIES), (model, events, industry) => {
        const scorer = compileModel(model);
        const full = scorer.score(input(industry, events), NOW_MS);
        const out = scorer.scoreInto(prepareLead(input(industry, events)), NOW_MS, {
          fit: 0,
          engagement: 0,
          total: 0,
          grade: "D4",
        });
        expect(out).toEqual({
          fit: full.fit,
          engagement: full.engagement,
          total: full.total,
          grade: full.grade,
        });
      }),
      { numRuns: 150 },
    );
  });

  it("applying events one at a time equals a full rescore from the ledger, crossings included", () => {
    fc.assert(
      fc.property(modelArb, eventsArb, fc.constantFrom(...INDUSTRIES), (model, events, industry) => {
        const scorer = compileModel(model);
        // Events arrive in time order; each is scored at its own instant (the ledger grows).
        const arrivals = [...events].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
        const t0 = arrivals.length > 0 ? Date.parse(arrivals[0]!.occurredAt) - DAY : NOW_MS;
        let { state } = startScoring(scorer, input(industry, []), t0);
        let prev = scorer.score(input(industry, []), t0);
        for (let i = 0; i < arrivals.length; i++) {
          const at = Date.parse(arrivals[i]!.occurredAt);
          const step = applyEvent(state, arrivals[i]!, at);
          state = step.state;
          const full = scorer.score(input(industry, arrivals.slice(0, i + 1)), at);
          expect(step.state.score).toEqual(full);
          expect(step.crossings).toEqual(scorer.crossings(prev, full));
          prev = full;
        }
        // Out of order arrival (late events) still converges on the full rescore.
        let late = startScoring(scorer, input(industry, []), NOW_MS).state;
        for (const e of [...events].reverse()) late = applyEvent(late, e, NOW_MS).state;
        expect(late.score).toEqual(scorer.score(input(industry, events), NOW_MS));
      }),
      { numRuns: 150 },
    );
  });
});

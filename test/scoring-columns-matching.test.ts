import { describe, expect, it } from "vitest";
import type { BehaviourEvent } from "../src/core/records.ts";
import {
  compileModel,
  newBatchScores,
  prepareLead,
  type ScoreInput,
  type ScoringBatch,
  validateScoringModel,
} from "../src/core/scoring/index.ts";
import { demoAccount, demoContact, demoLead } from "../src/demo/records.ts";
import { DAY, NOW_MS } from "./helpers/scoring-arbitraries.ts";

// Event matching from columns (columns.ts, matchEvents) writes every rule of an event's type and
// keeps the ones whose `where` table says so, into arrays sized by a guess and grown when a lead
// might not fit. These check the laid-out matches themselves (not only the scores) against
// prepareBatch, where the guess is far too small, on a spent batch, and with no `where` at all.

function scorerOf(withWhere: boolean) {
  const model = validateScoringModel({
    id: "many",
    name: "Many rules per event",
    version: 1,
    fit: { rules: [{ id: "f", when: { field: "account.industry", equals: "software" }, points: 5 }] },
    engagement: {
      rules: [
        { id: "a", event: "page_view", points: 1, frequency: { max: 3, perDays: 7 } },
        { id: "b", event: "page_view", points: 2, frequency: "repeatable" },
        {
          id: "c",
          event: "page_view",
          ...(withWhere ? { where: { field: "properties.path", pattern: "^/p" } } : {}),
          points: 4,
          frequency: { max: 1, perDays: 2 },
          decay: { mode: "half_life", days: 9 },
        },
        {
          id: "d",
          event: ["demo_request", "page_view"],
          ...(withWhere ? { where: { not: { field: "properties.path", equals: "/careers" } } } : {}),
          points: 30,
          frequency: "once",
        },
      ],
    },
    negative: { rules: [{ id: "n", event: "email_bounced", points: -10 }] },
  });
  if (!model.ok) throw new Error(JSON.stringify(model));
  return compileModel(model.value);
}

const PATHS = ["/pricing", "/careers", "/p", undefined, "/docs"];
const TYPES = ["page_view", "demo_request", "email_bounced", "other"];

/** Lead k with `n` events, some out of time order and some at the same instant. */
function leadWith(k: number, n: number): ScoreInput {
  const events: BehaviourEvent[] = [];
  for (let e = 0; e < n; e++) {
    const path = PATHS[(e * 7 + k) % PATHS.length];
    events.push({
      id: `l${k}e${e}`,
      leadId: `l${k}`,
      type: TYPES[(e * 5 + k) % 7 < 5 ? 0 : (e + k) % TYPES.length]!,
      // Reversed for odd leads, pairs of equal instants.
      occurredAt: new Date(NOW_MS - ((k % 2 === 1 ? e : n - e) >> 1) * 0.37 * DAY).toISOString(),
      properties: path === undefined ? {} : { path },
    });
  }
  return {
    account: demoAccount({ industry: k % 3 === 0 ? "software" : "retail" }),
    contact: demoContact({}),
    lead: demoLead({}),
    events,
  };
}

function expectSameMatches(got: ScoringBatch, want: ScoringBatch): void {
  expect(got.size).toBe(want.size);
  expect([...got.fit]).toEqual([...want.fit]);
  expect([...got.matchStart.subarray(0, got.size + 1)]).toEqual([...want.matchStart]);
  expect([...got.matchAt]).toEqual([...want.matchAt]);
  expect([...got.matchRule]).toEqual([...want.matchRule]);
  expect([...got.matchPeriod]).toEqual([...want.matchPeriod]);
}

describe("event matching from columns", () => {
  for (const withWhere of [true, false]) {
    it(`lays out prepareBatch's matches exactly, growing as needed (${withWhere ? "with" : "no"} where)`, () => {
      const scorer = scorerOf(withWhere);
      expect(scorer.columnLayout.fallbackReason).toBeNull();
      // Small leads, then one with 400 events (4 rules each for most of them: far past the guess
      // of about 1.25 matches per event), then small ones again.
      const inputs = [
        ...Array.from({ length: 5 }, (_, k) => leadWith(k, 3)),
        leadWith(5, 400),
        ...Array.from({ length: 5 }, (_, k) => leadWith(k + 6, 9)),
      ];
      const want = scorer.prepareBatch(inputs.map((x) => prepareLead(x)));
      expect(want.matchAt.length).toBeGreaterThan(1.5 * 400);
      const columns = scorer.columnsFromInputs(inputs);
      const fresh = scorer.prepareBatchFromColumns(columns);
      expectSameMatches(fresh, want);
      // Over a spent batch too small (grown from it) and one large enough (written over).
      const small = scorer.prepareBatchFromColumns(scorer.columnsFromInputs(inputs.slice(0, 2)));
      expectSameMatches(scorer.prepareBatchFromColumns(columns, small), want);
      const large = scorer.prepareBatchFromColumns(scorer.columnsFromInputs([...inputs, ...inputs]));
      const over = scorer.prepareBatchFromColumns(columns, large);
      expectSameMatches(over, want);
      // And the same scores as the per-lead path.
      const out = scorer.scoreBatch(over, NOW_MS, newBatchScores(inputs.length));
      inputs.forEach((input, i) => {
        const one = scorer.score(input, NOW_MS);
        expect([out.fit[i], out.engagement[i], out.total[i]]).toEqual([one.fit, one.engagement, one.total]);
      });
    });
  }
});

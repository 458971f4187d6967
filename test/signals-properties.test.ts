import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readSignals } from "../src/core/signals/index.ts";

// Properties over arbitrary text made of realistic fragments: spans always quote the text exactly,
// reading is deterministic, and nothing throws.

const fragments = [
  "We have 40 agents",
  " growing to 80",
  "Budget is approved at $30k.",
  "No budget this year.",
  "Proposal due 3 June",
  ", decision on 7 June.",
  "\nRep: What is the main problem?\nBuyer: ",
  "Slow.",
  "They use Zendesk today",
  "first a pilot, then a rollout",
  "It's not my call; the CFO signs.",
  "double revenue in a week",
  "  ",
  "café ünïcödé 漢字 😀",
  "we need scheduling, reporting and alerts",
  "...",
];

const textArb = fc
  .array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 12 })), {
    minLength: 1,
    maxLength: 12,
  })
  .map((parts) => parts.join(" "))
  .filter((t) => t.trim().length > 0);

describe("readSignals properties", () => {
  it("every span is the exact slice of the text, and two runs agree", () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const a = readSignals(text, { date: "2026-05-20" });
        const spans = [
          ...a.evidence.map((e) => e.span),
          ...a.goodSigns.flatMap((g) => [g.span, ...(g.related ?? [])]),
          ...a.redFlags.flatMap((f) => [f.span, ...(f.related ?? [])]),
        ];
        for (const s of spans) expect(text.slice(s.start, s.end)).toBe(s.text);
        expect(readSignals(text, { date: "2026-05-20" })).toEqual(a);
      }),
      { numRuns: 40, seed: 7 },
    );
  });
});

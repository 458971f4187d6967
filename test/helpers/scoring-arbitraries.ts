import fc from "fast-check";

/** The instant the scoring property tests score at, and a day in ms. */
export const NOW_MS = Date.parse("2026-03-01T00:00:00.000Z");
export const DAY = 86_400_000;
/** Event types the random models and ledgers draw from. */
export const TYPES = ["page_view", "pricing_page_view", "demo_request", "email_bounced"] as const;

/** Any engagement decay the model schema allows. */
export const decayArb = fc.oneof(
  fc.constant({ mode: "none" }),
  fc.integer({ min: 1, max: 90 }).map((days) => ({ mode: "half_life", days })),
  fc
    .record({ percent: fc.integer({ min: 1, max: 100 }), everyDays: fc.integer({ min: 1, max: 30 }) })
    .map((r) => ({ mode: "linear", ...r })),
  fc.integer({ min: 1, max: 120 }).map((days) => ({ mode: "window", days })),
);
/** A rule's frequency: once, repeatable, or at most N per period. */
export const frequencyArb = fc.oneof(
  fc.constant("once"),
  fc.constant("repeatable"),
  fc.record({ max: fc.integer({ min: 1, max: 3 }), perDays: fc.integer({ min: 1, max: 14 }) }),
);
/** An optional cap (group or total). */
export const capArb = fc.option(fc.integer({ min: 1, max: 80 }), { nil: undefined });

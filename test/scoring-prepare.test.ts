import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalInstantMs, instantMs } from "../src/core/scoring/prepare.ts";

// Years 0000-9999: the instants toISOString writes with four year digits.
const msArb = fc.integer({
  min: Date.parse("0000-01-01T00:00:00.000Z"),
  max: Date.parse("9999-12-31T23:59:59.999Z"),
});
const forms = (iso: string) => [
  iso,
  iso.replace(/\.\d{3}Z$/, "Z"),
  iso.replace(/Z$/, "+00:00"),
  `${iso.slice(0, 19)}+00:00`,
];

describe("instants", () => {
  it("reads the canonical shapes digit by digit exactly as Date.parse does", () => {
    fc.assert(
      fc.property(msArb, (ms) => {
        const iso = new Date(ms).toISOString();
        if (iso.length !== 24) return;
        for (const s of forms(iso)) {
          expect(canonicalInstantMs(s)).toBe(Date.parse(s));
          expect(instantMs(s)).toBe(Date.parse(s));
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("answers NaN or Date.parse's answer on any near miss, and instantMs still equals Date.parse", () => {
    const chars = "0123456789-:.TZ+ x";
    fc.assert(
      fc.property(msArb, fc.nat(28), fc.constantFrom(...chars), (ms, at, c) => {
        const iso = new Date(ms).toISOString();
        const s = iso.slice(0, at) + c + iso.slice(at + 1);
        const fast = canonicalInstantMs(s);
        const want = Date.parse(s);
        if (!Number.isNaN(fast)) expect(fast).toBe(want);
        if (Number.isNaN(want)) expect(() => instantMs(s)).toThrow(/not an ISO-8601 instant/);
        else expect(instantMs(s)).toBe(want);
      }),
      { numRuns: 5000 },
    );
  });

  it("leaves days past the month's end, hour 24 and other zones to Date.parse", () => {
    for (const s of [
      "2026-02-29T00:00:00Z",
      "2026-02-30T00:00:00Z",
      "2026-04-31T00:00:00.000Z",
      "2026-01-01T24:00:00Z",
      "2026-01-01T10:00:00+01:00",
      "2026-01-01T10:00:00.5Z",
    ])
      expect(canonicalInstantMs(s)).toBeNaN();
    expect(canonicalInstantMs("2024-02-29T23:59:59.999Z")).toBe(Date.parse("2024-02-29T23:59:59.999Z"));
    expect(instantMs("2026-01-01T10:00:00+01:00")).toBe(Date.UTC(2026, 0, 1, 9));
    expect(() => instantMs("2026-13-01T00:00:00Z")).toThrow(/not an ISO-8601 instant/);
  });
});

import { describe, expect, it } from "vitest";
import { orderedId } from "../src/storage/ordered-ids.ts";

describe("orderedId", () => {
  it("gives distinct UUID v7 ids that increase as text, even many within one millisecond", () => {
    const ids = Array.from({ length: 20_000 }, () => orderedId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (let i = 1; i < ids.length; i++) expect((ids[i] as string) > (ids[i - 1] as string)).toBe(true);
    // The first 48 bits are the time in milliseconds (never behind the clock by more than the counter's spill).
    const ms = Number.parseInt((ids[0] as string).replace("-", "").slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(60_000);
  });
});

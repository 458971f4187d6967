import { describe, expect, it } from "vitest";
import { Mulberry32 } from "../src/core/model/random.ts";
import { partition } from "../src/core/model/tree.ts";

describe("the row partition of a split", () => {
  it("is stable and leaves the rows outside the range alone, for every range length", () => {
    const rand = new Mulberry32(9);
    const n = 64;
    const nb = 7;
    const bins = Uint16Array.from({ length: 3 * n }, () => Math.floor(rand.next() * nb));
    for (let len = 0; len <= 23; len++) {
      for (const start of [0, 1, 5]) {
        const rows = Int32Array.from({ length: n }, (_, i) => (i * 37) % n);
        const before = Array.from(rows);
        const lut = Uint8Array.from({ length: nb }, () => (rand.next() < 0.5 ? 1 : 0));
        const base = n * Math.floor(rand.next() * 3);
        const range = before.slice(start, start + len);
        const left = range.filter((i) => lut[bins[base + i]!] === 1);
        const right = range.filter((i) => lut[bins[base + i]!] === 0);
        const mid = partition(rows, new Int32Array(n), bins, base, lut, start, start + len);
        expect(mid).toBe(start + left.length);
        expect(Array.from(rows)).toEqual([
          ...before.slice(0, start),
          ...left,
          ...right,
          ...before.slice(start + len),
        ]);
      }
    }
  });
});

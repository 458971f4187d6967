import { describe, expect, it } from "vitest";
import { fitPlatt } from "../src/core/model/calibration.ts";
import { Mulberry32 } from "../src/core/model/random.ts";

/** Gradient of Platt's smoothed cross-entropy at (a, b), summed over the rows, written out plainly. */
function plattGradient(margin: Float64Array, label: Uint8Array, a: number, b: number): [number, number] {
  let pos = 0;
  for (const y of label) pos += y;
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (label.length - pos + 2);
  let ga = 0;
  let gb = 0;
  for (let i = 0; i < label.length; i++) {
    const p = 1 / (1 + Math.exp(-(a * margin[i]! + b)));
    const d = p - (label[i] ? hi : lo);
    ga += d * margin[i]!;
    gb += d;
  }
  return [ga, gb];
}

describe("Platt scaling", () => {
  it("stops at the optimum of the smoothed loss, from far-off and badly scaled margins", () => {
    const rand = new Mulberry32(3);
    for (const scale of [0.05, 1, 8]) {
      const n = 6000;
      const margin = new Float64Array(n);
      const label = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const z = (rand.next() - 0.7) * 6;
        margin[i] = z * scale;
        label[i] = rand.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
      }
      const cal = fitPlatt(margin, label);
      // The true slope is 1 / scale and the intercept 0 (up to sampling noise).
      expect(cal.a * scale).toBeGreaterThan(0.8);
      expect(cal.a * scale).toBeLessThan(1.2);
      const [ga, gb] = plattGradient(margin, label, cal.a, cal.b);
      // A stationary point: the summed gradient is ~0 (each row's term is up to 1 · |margin|).
      expect(Math.abs(ga)).toBeLessThan(1e-8 * n * scale);
      expect(Math.abs(gb)).toBeLessThan(1e-8 * n);
    }
  });
});

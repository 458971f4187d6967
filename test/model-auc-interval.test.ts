import { describe, expect, it } from "vitest";
import { auc, aucInterval } from "../src/core/model/metrics.ts";

const labels = (pos: number, neg: number) =>
  Uint8Array.from([...Array.from({ length: pos }, () => 1), ...Array.from({ length: neg }, () => 0)]);

describe("the AUC's 95% confidence interval (Hanley & McNeil)", () => {
  it("matches the hand-computed band: AUC 0.8 on 50 positives and 50 negatives", () => {
    // Q1 = 0.8 / 1.2, Q2 = 2 * 0.64 / 1.8; var = (0.16 + 49 (Q1 - 0.64) + 49 (Q2 - 0.64)) / 2500
    // = 0.0019804; SE = 0.044502; 1.96 SE = 0.087222.
    const band = aucInterval(labels(50, 50), 0.8);
    expect(band.low).toBeCloseTo(0.712778, 5);
    expect(band.high).toBeCloseTo(0.887222, 5);
  });

  it("narrows as the sample grows, stays within [0, 1], and says nothing with one class", () => {
    const small = aucInterval(labels(10, 21), 0.55);
    const large = aucInterval(labels(1000, 2100), 0.55);
    expect(small.high - small.low).toBeGreaterThan(0.35);
    expect(large.high - large.low).toBeLessThan(0.05);
    expect(small.low).toBeLessThan(0.5); // 0.55 on 31 rows could be a coin toss
    expect(aucInterval(labels(40, 40), 0.99)).toMatchObject({ high: 1 });
    expect(aucInterval(labels(40, 40), 0.01)).toMatchObject({ low: 0 });
    expect(aucInterval(labels(5, 0), 0.7)).toEqual({ low: 0, high: 1 });
  });

  it("covers the true AUC about 95% of the time on samples from a known model", () => {
    // Scores: positives ~ N(1, 1), negatives ~ N(0, 1): true AUC = Phi(1 / sqrt 2) = 0.76025.
    let seed = 7;
    const uniform = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return (seed + 0.5) / 2147483648;
    };
    const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    let covered = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const label = labels(30, 60);
      const score = Float64Array.from(label, (l) => normal() + (l ? 1 : 0));
      const band = aucInterval(label, auc(label, score));
      if (band.low <= 0.76025 && 0.76025 <= band.high) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.9);
    expect(covered / trials).toBeLessThan(0.99);
  });
});

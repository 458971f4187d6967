import { describe, expect, it } from "vitest";
import { applyPlatt, fitPlatt } from "../src/core/model/calibration.ts";
import { chooseBlend } from "../src/core/model/default-learner.ts";
import { logLoss } from "../src/core/model/metrics.ts";
import { seededRandom } from "../src/core/model/random.ts";

describe("the default's blend choice", () => {
  it("picks the weight with the smallest held-out log loss, computed as logLoss of the calibrated probabilities", () => {
    for (const seed of [1, 2, 3]) {
      const rand = seededRandom(seed);
      const n = 900;
      const label = new Uint8Array(n);
      const lr = new Float64Array(n);
      const gb = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const signal = rand() * 4 - 2;
        label[i] = rand() < 1 / (1 + Math.exp(-signal)) ? 1 : 0;
        // Two noisy views of the signal, the trees' sharper for some seeds; extreme margins (clipped).
        lr[i] = signal * 0.7 + (rand() - 0.5) * (seed === 2 ? 0.5 : 3);
        gb[i] = signal * 1.3 + (rand() - 0.5) * 1.5;
      }
      gb[7] = 40;
      gb[8] = -40;
      lr[9] = -60;
      lr[10] = 60;
      // The plain definition: each candidate's blend, Platt fit and logLoss over an array of probabilities.
      let want = { weight: 0, loss: Number.POSITIVE_INFINITY, a: 1, b: 0 };
      for (let k = 0; k <= 10; k++) {
        const w = k / 10;
        const m = lr.map((z, i) => (1 - w) * z + w * gb[i]!);
        const cal = fitPlatt(m, label);
        const loss = logLoss(
          label,
          m.map((z) => applyPlatt(cal, z)),
        );
        if (loss < want.loss - 1e-9) want = { weight: w, loss, a: cal.a, b: cal.b };
      }
      const got = chooseBlend(lr, gb, label);
      expect(got.weight).toBe(want.weight);
      expect(Object.is(got.loss, want.loss)).toBe(true);
      expect(got.calibration.a).toBe(want.a);
      expect(got.calibration.b).toBe(want.b);
    }
  });
});

/** An open lead or deal with its calibrated probability, expected close period and value. */
export type ForecastItem = { readonly period: string; readonly probability: number; readonly value?: number };

/** Expected wins and value of one period, with an approximate 80% range of the win count. */
export type PeriodForecast = {
  readonly period: string;
  readonly open: number;
  readonly expectedWins: number;
  readonly expectedValue: number;
  readonly winsLow: number;
  readonly winsHigh: number;
};

/**
 * Expected wins and value per period from calibrated probabilities (sum of p and of p × value; the
 * range uses the variance Σ p(1 - p) of independent outcomes).
 *
 * @example
 * forecast([{ period: "2026-03", probability: 0.4, value: 1000 }]);
 * // [{ period: "2026-03", open: 1, expectedWins: 0.4, expectedValue: 400, winsLow: 0, winsHigh: 1 }]
 */
export function forecast(items: readonly ForecastItem[]): PeriodForecast[] {
  const by = new Map<string, { open: number; wins: number; value: number; variance: number }>();
  for (const it of items) {
    const p = Math.min(1, Math.max(0, it.probability));
    const s = by.get(it.period) ?? { open: 0, wins: 0, value: 0, variance: 0 };
    s.open++;
    s.wins += p;
    s.value += p * (it.value ?? 0);
    s.variance += p * (1 - p);
    by.set(it.period, s);
  }
  return [...by]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([period, s]) => {
      const half = 1.2816 * Math.sqrt(s.variance);
      return {
        period,
        open: s.open,
        expectedWins: s.wins,
        expectedValue: s.value,
        winsLow: Math.max(0, Math.floor(s.wins - half)),
        winsHigh: Math.min(s.open, Math.ceil(s.wins + half)),
      };
    });
}

/** A forecast item whose outcome is now known. */
export type ClosedForecastItem = ForecastItem & { readonly won: boolean };

/** How a period's forecast compared with what closed. */
export type ForecastAccuracy = {
  readonly period: string;
  readonly closed: number;
  readonly predictedWins: number;
  readonly actualWins: number;
  /** Mean squared error of the probabilities against the outcomes (0 = perfect). */
  readonly brier: number;
};

/**
 * Forecast accuracy per period (Brier score over time), and overall as period "all".
 *
 * @example
 * forecastAccuracy([{ period: "2026-03", probability: 0.8, won: true }]); // brier 0.04 for 2026-03 and all
 */
export function forecastAccuracy(items: readonly ClosedForecastItem[]): ForecastAccuracy[] {
  const by = new Map<string, { closed: number; predicted: number; actual: number; sq: number }>();
  const add = (key: string, p: number, y: number) => {
    const s = by.get(key) ?? { closed: 0, predicted: 0, actual: 0, sq: 0 };
    s.closed++;
    s.predicted += p;
    s.actual += y;
    s.sq += (p - y) ** 2;
    by.set(key, s);
  };
  for (const it of items) {
    const p = Math.min(1, Math.max(0, it.probability));
    add(it.period, p, it.won ? 1 : 0);
    add("all", p, it.won ? 1 : 0);
  }
  return [...by]
    .sort(([a], [b]) => (a === "all" ? 1 : b === "all" ? -1 : a.localeCompare(b)))
    .map(([period, s]) => ({
      period,
      closed: s.closed,
      predictedWins: s.predicted,
      actualWins: s.actual,
      brier: s.sq / s.closed,
    }));
}

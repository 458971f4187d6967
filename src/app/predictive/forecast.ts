import {
  type ClosedForecastItem,
  type ForecastAccuracy,
  type ForecastItem,
  forecast,
  forecastAccuracy,
  type PeriodForecast,
} from "../../core/model/forecast.ts";
import type { Instant } from "../../core/records.ts";
import type { Storage } from "../../storage/ports.ts";
import type { LeadPrediction } from "../../storage/predictive-repo.ts";
import { predictiveRepo } from "./repo.ts";

const DAY_MS = 86_400_000;
const month = (at: number) => new Date(at).toISOString().slice(0, 7);

export type ForecastView =
  | {
      readonly ready: true;
      readonly modelId: string;
      readonly modelVersion: number;
      /** Expected wins and value per month from the open leads' calibrated probabilities. */
      readonly periods: readonly PeriodForecast[];
      /** How earlier predictions did against what closed since (Brier per close month, and "all"). */
      readonly accuracy: readonly ForecastAccuracy[];
      readonly assumptions: {
        readonly medianCycleDays: number | null;
        readonly meanWonValue: number | null;
      };
    }
  | { readonly ready: false; readonly reason: string };

/**
 * The forecast of the active model (of a `deals` model: open leads with an open deal): each open lead is expected to close in the month of its open
 * deal's close date, or (without one) `medianCycleDays` after it was created (not before this
 * month); its value is the open deal's amount, else the mean won amount. Accuracy compares each
 * closed lead's last prediction made before it closed with its outcome.
 *
 * @example
 * const f = await predictiveForecast(storage, now);
 * if (f.ready) f.periods[0]; // { period: "2026-04", open: 120, expectedWins: 9.4, expectedValue: 230000, ... }
 */
export async function predictiveForecast(storage: Storage, now: Instant): Promise<ForecastView> {
  const repo = predictiveRepo(storage);
  const model = await repo.activeModel();
  if (!model) return { ready: false, reason: "No predictive model has been trained yet." };
  const cycle =
    typeof model.metrics["medianCycleDays"] === "number" ? model.metrics["medianCycleDays"] : null;
  const wonValue = typeof model.metrics["meanWonValue"] === "number" ? model.metrics["meanWonValue"] : null;
  const nowMs = Date.parse(now);
  const [open, predictions, closed] = await Promise.all([
    repo.leadFacts("open", now),
    repo.listPredictions(model.id),
    repo.leadFacts("closed-leads", now),
  ]);
  const p = new Map(predictions.map((x) => [x.leadId, x.probability]));
  // A model of deals says how likely an opportunity is won: only leads with an open deal count.
  const dealsOnly = model.metrics["population"] === "deals";
  const items: ForecastItem[] = [];
  for (const f of open) {
    const prob = p.get(f.leadId);
    if (prob === undefined || (dealsOnly && f.dealCreatedAt === null)) continue;
    const expected = f.dealCloseDate;
    const at = expected !== null ? Date.parse(expected) : Date.parse(f.createdAt) + (cycle ?? 0) * DAY_MS;
    items.push({
      period: month(Math.max(at, nowMs)),
      probability: prob,
      ...(f.dealAmount !== null ? { value: f.dealAmount } : wonValue !== null ? { value: wonValue } : {}),
    });
  }
  const all = await repo.predictionsForLeads(closed.map((f) => f.leadId));
  const last = new Map<string, LeadPrediction>();
  const closedAt = new Map(closed.map((f) => [f.leadId, f.closedAt]));
  for (const x of all) {
    const c = closedAt.get(x.leadId);
    if (c && Date.parse(x.computedAt) <= Date.parse(c)) last.set(x.leadId, x);
  }
  const done: ClosedForecastItem[] = closed
    .filter((f) => last.has(f.leadId) && f.closedAt !== null)
    .map((f) => ({
      period: month(Date.parse(f.closedAt!)),
      probability: last.get(f.leadId)!.probability,
      won: f.outcome === "won",
    }));
  return {
    ready: true,
    modelId: model.id,
    modelVersion: model.version,
    periods: forecast(items),
    accuracy: forecastAccuracy(done),
    assumptions: { medianCycleDays: cycle, meanWonValue: wonValue },
  };
}

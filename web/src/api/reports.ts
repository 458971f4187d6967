import { type Api, ApiError } from "./client.ts";

export type Period = { readonly from: string; readonly to: string };
export type Funnel = {
  readonly period: Period;
  readonly steps: readonly { stage: string; entered: number }[];
  readonly conversions: readonly { from: string; to: string; count: number; rate: number | null }[];
};
export type TimeInStage = { stage: string; exits: number; meanHours: number; medianHours: number };
export type ReasonCount = { reason: string; count: number };
export type Breach = {
  id: number;
  leadId: string;
  sla: string;
  ownerId: string | null;
  dueAt: string;
  overdueSeconds: number;
};
/** Score histogram per outcome: `bins` are lower bounds; `series[outcome][i]` counts leads in bin i. */
export type ScoreDistribution = {
  readonly bins: readonly number[];
  readonly series: Readonly<Record<string, readonly number[]>>;
};

export type Dashboard = {
  readonly funnel: Funnel;
  readonly timeInStage: readonly TimeInStage[];
  readonly reasons: readonly ReasonCount[];
  readonly breaches: readonly Breach[];
  /** Null when this server does not offer the report. */
  readonly scores: ScoreDistribution | null;
};

async function optional<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && e.missingRoute) return null;
    throw e;
  }
}

/** Everything the manager dashboard shows for one period, fetched in parallel. */
export async function loadDashboard(api: Api, period: Period): Promise<Dashboard> {
  const [funnel, time, reasons, breaches, scores] = await Promise.all([
    api.get<Funnel>("/v1/reports/funnel", period),
    api.get<{ data: TimeInStage[] }>("/v1/reports/time-in-stage", period),
    api.get<{ data: ReasonCount[] }>("/v1/reports/rejection-reasons", period),
    api.get<{ data: Breach[] }>("/v1/reports/sla-breaches", { ...period, limit: 1000 }),
    optional(api.get<ScoreDistribution>("/v1/reports/score-distribution", period)),
  ]);
  return { funnel, timeInStage: time.data, reasons: reasons.data, breaches: breaches.data, scores };
}

import type { BacktestResult } from "../../../src/core/scoring/backtest.ts";
import { type Api, ApiError } from "./client.ts";

export type ModelVersion = {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly status: "draft" | "published";
  readonly isDefault: boolean;
  readonly document: unknown;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly publishedAt: string | null;
};

export async function listModels(api: Api): Promise<ModelVersion[]> {
  return (await api.get<{ data: ModelVersion[] }>("/v1/scoring-models")).data;
}

export async function saveDraft(api: Api, yaml: string): Promise<ModelVersion> {
  return api.post<ModelVersion>("/v1/scoring-models", { yaml });
}

/**
 * Replays stored history under a saved model, compared with the published default:
 * `POST /v1/scoring-models/:id/backtest { from, to }` answering core's BacktestResult. Null when the
 * server does not offer the route (the console then says how to backtest from the CLI).
 */
export async function runBacktest(
  api: Api,
  id: string,
  period: { from: string; to: string },
): Promise<BacktestResult | null> {
  try {
    return await api.post<BacktestResult>(`/v1/scoring-models/${encodeURIComponent(id)}/backtest`, period);
  } catch (e) {
    if (e instanceof ApiError && e.missingRoute) return null;
    throw e;
  }
}

export async function publish(api: Api, id: string, makeDefault: boolean): Promise<ModelVersion> {
  const published = await api.post<ModelVersion>(`/v1/scoring-models/${encodeURIComponent(id)}/publish`);
  return makeDefault
    ? api.post<ModelVersion>(`/v1/scoring-models/${encodeURIComponent(id)}/default`)
    : published;
}

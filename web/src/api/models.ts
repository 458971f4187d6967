import type { BacktestResult } from "../../../src/core/scoring/backtest.ts";
import type { Api } from "./client.ts";

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

/** Replays history under a saved model (and the published default, for comparison). */
export async function runBacktest(
  api: Api,
  id: string,
  period: { from: string; to: string },
): Promise<BacktestResult> {
  return api.post<BacktestResult>(`/v1/scoring-models/${encodeURIComponent(id)}/backtest`, period);
}

export async function publish(api: Api, id: string, makeDefault: boolean): Promise<ModelVersion> {
  const published = await api.post<ModelVersion>(`/v1/scoring-models/${encodeURIComponent(id)}/publish`);
  return makeDefault
    ? api.post<ModelVersion>(`/v1/scoring-models/${encodeURIComponent(id)}/default`)
    : published;
}

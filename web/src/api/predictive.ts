import type { ForecastAccuracy, PeriodForecast } from "../../../src/core/model/forecast.ts";
import type { Segment } from "../../../src/core/model/icp.ts";
import type { LiftDecile, ReliabilityBin } from "../../../src/core/model/reliability.ts";
import { type Api, ApiError } from "./client.ts";

/** Who a model learns from: every decided lead, or only leads whose deal closed. */
export type Population = "leads" | "deals";

/** What a training run measured (stored with the model; see src/app/predictive/train.ts). */
export type ModelMetrics = {
  readonly population?: Population;
  readonly rows?: number;
  readonly won?: number;
  readonly lost?: number;
  readonly heldOut?: {
    readonly rows: number;
    readonly auc: number;
    /** 95% confidence interval of the AUC (absent on models trained before it was stored). */
    readonly aucLow?: number;
    readonly aucHigh?: number;
    readonly logloss: number;
    readonly brier: number;
  };
  readonly reliability?: readonly ReliabilityBin[];
  readonly liftByDecile?: readonly LiftDecile[];
  readonly importance?: readonly { readonly feature: string; readonly importance: number }[];
  readonly medianCycleDays?: number | null;
  readonly meanWonValue?: number | null;
};

export type TrainedModel = {
  readonly id: string;
  readonly version: number;
  readonly learner: string;
  readonly status: "active" | "retired";
  readonly metrics: ModelMetrics;
  readonly trainedAt: string;
  readonly trainedBy: string;
};

export type Forecast = {
  readonly modelId: string;
  readonly modelVersion: number;
  readonly periods: readonly PeriodForecast[];
  readonly accuracy: readonly ForecastAccuracy[];
  readonly assumptions: { readonly medianCycleDays: number | null; readonly meanWonValue: number | null };
};

export type RuleView = { readonly id: string; readonly points: number; readonly when: unknown };
export type IcpSegment = Segment & { readonly id: string; readonly scoringRule: RuleView };
export type SuggestedRule = {
  readonly attribute: string;
  readonly operator: "eq" | "between" | "missing";
  readonly value: unknown;
  readonly points: number;
  readonly scoringRule: RuleView;
};
export type Icp = {
  readonly rows: number;
  readonly baseRate: number;
  readonly byLift: readonly IcpSegment[];
  readonly bySupport: readonly IcpSegment[];
  readonly profile: readonly IcpSegment[];
  readonly rules: readonly SuggestedRule[];
};

/** Not enough won or lost examples yet: the server's reason (it names the counts). */
export type NotReady = { readonly notReady: true; readonly reason: string };

function notReady(e: unknown): NotReady | null {
  if (!(e instanceof ApiError) || e.code !== "WINNOW_ERR_MODEL_DATA") return null;
  return { notReady: true, reason: e.message };
}

export async function listTrainedModels(api: Api): Promise<TrainedModel[]> {
  return (await api.get<{ data: TrainedModel[] }>("/v1/predictive/models", { limit: 20 })).data;
}

/** `POST /v1/predictive/train`: trains, stores the model as active and scores the open leads. */
export async function trainModel(
  api: Api,
  population: Population,
): Promise<{ model: TrainedModel; scored: number } | NotReady> {
  try {
    return await api.post<{ model: TrainedModel; scored: number }>("/v1/predictive/train", { population });
  } catch (e) {
    const nr = notReady(e);
    if (nr) return nr;
    throw e;
  }
}

/** The active model's forecast; null when no model is trained yet. */
export async function loadForecast(api: Api): Promise<Forecast | null> {
  try {
    return await api.get<Forecast>("/v1/predictive/forecast");
  } catch (e) {
    if (e instanceof ApiError && e.code === "WINNOW_ERR_NOT_FOUND") return null;
    throw e;
  }
}

export async function loadIcp(api: Api, population: Population): Promise<Icp | NotReady> {
  try {
    return await api.get<Icp>("/v1/predictive/icp", { population });
  } catch (e) {
    const nr = notReady(e);
    if (nr) return nr;
    throw e;
  }
}

export type IcpDraft = {
  readonly draft: {
    readonly id: string;
    readonly name: string;
    readonly version: number;
    readonly status: string;
  };
  readonly base: { readonly id: string; readonly name: string; readonly version: number };
  readonly adopted: readonly { readonly id: string; readonly points: number }[];
  readonly removed: readonly string[];
};

/** `POST /v1/predictive/icp/draft`: a scoring-model draft = the default model + these segments' rules. */
export async function createIcpDraft(
  api: Api,
  adopt: "suggested" | readonly string[],
  population: Population,
): Promise<IcpDraft> {
  return api.post<IcpDraft>("/v1/predictive/icp/draft", { adopt, population });
}

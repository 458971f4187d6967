import { explain } from "../../core/model/explain.ts";
import { predictProbability } from "../../core/model/learners.ts";
import type { Id, Instant } from "../../core/records.ts";
import type { Storage } from "../../storage/ports.ts";
import type { LeadPrediction, StoredPredictiveModel } from "../../storage/predictive-repo.ts";
import { leadFeatureTable } from "./features.ts";
import { predictiveRepo } from "./repo.ts";
import {
  type LeadPredictionView,
  leadPrediction,
  modelFileOf,
  type PredictionReason,
  predictionReasons,
} from "./score.ts";

/**
 * The prediction for one open lead from what is known about it now (its events, activities and
 * fields up to `now`): one row through the model, nothing written. Null for a closed lead.
 */
export async function currentPrediction(
  storage: Storage,
  stored: StoredPredictiveModel,
  leadId: Id,
  now: Instant,
): Promise<LeadPrediction | null> {
  const facts = await predictiveRepo(storage).leadFacts("open", now, [leadId]);
  if (facts.length === 0) return null;
  const file = modelFileOf(stored);
  const table = leadFeatureTable(facts);
  const p = predictProbability(file.model, table);
  const reasons = predictionReasons(explain(file.model, table), table, 0);
  return { leadId: facts[0]!.leadId, modelId: stored.id, probability: p[0]!, reasons, computedAt: now };
}

function sameReasons(a: readonly unknown[], b: readonly PredictionReason[]): boolean {
  if (a.length !== b.length) return false;
  return b.every((r, i) => {
    const s = a[i] as Partial<PredictionReason> | undefined;
    return (
      s?.feature === r.feature &&
      s.value === r.value &&
      s.direction === r.direction &&
      s.contribution === r.contribution
    );
  });
}

/**
 * A lead's prediction that is never stale: recomputed from the lead's current facts on every read
 * (new events, activities, field changes and the passing of time all move its features), and
 * written back only when the probability or the reasons changed, so `computedAt` says since when
 * the stored answer holds. Closed leads and workspaces without a model get `leadPrediction`'s answer.
 *
 * @example
 * await freshLeadPrediction(storage, "lead-7", new Date().toISOString());
 */
export async function freshLeadPrediction(
  storage: Storage,
  leadId: Id,
  now: Instant,
): Promise<LeadPredictionView> {
  const repo = predictiveRepo(storage);
  const model = await repo.activeModel();
  const current = model ? await currentPrediction(storage, model, leadId, now) : null;
  if (!model || !current) return leadPrediction(storage, leadId, now);
  const [stored, rulesScore] = await Promise.all([
    repo.prediction(leadId, model.id),
    storage.leadScores.get(leadId),
  ]);
  let prediction: LeadPrediction = current;
  if (
    stored &&
    stored.probability === current.probability &&
    sameReasons(stored.reasons, current.reasons as PredictionReason[])
  ) {
    prediction = stored;
  } else {
    await repo.putPredictions([current]);
  }
  return { leadId, prediction: { ...prediction, modelVersion: model.version }, rulesScore };
}

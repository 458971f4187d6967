import { WinnowError } from "../errors.ts";
import type { FeatureSchema } from "./features.ts";
import { LEARNERS, type TrainedModel } from "./learners.ts";
import type { HeldOutMetrics } from "./metrics.ts";

export const MODEL_FORMAT = "winnow-model";
/** Bumped whenever the stored shape of a model changes incompatibly. */
export const MODEL_VERSION = 1;

/** A saved model: self-describing, versioned, plain JSON. */
export type ModelFile = {
  readonly format: typeof MODEL_FORMAT;
  readonly version: typeof MODEL_VERSION;
  readonly learner: TrainedModel["learner"];
  readonly trainedAt: string;
  readonly features: readonly Pick<FeatureSchema, "name" | "kind">[];
  /** Cell strings read as missing when scoring new rows. */
  readonly missing?: readonly string[];
  readonly training: { readonly rows: number; readonly won: number; readonly lost: number };
  readonly heldOut?: HeldOutMetrics & { readonly rows: number };
  readonly model: TrainedModel;
};

/**
 * Wraps a trained model for saving; `trainedAt` is passed in (core reads no clock).
 *
 * @example
 * JSON.stringify(toModelFile(model, { trainedAt: now, features, training }));
 */
export function toModelFile(
  model: TrainedModel,
  meta: Omit<ModelFile, "format" | "version" | "learner" | "model">,
): ModelFile {
  return { format: MODEL_FORMAT, version: MODEL_VERSION, learner: model.learner, ...meta, model };
}

// JSON has no NaN: naive Bayes marks levels unseen in training with NaN, stored as null.
function reviveNaN(model: TrainedModel): TrainedModel {
  if (model.learner !== "naive-bayes") return model;
  return {
    ...model,
    features: model.features.map((f) => ({
      ...f,
      logRatio: f.logRatio.map((v) => (v === null ? Number.NaN : v)),
    })),
  };
}

/** Reads a parsed model file, checking format, version and learner (WINNOW_ERR_MODEL_FILE otherwise). */
export function fromModelFile(json: unknown): ModelFile {
  const f = json as Partial<ModelFile> | null;
  const problem = (path: string, message: string) =>
    new WinnowError("WINNOW_ERR_MODEL_FILE", { issues: [{ path, message }] });
  if (!f || typeof f !== "object" || f.format !== MODEL_FORMAT)
    throw problem("format", `expected "${MODEL_FORMAT}"`);
  if (f.version !== MODEL_VERSION)
    throw problem("version", `this Winnow reads version ${MODEL_VERSION}, got ${String(f.version)}`);
  const m = f.model as TrainedModel | undefined;
  if (!m || typeof m !== "object" || !(LEARNERS as readonly string[]).includes(m.learner)) {
    throw problem("model.learner", `expected one of ${LEARNERS.join(", ")}`);
  }
  if (m.learner === "winnow-default") {
    return {
      ...(f as ModelFile),
      model: { ...m, members: m.members.map((x) => ({ ...x, model: reviveNaN(x.model) as typeof x.model })) },
    };
  }
  return { ...(f as ModelFile), model: reviveNaN(m) };
}

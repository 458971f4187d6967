import { WinnowError } from "../errors.ts";
import { type DefaultModel, defaultMargin, fitDefault } from "./default-learner.ts";
import { fitGbdt, type GbdtModel, gbdtMargin } from "./gbdt.ts";
import { fitLogistic, type LogisticModel, logisticMargin } from "./logistic.ts";
import { sigmoid } from "./metrics.ts";
import { fitNaiveBayes, type NaiveBayesModel, naiveBayesMargin } from "./naive-bayes.ts";
import type { Table } from "./table.ts";

/** The learners Winnow offers, by the name used in benchmarks and model files. */
export const LEARNERS = ["winnow-default", "naive-bayes", "logistic", "gbdt"] as const;
export type LearnerName = (typeof LEARNERS)[number];

/** Short names accepted on the command line. */
export const LEARNER_ALIASES = {
  default: "winnow-default",
  "winnow-default": "winnow-default",
  nb: "naive-bayes",
  "naive-bayes": "naive-bayes",
  odoo: "naive-bayes",
  logistic: "logistic",
  lr: "logistic",
  gbdt: "gbdt",
  trees: "gbdt",
} as const satisfies Record<string, LearnerName>;

/** Any trained model (plain data). */
export type TrainedModel = NaiveBayesModel | LogisticModel | GbdtModel | DefaultModel;

/** The learner name for a user-facing alias; throws WINNOW_ERR_MODEL_LEARNER for unknown names. */
export function learnerNamed(alias: string): LearnerName {
  const name = (LEARNER_ALIASES as Record<string, LearnerName>)[alias];
  if (!name) {
    throw new WinnowError("WINNOW_ERR_MODEL_LEARNER", {
      message: `Unknown learner "${alias}"; use one of ${Object.keys(LEARNER_ALIASES).join(", ")}`,
    });
  }
  return name;
}

/**
 * Trains the named learner (one default configuration, deterministic for `seed`).
 *
 * @example
 * const model = train("winnow-default", table, label);
 * predictProbability(model, newRows);
 */
export function train(name: LearnerName, table: Table, label: Uint8Array, seed = 0): TrainedModel {
  switch (name) {
    case "naive-bayes":
      return fitNaiveBayes(table, label);
    case "logistic":
      return fitLogistic(table, label);
    case "gbdt":
      return fitGbdt(table, label, { seed });
    case "winnow-default":
      return fitDefault(table, label, { seed });
  }
}

/** Log-odds per row (calibrated for the default learner). */
export function predictMargin(model: TrainedModel, table: Table): Float64Array {
  switch (model.learner) {
    case "naive-bayes":
      return naiveBayesMargin(model, table);
    case "logistic":
      return logisticMargin(model, table);
    case "gbdt":
      return gbdtMargin(model, table);
    case "winnow-default":
      return defaultMargin(model, table);
  }
}

/** Probability per row. */
export function predictProbability(model: TrainedModel, table: Table): Float64Array {
  return predictMargin(model, table).map(sigmoid);
}

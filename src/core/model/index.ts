// Public API of the predictive model area: tabular data, learners, metrics, explanations.
export * from "./binning.ts";
export * from "./calibration.ts";
export * from "./default-learner.ts";
export * from "./explain.ts";
export * from "./features.ts";
export * from "./gbdt.ts";
export * from "./learners.ts";
export * from "./logistic.ts";
export * from "./metrics.ts";
export * from "./model-file.ts";
export * from "./naive-bayes.ts";
export * from "./readiness.ts";
export * from "./reliability.ts";
export * from "./table.ts";
export * from "./table-build.ts";

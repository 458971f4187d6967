// Scoring: models as validated documents, compiled scorers with explanations, incremental updates,
// backtests and capacity planning.

export * from "./backtest.ts";
export * from "./batch.ts";
export * from "./capacity.ts";
export * from "./columns.ts";
export * from "./compile-condition.ts";
export * from "./compile-model.ts";
export * from "./condition.ts";
export * from "./decay.ts";
export * from "./grade.ts";
export * from "./incremental.ts";
export * from "./input-schema.ts";
export * from "./model-schema.ts";
export * from "./parse-model.ts";
export * from "./prepare.ts";
export * from "./score-history.ts";
export * from "./thresholds.ts";

// Predictive scoring wired to the database: features from leads, training on closed deals,
// predictions for open leads, ICP discovery and the forecast.
export * from "./features.ts";
export * from "./forecast.ts";
export * from "./icp.ts";
export * from "./repo.ts";
export * from "./score.ts";
export * from "./train.ts";

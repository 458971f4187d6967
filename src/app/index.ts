export * from "./deals.ts";
export * from "./events.ts";
export * from "./move-lead.ts";
export * from "./records.ts";
export * from "./scorecards.ts";
export * from "./scores.ts";

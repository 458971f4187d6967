export * from "./calendar.ts";
export * from "./config.ts";
export * from "./reasons.ts";
export * from "./sla.ts";
export * from "./stages.ts";
export * from "./transition.ts";
export * from "./transitions.ts";

export * from "./stages.ts";

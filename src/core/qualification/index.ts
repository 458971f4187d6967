export * from "./elements.ts";

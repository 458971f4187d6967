// The public API of Winnow's pure domain. Each area owns its own index; this file only gathers them.
export * from "./errors.ts";
export * from "./frameworks/index.ts";
export * from "./lifecycle/index.ts";
export * from "./model/index.ts";
export * from "./qualification/index.ts";
export * from "./records.ts";
export * from "./result.ts";
export * from "./scoring/index.ts";
export * from "./signals/index.ts";

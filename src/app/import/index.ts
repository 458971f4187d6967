export * from "./coerce.ts";
export * from "./fields.ts";
export * from "./import-csv.ts";
export * from "./mapping.ts";
export * from "./mapping-file.ts";
export * from "./presets.ts";

import { z } from "zod";
import { WinnowError } from "../../core/errors.ts";
import { issuesFromZod } from "../../core/qualification/zod-issues.ts";
import type { MappingSpec } from "./mapping.ts";
import { PRESET_NAMES } from "./presets.ts";

const full = z
  .object({
    preset: z.enum(PRESET_NAMES).optional(),
    columns: z.record(z.string(), z.string().nullable()).optional(),
    values: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  })
  .strict();
const flat = z.record(z.string(), z.string().nullable());

/**
 * Reads a `--mapping` document: either `{ "preset": "hubspot", "columns": { "Header": "field" }, "values": {...} }`
 * or a flat `{ "Header": "field" }` (null ignores a column).
 */
export function parseMappingSpec(json: unknown): MappingSpec {
  const isFull = !!json && typeof json === "object" && ["preset", "columns", "values"].some((k) => k in json);
  const r = isFull ? full.safeParse(json) : flat.safeParse(json);
  if (!r.success)
    throw new WinnowError("WINNOW_ERR_IMPORT_MAPPING", {
      message: "The mapping file is not valid",
      issues: issuesFromZod(r.error),
    });
  return isFull ? (r.data as MappingSpec) : { columns: r.data as Record<string, string | null> };
}

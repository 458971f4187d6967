import type { Issue } from "../../core/errors.ts";
import { err, ok, type Result } from "../../core/result.ts";
import { type ImportTarget, TARGET_FIELDS } from "./fields.ts";
import { PRESET_NAMES, PRESETS, type PresetName } from "./presets.ts";

/** A `--mapping` file: an optional preset, header -> field (null ignores a column), value maps. */
export type MappingSpec = {
  readonly preset?: PresetName;
  readonly columns?: Readonly<Record<string, string | null>>;
  readonly values?: Readonly<Record<string, Readonly<Record<string, string>>>>;
};

/** Where a CSV column goes: a field, a custom attribute (`attributes.x`), or nowhere. */
export type ResolvedColumn = {
  readonly index: number;
  readonly header: string;
  readonly field: string | null;
  readonly attribute: string | null;
};
export type ResolvedMapping = {
  readonly preset: PresetName;
  readonly columns: readonly ResolvedColumn[];
  readonly values: Readonly<Record<string, Readonly<Record<string, string>>>>;
};

/** Lower case, letters and digits only: `First Name`, `first_name` and `FirstName` all read `firstname`. */
export function normalize(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, "");
}

function presetScore(name: PresetName, target: ImportTarget, headers: readonly string[]): number {
  if (name === "winnow") {
    const fields = new Set(Object.keys(TARGET_FIELDS[target]).map(normalize));
    return headers.filter((h) => fields.has(normalize(h))).length;
  }
  const columns = PRESETS[name].columns[target] ?? {};
  return headers.filter((h) => h in columns).length;
}

/** The preset whose headers match the file best (Winnow's own names win ties). */
export function detectPreset(target: ImportTarget, headers: readonly string[]): PresetName {
  let best: PresetName = "winnow";
  let bestScore = presetScore("winnow", target, headers);
  for (const name of PRESET_NAMES) {
    const score = presetScore(name, target, headers);
    if (score > bestScore) [best, bestScore] = [name, score];
  }
  return best;
}

/**
 * Decides where each column goes: the mapping file first, then the preset's headers, then the field
 * of the same (normalised) name; anything else is ignored and reported. Checks that required fields
 * are present and that no field is fed by two columns.
 */
export function resolveMapping(
  target: ImportTarget,
  headers: readonly string[],
  spec: MappingSpec = {},
): Result<ResolvedMapping, Issue[]> {
  const fields = TARGET_FIELDS[target];
  const byNormal = new Map(Object.keys(fields).map((f) => [normalize(f), f]));
  const preset = spec.preset ?? detectPreset(target, headers);
  const presetColumns = PRESETS[preset].columns[target] ?? {};
  const issues: Issue[] = [];
  for (const [header, field] of Object.entries(spec.columns ?? {})) {
    if (!headers.includes(header))
      issues.push({ path: `columns.${header}`, message: `the file has no column "${header}"` });
    if (field !== null && !field.startsWith("attributes.") && !(field in fields)) {
      issues.push({
        path: `columns.${header}`,
        message: `"${field}" is not a field of ${target} (${Object.keys(fields).join(", ")})`,
      });
    }
  }
  const columns = headers.map((header, index): ResolvedColumn => {
    const explicit = spec.columns && header in spec.columns ? spec.columns[header] : undefined;
    const target =
      explicit !== undefined ? explicit : (presetColumns[header] ?? byNormal.get(normalize(header)) ?? null);
    if (target?.startsWith("attributes."))
      return { index, header, field: null, attribute: target.slice("attributes.".length) };
    return { index, header, field: target ?? null, attribute: null };
  });
  const seen = new Map<string, string>();
  columns.forEach((c, i) => {
    if (!c.field) return;
    const other = seen.get(c.field);
    if (other)
      issues.push({
        path: c.header,
        line: 1,
        column: i + 1,
        message: `"${other}" and "${c.header}" both map to ${c.field}`,
      });
    else seen.set(c.field, c.header);
  });
  for (const [field, fieldSpec] of Object.entries(fields)) {
    if (fieldSpec.required && !seen.has(field))
      issues.push({ path: field, line: 1, message: `no column maps to the required field ${field}` });
  }
  if (target === "events" && !seen.has("lead_id") && !seen.has("email")) {
    issues.push({
      path: "lead_id",
      line: 1,
      message: "events need a lead_id or an email column to find their lead",
    });
  }
  if (target === "accounts" && !seen.has("name") && !seen.has("company") && !seen.has("domain")) {
    issues.push({ path: "name", line: 1, message: "accounts need a name, company or domain column" });
  }
  if (issues.length > 0) return err(issues);
  const values: Record<string, Record<string, string>> = {};
  for (const [field, map] of Object.entries({ ...PRESETS[preset].values, ...spec.values })) {
    values[field] = Object.fromEntries(
      Object.entries(map).map(([k, v]) => [k === "*" ? k : normalize(k), v]),
    );
  }
  return ok({ preset, columns, values });
}

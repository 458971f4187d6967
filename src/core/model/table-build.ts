import { type Issue, WinnowError } from "../errors.ts";
import type { CategoricalColumn, Column, NumericColumn, Table } from "./table.ts";

/** How to read raw string cells into typed columns (the feature part of a dataset.json). */
export type TableSpec = {
  readonly categorical: readonly string[];
  readonly numeric: readonly string[];
  readonly date?: readonly string[];
  readonly boolean?: readonly string[];
  /** Cell strings that mean "missing" (default: the empty string). */
  readonly missing?: readonly string[];
};

const MS_PER_DAY = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?/;

/**
 * Days since 1970-01-01 (floored, UTC) of an ISO-like date `2017-03-24` or `2017-03-24 10:31:00`;
 * NaN when the text is not such a date.
 *
 * @example
 * parseDays("1970-01-03"); // 2
 */
export function parseDays(text: string): number {
  const m = DATE_RE.exec(text.trim());
  if (!m) return Number.NaN;
  const ms = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
  );
  return Math.floor(ms / MS_PER_DAY);
}

/** A number, or NaN when the text is not one (like pandas `to_numeric(errors="coerce")`). */
export function parseNumber(text: string): number {
  const t = text.trim();
  if (t === "") return Number.NaN;
  const v = Number(t);
  return Number.isFinite(v) ? v : Number.NaN;
}

const TRUE_WORDS = new Set(["1", "true", "yes", "y", "t"]);
const FALSE_WORDS = new Set(["0", "false", "no", "n", "f"]);

/** 1, 0 or NaN for a yes/no style cell. */
export function parseBoolean(text: string): number {
  const t = text.trim().toLowerCase();
  if (TRUE_WORDS.has(t)) return 1;
  if (FALSE_WORDS.has(t)) return 0;
  return Number.NaN;
}

/**
 * Builds typed columns from a header and string rows. Every column named in the spec must exist
 * (issues name the missing ones); categorical levels are coded in order of first appearance.
 *
 * @example
 * const t = buildTable(["plan", "seats"], [["pro", "12"], ["", "3"]], { categorical: ["plan"], numeric: ["seats"] });
 * // t.columns[0].codes = Int32Array [0, -1]; t.columns[1].values = Float64Array [12, 3]
 */
export function buildTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  spec: TableSpec,
): Table {
  const missing = new Set(spec.missing ?? [""]);
  const where = new Map<string, number>();
  header.forEach((h, i) => {
    if (!where.has(h)) where.set(h, i);
  });
  const issues: Issue[] = [];
  const kinds: [string, Column["kind"]][] = [
    ...spec.categorical.map((c): [string, Column["kind"]] => [c, "categorical"]),
    ...spec.numeric.map((c): [string, Column["kind"]] => [c, "numeric"]),
    ...(spec.date ?? []).map((c): [string, Column["kind"]] => [c, "date"]),
    ...(spec.boolean ?? []).map((c): [string, Column["kind"]] => [c, "boolean"]),
  ];
  for (const [name] of kinds) {
    if (!where.has(name)) issues.push({ path: name, message: `column "${name}" is not in the file header` });
  }
  if (issues.length > 0) throw new WinnowError("WINNOW_ERR_MODEL_SPEC", { issues });
  const n = rows.length;
  const columns = kinds.map(([name, kind]): Column => {
    const at = where.get(name)!;
    if (kind === "categorical") {
      const codes = new Int32Array(n);
      const dict = new Map<string, number>();
      const levels: string[] = [];
      for (let i = 0; i < n; i++) {
        const v = rows[i]![at] ?? "";
        if (missing.has(v)) {
          codes[i] = -1;
          continue;
        }
        let c = dict.get(v);
        if (c === undefined) {
          c = levels.length;
          dict.set(v, c);
          levels.push(v);
        }
        codes[i] = c;
      }
      return { kind, name, codes, levels } satisfies CategoricalColumn;
    }
    const parse = kind === "date" ? parseDays : kind === "boolean" ? parseBoolean : parseNumber;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = rows[i]![at] ?? "";
      values[i] = missing.has(v) ? Number.NaN : parse(v);
    }
    return { kind, name, values } satisfies NumericColumn;
  });
  return { rows: n, columns };
}

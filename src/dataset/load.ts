import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { WinnowError } from "../core/errors.ts";
import type { Table } from "../core/model/table.ts";
import { buildTable } from "../core/model/table-build.ts";
import { type DatasetSpec, DatasetSpecSchema, parseDerivedTarget } from "./spec.ts";

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (cause) {
    throw new WinnowError("WINNOW_ERR_FILE_NOT_FOUND", { message: `Cannot read ${path}`, cause });
  }
}

/** Reads and validates a dataset.json (issues carry the field path). */
export function readSpec(path: string): DatasetSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(readText(path));
  } catch (cause) {
    if (cause instanceof WinnowError) throw cause;
    throw new WinnowError("WINNOW_ERR_INVALID_JSON", { message: `${path} is not valid JSON`, cause });
  }
  const parsed = DatasetSpecSchema.safeParse(raw);
  if (!parsed.success) {
    throw new WinnowError("WINNOW_ERR_MODEL_SPEC", {
      message: `${path} is not a valid dataset spec`,
      issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  return parsed.data;
}

/** Parses delimited text into a header and rows (quotes, BOM and ragged rows handled). */
export function readCsv(path: string, delimiter: string): { header: string[]; rows: string[][] } {
  let records: string[][];
  try {
    records = parse(readText(path), {
      delimiter,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
    });
  } catch (cause) {
    if (cause instanceof WinnowError) throw cause;
    const c = cause as { lines?: number; message?: string };
    throw new WinnowError("WINNOW_ERR_MODEL_DATA", {
      message: `${path} is not valid CSV`,
      issues: [{ path, message: c.message ?? "parse error", ...(c.lines ? { line: c.lines } : {}) }],
      cause,
    });
  }
  const [header, ...rows] = records;
  if (!header) throw new WinnowError("WINNOW_ERR_MODEL_DATA", { message: `${path} is empty` });
  return { header, rows };
}

export type LoadedDataset = {
  readonly spec: DatasetSpec;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly table: Table;
  /** 0/1 per row when the spec has a target. */
  readonly label?: Uint8Array;
};

function labelOf(spec: DatasetSpec, dir: string, header: string[], rows: string[][]): Uint8Array | undefined {
  const t = spec.target;
  if (!t) return undefined;
  const label = new Uint8Array(rows.length);
  const col = header.indexOf(t.column);
  if (col < 0 && t.derived) {
    const rule = parseDerivedTarget(t.derived);
    if (!rule) {
      throw new WinnowError("WINNOW_ERR_MODEL_SPEC", {
        issues: [{ path: "target.derived", message: `cannot understand "${t.derived}"` }],
      });
    }
    const other = readCsv(resolve(dir, rule.file), ",");
    const keyAt = other.header.indexOf(rule.key);
    const ownAt = header.indexOf(rule.key);
    if (keyAt < 0 || ownAt < 0) {
      throw new WinnowError("WINNOW_ERR_MODEL_SPEC", {
        issues: [
          { path: "target.derived", message: `column "${rule.key}" is missing from one of the files` },
        ],
      });
    }
    const keys = new Set(other.rows.map((r) => r[keyAt] ?? ""));
    // As the peers do: the derived column holds "1" or "0", compared with target.positive.
    rows.forEach((r, i) => {
      label[i] = ((keys.has(r[ownAt] ?? "") ? "1" : "0") === t.positive ? 1 : 0) as number;
    });
    return label;
  }
  if (col < 0) {
    throw new WinnowError("WINNOW_ERR_MODEL_SPEC", {
      issues: [{ path: "target.column", message: `column "${t.column}" is not in the file header` }],
    });
  }
  rows.forEach((r, i) => {
    label[i] = r[col] === t.positive ? 1 : 0;
  });
  return label;
}

/**
 * Loads `csvPath` (default: the spec's `file`, relative to the spec) into typed columns following
 * the spec, with the 0/1 target when the spec has one.
 *
 * @example
 * const d = loadDataset("../shared/data/bank-marketing/dataset.json");
 */
export function loadDataset(specPath: string, csvPath?: string): LoadedDataset {
  const spec = readSpec(specPath);
  const dir = dirname(resolve(specPath));
  const file = csvPath ?? (spec.file ? resolve(dir, spec.file) : undefined);
  if (!file) {
    throw new WinnowError("WINNOW_ERR_MODEL_SPEC", {
      issues: [{ path: "file", message: "the spec names no file and no CSV was given" }],
    });
  }
  const { header, rows } = readCsv(file, spec.delimiter);
  const table = buildTable(header, rows, spec);
  const label = labelOf(spec, dir, header, rows);
  return label ? { spec, header, rows, table, label } : { spec, header, rows, table };
}

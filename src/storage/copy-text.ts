// COPY's text format (https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2): one
// line per row, columns separated by tabs, `\N` for null, and backslash, tab, newline and carriage
// return escaped with a backslash. Used for the import's plain inserts (SqlClient.copyFrom).

const ESCAPES: Readonly<Record<string, string>> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

const SPECIAL = /[\\\t\n\r]/;

/** The text with backslash, tab, newline and carriage return escaped. */
function escaped(s: string): string {
  return SPECIAL.test(s) ? s.replace(/[\\\t\n\r]/g, (x) => ESCAPES[x] as string) : s;
}

/**
 * One value as COPY text reads it: null and undefined as `\N`, numbers that are not finite as `\N`
 * too (as JSON.stringify makes them null), booleans as `t`/`f`, objects as JSON (for jsonb columns).
 */
export function copyValue(v: unknown): string {
  if (v === null || v === undefined) return "\\N";
  if (typeof v === "string") return escaped(v);
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "\\N";
  if (typeof v === "boolean") return v ? "t" : "f";
  return escaped(JSON.stringify(v));
}

/** Rows (each the values of the same columns, in order) as one COPY text payload. */
export function copyText(rows: readonly (readonly unknown[])[]): string {
  let out = "";
  for (const row of rows) {
    let line = "";
    for (let i = 0; i < row.length; i++) line += (i === 0 ? "" : "\t") + copyValue(row[i]);
    out += `${line}\n`;
  }
  return out;
}

import { stringify } from "csv-stringify/sync";
import type { ExportKind, Storage } from "../storage/ports.ts";

// Spreadsheets run a cell that starts with one of these as a formula (CSV injection); OWASP's advice
// is to make such cells text by prefixing a single quote.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell as exported text: dates as ISO instants, objects as JSON, and any text a spreadsheet
 * would run as a formula neutralised with a leading `'`. Numbers stay numbers.
 *
 * @example
 * safeCell("=HYPERLINK(\"http://evil\")"); // "'=HYPERLINK(\"http://evil\")"
 * safeCell(-42); // -42
 */
export function safeCell(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "boolean") return value;
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === "object"
        ? JSON.stringify(value)
        : String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * Streams every record of `kind` as CSV (header first) to `write`, one page at a time, so memory
 * stays flat whatever the size. Returns the number of rows written.
 */
export async function exportCsv(
  storage: Storage,
  kind: ExportKind,
  write: (chunk: string) => void | Promise<void>,
  pageSize = 5000,
): Promise<number> {
  let after: string | null = null;
  let total = 0;
  let columns: string[] | null = null;
  for (;;) {
    const page = await storage.bulk.exportPage(kind, after, pageSize);
    if (page.length === 0) break;
    const header: boolean = columns === null;
    columns ??= Object.keys(page[0] as object);
    const cols: string[] = columns;
    const records = page.map((row) => cols.map((c) => safeCell(row[c])));
    await write(
      stringify(records, { header, columns: cols, cast: { boolean: (b) => (b ? "true" : "false") } }),
    );
    total += page.length;
    after = String(page[page.length - 1]?.["id"]);
    if (page.length < pageSize) break;
  }
  if (columns === null) await write("");
  return total;
}

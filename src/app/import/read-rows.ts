import { type Issue, WinnowError } from "../../core/errors.ts";
import { coercer, Invalid } from "./coerce.ts";
import { type CsvRecordSource, csvRecordsFor, type Parsed } from "./csv-records.ts";
import { type ImportTarget, TARGET_FIELDS } from "./fields.ts";
import { type MappingSpec, type ResolvedMapping, resolveMapping } from "./mapping.ts";
import type { PreparedLeads, ValidRow } from "./rows.ts";

/** Line on which a record starts: csv-parse reports where it ends; quoted fields may span lines. */
function startLine(record: readonly string[], endLine: number): number {
  let inner = 0;
  for (const cell of record)
    for (let i = cell.indexOf("\n"); i !== -1; i = cell.indexOf("\n", i + 1)) inner += 1;
  return endLine - inner;
}

/** One mapped column, with the function coercing its cells made once for the file. */
type Column = {
  readonly index: number;
  readonly header: string;
  readonly field: string;
  readonly attribute: string | null;
  readonly required: boolean;
  readonly coerce: (raw: string) => unknown;
};

/**
 * The function turning a record into a valid row or the issues found in it, for one file's mapping:
 * the mapped columns and their coercers are worked out once, not per record.
 */
function rowReader(
  mapping: ResolvedMapping,
  target: ImportTarget,
): (record: readonly string[], line: number) => ValidRow | Issue[] {
  const fields = TARGET_FIELDS[target];
  const width = mapping.columns.length;
  const columns: Column[] = [];
  for (const col of mapping.columns) {
    if (col.attribute) {
      const { index, header, attribute } = col;
      columns.push({ index, header, field: "", attribute, required: false, coerce: () => null });
      continue;
    }
    const spec = col.field ? fields[col.field] : undefined;
    if (!col.field || !spec) continue;
    columns.push({
      index: col.index,
      header: col.header,
      field: col.field,
      attribute: null,
      required: spec.required ?? false,
      coerce: coercer(spec.type, mapping.values[col.field]),
    });
  }
  // Every valid row's values have the mapped fields, in column order: made as a copy of this one
  // (one shape for the file, the stores then find their field) instead of field by field.
  const shape: Record<string, unknown> = {};
  for (const col of columns) if (col.attribute === null) shape[col.field] = null;
  return (record, line) => {
    if (record.length !== width)
      return [{ path: "", line, message: `expected ${width} columns, found ${record.length}` }];
    let issues: Issue[] | null = null;
    const values: Record<string, unknown> = { ...shape };
    const attributes: Record<string, string> = {};
    for (const col of columns) {
      const raw = record[col.index] ?? "";
      if (col.attribute !== null) {
        const text = raw.trim();
        if (text !== "") attributes[col.attribute] = text;
        continue;
      }
      const v = col.coerce(raw);
      const message =
        v instanceof Invalid ? v.message : v === null && col.required ? `${col.field} is required` : null;
      if (message === null) values[col.field] = v;
      else {
        issues ??= [];
        issues.push({ path: col.header, line, column: col.index + 1, message });
      }
    }
    if (issues) return issues;
    if (target === "events" && !values["lead_id"] && !values["email"])
      return [{ path: "lead_id", line, message: "either lead_id or email is needed to find the lead" }];
    if (target === "accounts" && !values["name"] && !values["company"] && !values["domain"])
      return [{ path: "name", line, message: "an account needs a name or a domain" }];
    return { line, values, attributes };
  };
}

/** A syntax error of the CSV reader (csv-records.ts) as the import reports it. */
function csvError(error: unknown): WinnowError {
  const e = error as { message?: string; lines?: number; code?: string };
  return new WinnowError("WINNOW_ERR_IMPORT_CSV", {
    message: `The file is not readable CSV: ${e.message ?? String(error)}`,
    issues: [{ path: "", line: e.lines ?? 0, message: e.code ?? "parse error" }],
    cause: error,
  });
}

/** What reading a file yields: its column mapping (from the header row), then batches of rows. */
export type ReadEvent =
  | { readonly kind: "mapping"; readonly mapping: ResolvedMapping }
  | {
      readonly kind: "batch";
      /** Valid rows, at most `batchSize` (empty only in the last batch). */
      readonly rows: ValidRow[];
      /** The issues of each rejected row read since the previous batch, in file order. */
      readonly rejects: Issue[][];
      /** Rows read so far (valid or not) and the bytes read up to the end of the last one. */
      readonly read: number;
      readonly bytes: number;
      /**
       * A leads batch prepared in the reader's thread (WorkerRowReader with `leads` set): `rows` is
       * then empty, and prepared.rows() fetches them from that thread if they are needed.
       */
      readonly prepared?: PreparedLeads;
    };

/**
 * Reads a CSV stream into mapped, coerced and validated rows, a batch at a time: `next()` gives the
 * mapping first, then batches (the last one when the file ends, even if it is empty), then null. A
 * syntax error or a bad header is thrown (WINNOW_ERR_IMPORT_CSV, WINNOW_ERR_IMPORT_MAPPING) where it
 * is met in the file. Only the rows of one batch are held.
 *
 * The source's chunks go to the CSV reader (csv-records.ts) one at a time, each giving the records it
 * completes, taken from an array; a chunk with a syntax error gives none of its records, only the
 * error (as csv-parse in a stream did: it stopped on that chunk before they were read).
 */
export class RowReader {
  readonly #source: AsyncIterator<Uint8Array | string>;
  #csv: CsvRecordSource | null = null;
  #records: Parsed[] = [];
  #at = 0;
  #sourceDone = false;
  #ahead: Promise<IteratorResult<Uint8Array | string>> | null = null;
  #endError: unknown = null;
  readonly #target: ImportTarget;
  readonly #spec: MappingSpec | undefined;
  readonly #batchSize: number;
  #readRow: ((record: readonly string[], line: number) => ValidRow | Issue[]) | null = null;
  #read = 0;
  #bytes = 0;
  #done = false;

  constructor(
    source: NodeJS.ReadableStream,
    options: { readonly as: ImportTarget; readonly mapping?: MappingSpec; readonly batchSize: number },
  ) {
    this.#source = source[Symbol.asyncIterator]() as AsyncIterator<Uint8Array | string>;
    this.#target = options.as;
    this.#spec = options.mapping;
    this.#batchSize = options.batchSize;
  }

  /**
   * Reads chunks until one completes a record: false at the end of the file. A syntax error found at
   * the end (an unclosed quote) comes where csv-parse's stream put it: if the source has ended by the
   * time its last chunk is read (the end came with it: the worker's last part, a one-chunk stream),
   * before that chunk's records when it gave fewer than the stream's buffer (16 records: a header and
   * an unclosed quote in a one-chunk file fail on the quote), else after them (a bad header is met
   * first). Whether the source has ended is asked until the next turn of the event loop only, so a
   * source that sends a chunk and then waits has that chunk's rows read meanwhile.
   */
  async #more(): Promise<boolean> {
    while (this.#at >= this.#records.length) {
      if (this.#endError !== null) {
        this.#done = true;
        throw csvError(this.#endError);
      }
      if (this.#sourceDone || this.#done) return false;
      const next = await (this.#ahead ?? this.#source.next());
      this.#ahead = null;
      let after: IteratorResult<Uint8Array | string> | null = null;
      if (!next.done) {
        const ahead = this.#source.next();
        ahead.catch(() => undefined); // awaited by the next call; only kept from being "unhandled"
        this.#ahead = ahead;
        after = await Promise.race([ahead, new Promise<null>((ok) => setImmediate(() => ok(null)))]);
      }
      try {
        if (next.done) {
          this.#sourceDone = true;
          this.#csv ??= csvRecordsFor("");
          this.#records = this.#csv.end();
        } else {
          this.#csv ??= csvRecordsFor(next.value);
          const csv = this.#csv;
          const records = csv.write(next.value);
          if (after?.done) {
            this.#sourceDone = true;
            try {
              for (const r of csv.end()) records.push(r);
            } catch (error) {
              if (records.length < 16) throw error;
              this.#endError = error;
            }
          }
          this.#records = records;
        }
      } catch (error) {
        this.#done = true;
        throw csvError(error);
      }
      this.#at = 0;
    }
    return true;
  }

  async next(): Promise<ReadEvent | null> {
    if (this.#done) return null;
    const rows: ValidRow[] = [];
    const rejects: Issue[][] = [];
    for (;;) {
      if (this.#at >= this.#records.length && !(await this.#more())) {
        this.#done = true;
        return this.#readRow ? { kind: "batch", rows, rejects, read: this.#read, bytes: this.#bytes } : null;
      }
      const parsed = this.#records[this.#at++] as Parsed;
      const { record, lines } = parsed;
      this.#bytes = parsed.bytes;
      if (!this.#readRow) {
        const resolved = resolveMapping(this.#target, record, this.#spec);
        if (!resolved.ok) throw new WinnowError("WINNOW_ERR_IMPORT_MAPPING", { issues: resolved.error });
        this.#readRow = rowReader(resolved.value, this.#target);
        return { kind: "mapping", mapping: resolved.value };
      }
      this.#read += 1;
      const r = this.#readRow(record, startLine(record, lines));
      if (Array.isArray(r)) rejects.push(r);
      else rows.push(r);
      if (rows.length >= this.#batchSize)
        return { kind: "batch", rows, rejects, read: this.#read, bytes: this.#bytes };
    }
  }

  /** Stops reading (after a failure that is not the file's): no more chunks are asked for. */
  destroy(): void {
    this.#done = true;
    this.#records = [];
  }

  /** Called when the import is over, whichever way: nothing to let go of here. */
  release(): void {}
}

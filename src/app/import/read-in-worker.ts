import { ReadStream } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { type ErrorCode, type Issue, WinnowError } from "../../core/errors.ts";
import type { LifecycleConfig } from "../../core/lifecycle/config.ts";
import type { Instant } from "../../core/records.ts";
import type { PreparedLeadBatch } from "../../storage/ports.ts";
import type { ImportTarget } from "./fields.ts";
import type { MappingSpec } from "./mapping.ts";
import type { ReadEvent } from "./read-rows.ts";
import type { ValidRow } from "./rows.ts";

/** What the worker needs to read a file (structured-cloned into it). */
export type ReaderSetup = {
  readonly as: ImportTarget;
  readonly mapping?: MappingSpec;
  readonly batchSize: number;
  /**
   * The file's path when the worker reads it itself (the source was a file's ReadStream not yet
   * read: see `fileOf`); otherwise the main thread hands it the source's chunks.
   */
  readonly path?: string;
  /**
   * A leads import's context: the worker then also prepares each batch's COPY rows and lookup keys
   * (prepareLeadBatch), so that the main thread only sends them. `allOrNothing` (no --skip-invalid):
   * from the first batch with a rejected row on, nothing more will be written, so the batches are
   * only read, not prepared.
   */
  readonly leads?: {
    readonly now: Instant;
    readonly actor: string;
    readonly lifecycle: LifecycleConfig;
    readonly allOrNothing: boolean;
    /** History rows prepared as HISTORY_COLUMNS_BY_DEFAULT (PrepareOptions.historyByDefault). */
    readonly historyByDefault: boolean;
  };
};

export type FromMain =
  | { readonly kind: "chunk"; readonly chunk: Uint8Array | string; readonly last: boolean }
  | { readonly kind: "end" }
  | { readonly kind: "next" }
  /** The rows of prepared batch `seq` are needed (a key is stored): the worker answers with "rows". */
  | { readonly kind: "rows"; readonly seq: number }
  /** The rows of prepared batch `seq` are not needed (it was written from its COPY rows). */
  | { readonly kind: "drop"; readonly seq: number };

export type ToMain =
  | { readonly kind: "more" }
  /** The event as JSON ("null" at the end). Coerced values are strings, finite numbers, null and JSON objects. */
  | { readonly kind: "event"; readonly json: string }
  /**
   * A prepared leads batch: the event without its rows as JSON, the number under which the worker
   * keeps its rows (asked for only if needed), and the batch's COPY bytes, whose buffers are moved,
   * not copied.
   */
  | {
      readonly kind: "leads";
      readonly json: string;
      readonly seq: number;
      readonly count: number;
      readonly merged: number;
      readonly batch: PreparedLeadBatch;
    }
  | {
      readonly kind: "winnow-error";
      readonly code: ErrorCode;
      readonly message: string;
      readonly issues: readonly Issue[];
    }
  /** A prepared batch's rows as JSON; null if the worker no longer had them. */
  | { readonly kind: "rows"; readonly seq: number; readonly json: string | null }
  | { readonly kind: "failed"; readonly message: string };

/**
 * The worker's module: its compiled .js next to this file, or, when Winnow runs from its TypeScript
 * sources (bin/winnow.js, tests, benchmarks), the .ts loaded through tsx's loader in the worker too.
 */
function startWorker(setup: ReaderSetup): Worker {
  const ts = import.meta.url.endsWith(".ts");
  const entry = new URL(ts ? "./read-worker.ts" : "./read-worker.js", import.meta.url);
  if (!ts) return new Worker(entry, { workerData: setup });
  // tsx's ESM entry (the package's "import" export; require.resolve finds the .cjs one beside it).
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData: setup });
}

/** Up to how many bytes of the file one hand-over to the worker carries (see `#handOver`). */
const HANDOVER_BYTES = 1 << 20;

/**
 * The path of a source the worker can read itself: a file's ReadStream (fs.createReadStream(path))
 * from its first byte to its end, not yet read or flowing, giving bytes. Anything else (a pipe, an
 * upload, a stream opened on a descriptor, a range of the file, one that decodes) is handed over
 * chunk by chunk.
 */
function fileOf(source: NodeJS.ReadableStream): string | null {
  if (!(source instanceof ReadStream) || typeof source.path !== "string") return null;
  const range = source as ReadStream & { start?: number; end?: number };
  if ((range.start ?? 0) !== 0 || (range.end ?? Number.POSITIVE_INFINITY) !== Number.POSITIVE_INFINITY)
    return null;
  if (source.bytesRead !== 0 || source.readableFlowing !== null || source.destroyed) return null;
  // A stream that decodes (an `encoding` option) gives text the worker's own bytes would not.
  if (source.readableEncoding !== null) return null;
  return source.path;
}

/**
 * A RowReader running in a worker thread: the same events, in the same order, with the same errors,
 * while the main thread only takes batches (and, unless the worker reads the file itself, hands over
 * its chunks). The worker reads the next batch while the caller writes the previous one (one batch
 * ahead, so memory stays flat).
 *
 * A file's ReadStream is read by the worker itself (`fileOf`): on PGlite the main thread runs the
 * database engine and answers the worker only between two of its statements, and its own reads of the
 * file complete only there too, so a file handed over by this thread came too slowly (1M leads: this
 * thread idle 2.8-3.1 s of the batches' ~25 s, waiting for batches the worker could not yet read).
 */
export class WorkerRowReader {
  readonly #worker: Worker;
  readonly #source: AsyncIterator<Uint8Array | string>;
  #waiting: { ok: (e: ReadEvent | null) => void; fail: (e: unknown) => void } | null = null;
  #failure: unknown = null;
  #ahead: Promise<IteratorResult<Uint8Array | string>> | null = null;
  /** The file is read (the worker stays until release: a batch being written may still ask for its rows). */
  #ended = false;
  /** The worker is stopped. */
  #done = false;
  /** Asked-for rows of prepared batches, by their number. */
  readonly #rowsWanted = new Map<number, { ok: (rows: ValidRow[]) => void; fail: (e: unknown) => void }>();

  constructor(source: NodeJS.ReadableStream, setup: ReaderSetup) {
    const path = fileOf(source);
    if (path !== null) {
      // The worker opens the file again; this stream (its descriptor) is no longer needed. Its own
      // open may still fail after this (a missing file): the worker's open reports that instead.
      source.on("error", () => undefined);
      (source as ReadStream).destroy();
      this.#source = (async function* () {})();
    } else this.#source = source[Symbol.asyncIterator]() as AsyncIterator<Uint8Array | string>;
    this.#worker = startWorker(path === null ? setup : { ...setup, path });
    this.#worker.on("message", (m: ToMain) => this.#onMessage(m));
    this.#worker.on("error", (error) => this.#fail(error));
    this.#worker.on("exit", (code) => {
      if (!this.#done) this.#fail(new Error(`the import's reader thread stopped (exit code ${code})`));
    });
  }

  /**
   * Hands the worker the next part of the file, saying whether it is the last: the source is read one
   * chunk ahead so that the end arrives with the last chunk, as it does through a pipe (a header
   * and a syntax error in the one chunk of a small file fail on the syntax error, as before).
   *
   * A part is the source's chunks up to HANDOVER_BYTES, in one message. The worker asks for more
   * only when its parser has run dry, and on PGlite this thread answers only between two of the
   * engine's statements: handed 64 kB file chunks one at a time, the worker waited for each, and the
   * engine for the worker, 25-30% of a 1M-row import's wall time (7-8% with 1 MB parts).
   */
  async #handOver(): Promise<void> {
    const first = await (this.#ahead ?? this.#source.next());
    if (first.done) {
      this.#worker.postMessage({ kind: "end" } satisfies FromMain);
      return;
    }
    const parts = [first.value];
    let size = first.value.length;
    this.#ahead = this.#source.next();
    let after = await this.#ahead;
    while (!after.done && size < HANDOVER_BYTES && typeof after.value === typeof first.value) {
      parts.push(after.value);
      size += after.value.length;
      this.#ahead = this.#source.next();
      after = await this.#ahead;
    }
    const last = after.done === true;
    if (typeof first.value === "string")
      this.#worker.postMessage({ kind: "chunk", chunk: parts.join(""), last } satisfies FromMain);
    else {
      // One copy of its own, moved rather than cloned (a chunk may be a view of a larger pool).
      const chunk = new Uint8Array(size);
      let at = 0;
      for (const part of parts as Uint8Array[]) {
        chunk.set(part, at);
        at += part.length;
      }
      this.#worker.postMessage({ kind: "chunk", chunk, last } satisfies FromMain, [chunk.buffer]);
    }
  }

  #onMessage(m: ToMain): void {
    if (m.kind === "more") {
      // A source that fails fails the import (through a pipe it would leave the parser waiting).
      this.#handOver().catch((error: unknown) => this.#fail(error));
      return;
    }
    if (m.kind === "rows") {
      const wanted = this.#rowsWanted.get(m.seq);
      this.#rowsWanted.delete(m.seq);
      if (m.json !== null) wanted?.ok(JSON.parse(m.json) as ValidRow[]);
      else wanted?.fail(new Error(`the import's reader thread no longer has the rows of batch ${m.seq}`));
      return;
    }
    const waiting = this.#waiting;
    this.#waiting = null;
    if (m.kind === "event") {
      const event = JSON.parse(m.json) as ReadEvent | null;
      if (event === null) this.#ended = true;
      waiting?.ok(event);
    } else if (m.kind === "leads") {
      const event = JSON.parse(m.json) as ReadEvent & { kind: "batch" };
      const b = m.batch;
      // Buffer views of the moved bytes (no copy), as the COPY streams take them.
      const bytes = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
      const batch = {
        ...b,
        accounts: bytes(b.accounts),
        contacts: bytes(b.contacts),
        leads: bytes(b.leads),
        history: bytes(b.history),
      };
      const seq = m.seq;
      waiting?.ok({
        ...event,
        prepared: {
          batch,
          merged: m.merged,
          count: m.count,
          rows: () => this.#rows(seq),
          release: () => {
            if (!this.#done) this.#worker.postMessage({ kind: "drop", seq } satisfies FromMain);
          },
        },
      });
    } else {
      this.destroy();
      waiting?.fail(
        m.kind === "winnow-error"
          ? new WinnowError(m.code, { message: m.message, issues: m.issues })
          : new Error(m.message),
      );
    }
  }

  /** A prepared batch's rows, kept by the worker until now (see read-worker.ts). */
  #rows(seq: number): Promise<ValidRow[]> {
    if (this.#done)
      return Promise.reject(this.#failure ?? new Error("the import's reader thread has stopped"));
    return new Promise((ok, fail) => {
      this.#rowsWanted.set(seq, { ok, fail });
      this.#worker.postMessage({ kind: "rows", seq } satisfies FromMain);
    });
  }

  #fail(error: unknown): void {
    this.#failure ??= error;
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.fail(error);
    this.#failRows(error);
  }

  #failRows(error: unknown): void {
    const wanted = [...this.#rowsWanted.values()];
    this.#rowsWanted.clear();
    for (const w of wanted) w.fail(error);
  }

  next(): Promise<ReadEvent | null> {
    if (this.#done || this.#ended) return Promise.resolve(null);
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((ok, fail) => {
      this.#waiting = { ok, fail };
      this.#worker.postMessage({ kind: "next" } satisfies FromMain);
    });
  }

  /** Ends the worker when the import is over, whichever way (a live worker keeps the process running). */
  release(): void {
    this.destroy();
  }

  /** Ends the worker (the file is read, or the import stopped). */
  destroy(): void {
    if (this.#done) return;
    this.#done = true;
    this.#failRows(this.#failure ?? new Error("the import's reader thread has stopped"));
    void this.#worker.terminate();
  }
}

import { type Issue, isWinnowError, WinnowError } from "../../core/errors.ts";
import { DEFAULT_LIFECYCLE_CONFIG, type LifecycleConfig } from "../../core/lifecycle/config.ts";
import type { Instant } from "../../core/records.ts";
import { openImportSession } from "../../storage/import-session.ts";
import type { Storage } from "../../storage/ports.ts";
import type { ImportTarget } from "./fields.ts";
import type { MappingSpec, ResolvedMapping } from "./mapping.ts";
import type { PresetName } from "./presets.ts";
import { WorkerRowReader } from "./read-in-worker.ts";
import { RowReader } from "./read-rows.ts";
import {
  type BatchOutcome,
  type Counts,
  PLACED_BY_DATABASE,
  type PreparedLeads,
  queueBatch,
  TABLES_OF,
  type ValidRow,
} from "./rows.ts";

/**
 * From this size a file is worth reading in a worker thread (`readInWorker`, what `winnow import`
 * does): starting the worker costs about 0.1-0.2 s, reading 4 MB (~40,000 rows) about 0.5 s of CPU.
 */
export const READ_IN_WORKER_FROM_BYTES = 4 * 1024 * 1024;

export type ImportOptions = {
  readonly as: ImportTarget;
  readonly mapping?: MappingSpec;
  /** Validate and run the whole import, then roll it back: the report says what would happen. */
  readonly dryRun?: boolean;
  /** Import the valid rows and report the others, instead of writing nothing. */
  readonly skipInvalid?: boolean;
  readonly now: Instant;
  readonly actor: string;
  /** Working calendar and SLAs: an imported MQL's accept SLA is due as configured here (default: the built-in one). */
  readonly lifecycle?: LifecycleConfig;
  /** Rows per batch (default DEFAULT_BATCH_SIZE). */
  readonly batchSize?: number;
  /**
   * Default true: foreign-key triggers off inside the import's transaction where safe and allowed,
   * the import's own reference checks standing in for them; on PGlite, secondary indexes of small
   * tables rebuilt at the end instead of maintained row by row; a leads import into empty accounts
   * and contacts made an initial load (import-session.ts: on PostgreSQL those two tables then stay
   * locked against other writers until the import ends). False writes as any other transaction
   * does (benchmarks compare both). See docs/import.md#bulk-mode.
   */
  readonly bulkMode?: boolean;
  /**
   * Read, map and check the file in a worker thread, one batch ahead of the writing (default false):
   * the same report, with the CSV parsing and checks off the thread that writes (on PGlite, the
   * database's thread).
   */
  readonly readInWorker?: boolean;
  /** At most this many rejected rows are kept in the report (the count is always exact). */
  readonly maxIssues?: number;
  readonly onProgress?: (progress: { readonly rows: number; readonly bytes: number }) => void;
};

export type ImportReport = {
  readonly target: ImportTarget;
  readonly preset: PresetName;
  readonly columns: readonly { readonly header: string; readonly field: string | null }[];
  readonly rows: number;
  readonly valid: number;
  readonly rejected: number;
  /** Rows merged into an earlier row of the file with the same email, domain or deal external id. */
  readonly merged: number;
  readonly counts: Readonly<Record<string, Counts>>;
  readonly issues: readonly Issue[];
  readonly issuesTruncated: boolean;
  readonly dryRun: boolean;
  /** True when the rows were committed. */
  readonly written: boolean;
};

/**
 * Whether a finished import can change stored scores: it wrote leads (new leads have no score yet),
 * accounts or contacts (fit rules read them) or events (engagement). Deals are not scored.
 */
export function importChangesScores(report: ImportReport): boolean {
  return (
    report.written &&
    report.target !== "deals" &&
    Object.values(report.counts).some((c) => c.created + c.updated > 0)
  );
}

class DryRunRollback extends Error {}

/**
 * Rows per batch. Each batch is one COPY (or statement) per table, and PGlite's engine makes each
 * COPY's tuple slots anew (their resource-owner bookkeeping is quadratic in slots per statement): at
 * 1M leads on PGlite, 10,000 rows took 14.3-14.8 s of batches against 14.4-16.7 s with 5,000 (six
 * alternated pairs, 48,595-50,960 rows/s against 44,778-50,646; 20,000: 48,067-49,344). On
 * PostgreSQL the same within noise (docs/import.md, "Tenth session"). Two batches are in memory at
 * most: the one being written and the one being prepared.
 */
export const DEFAULT_BATCH_SIZE = 10_000;

/**
 * Imports a CSV stream into storage, all or nothing: rows are validated (line, column, reason for
 * each rejected one) and written in batches inside one transaction, which is rolled back when any
 * row is invalid (unless `skipInvalid`) or on a dry run. Memory stays flat: only one batch and a
 * bounded list of issues are held.
 */
export async function importCsv(
  storage: Storage,
  source: NodeJS.ReadableStream,
  options: ImportOptions,
): Promise<ImportReport> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const bulk = options.bulkMode ?? true;
  // A leads import in bulk mode on PGlite: its session gives lead_history the defaults its first
  // entries share, and its new-key batches leave those columns out (import-session.ts, historyActor).
  const historyByDefault = bulk && options.as === "leads" && storage.engine === "pglite";
  const maxIssues = options.maxIssues ?? 1000;
  const setup = { as: options.as, ...(options.mapping ? { mapping: options.mapping } : {}), batchSize };
  const ctx = {
    now: options.now,
    actor: options.actor,
    lifecycle: options.lifecycle ?? DEFAULT_LIFECYCLE_CONFIG,
  };
  // Read in a worker, a leads batch also comes with its COPY rows made there (ReaderSetup.leads).
  const reader = options.readInWorker
    ? new WorkerRowReader(source, {
        ...setup,
        ...(options.as === "leads"
          ? {
              leads: {
                ...ctx,
                allOrNothing: !options.skipInvalid,
                historyByDefault,
              },
            }
          : {}),
      })
    : new RowReader(source, setup);
  let mapping: ResolvedMapping | null = null;
  const issues: Issue[] = [];
  let rejected = 0;
  let rows = 0;
  let merged = 0;
  let dropped = 0;
  const counts: Record<string, Counts> = {};
  const note = (found: readonly Issue[]) => {
    rejected += 1;
    for (const i of found) {
      if (issues.length < maxIssues) issues.push(i);
      else dropped += 1;
    }
  };

  const run = async (): Promise<void> => {
    await storage.transaction(async (tx) => {
      // On PGlite: foreign-key triggers off (the batches resolve every reference themselves) and, into
      // small tables, secondary indexes rebuilt at the end; see import-session.ts and docs/import.md.
      const session = await openImportSession(tx.sql, storage.engine, {
        tables: [...TABLES_OF[options.as], ...(options.as === "leads" ? ["lead_history"] : [])],
        skipForeignKeyTriggers: bulk,
        rebuildIndexes: bulk,
        initialLoad: bulk && options.as === "leads" && tx.bulk.initialLoad !== undefined,
        ...(historyByDefault ? { historyActor: options.actor } : {}),
      });
      // The batches prepared in the reader's worker were told before the session opened: it must agree.
      if (session.historyDefaults !== historyByDefault)
        throw new Error("the import session did not set lead_history's defaults its batches leave out");
      if (historyByDefault) tx.bulk.historyDefaults?.();
      // Into empty accounts and contacts (locked on PostgreSQL): batches of keys not seen before skip their lookup.
      if (session.initialLoad) tx.bulk.initialLoad?.();
      // An initial load on PostgreSQL sends no lookups (but for the rare batch whose key the filter
      // has seen), so after the first batch the statistics serve no statement of the import; the app
      // gets them from autovacuum after the commit. PGlite has no autovacuum: there the ones taken
      // as the tables grow are also the app's after the import.
      const analyzeOnce = session.initialLoad && storage.engine === "postgres";
      // An initial load on PGlite: after batch 1 the statistics serve no statement of the import either,
      // only the app afterwards. The ANALYZEs after batches 4 and 16 are skipped (~0.38 s of a
      // 1M-lead import's ~0.82 s); from batch 64 on the schedule goes on (each one samples at most
      // 30,000 rows, so a late one costs ~0.65 s against ~0.4 s at batch 64), and one more is taken at
      // the end if the tables are by then more than four times as large as at the last: the app's
      // statistics are never older than that, as with the full schedule.
      const analyzeAtEnd = session.initialLoad && storage.engine === "pglite";
      let analyzed = 0;
      let batch: ValidRow[] = [];
      let prepared: PreparedLeads | undefined;
      let bytes = 0;
      let written = 0;
      let nextAnalyze = 1;
      // Batches are pipelined: batch N+1 is read, prepared and its lookup sent while the database
      // runs batch N's writes (a leads batch on PostgreSQL: queueBatch), and N+1's writes are sent
      // once its lookup is back. At most two batches are in memory: the one being written and the one
      // being prepared. Outcomes are taken in file order, so counts, issues and progress are as when
      // every batch was awaited in turn. Deals and events can come back with rows the database could
      // not place: those batches are awaited at once, so their issues keep the order of the file.
      const overlap = !PLACED_BY_DATABASE.has(options.as);
      type InFlight = { readonly sent: Promise<unknown>; readonly finished: Promise<void> };
      let pending: InFlight | null = null;
      const take = (out: BatchOutcome, at: { rows: number; bytes: number }) => {
        merged += out.merged;
        for (const [k, c] of Object.entries(out.counts)) {
          const prev = counts[k] ?? { created: 0, updated: 0, skipped: 0 };
          counts[k] = {
            created: prev.created + c.created,
            updated: prev.updated + c.updated,
            skipped: prev.skipped + c.skipped,
          };
        }
        for (const p of out.problems) {
          const col = mapping?.columns.find((c) => c.field === p.field);
          note([
            {
              path: col?.header ?? p.field,
              line: p.line,
              ...(col ? { column: col.index + 1 } : {}),
              message: p.message,
            },
          ]);
        }
        options.onProgress?.(at);
      };
      const write = (
        rows: readonly ValidRow[],
        ready: PreparedLeads | undefined,
        at: { rows: number; bytes: number },
        after: InFlight | null,
      ): InFlight => {
        const sent = queueBatch(tx, options.as, rows, ctx, ready);
        const finished = sent.then(async ({ done }) => {
          const out = await done;
          // Outcomes in file order (progress calls included), whatever order the promises settle in.
          if (after) await after.finished;
          // The planner's statistics of the tables as they grow, taken after batches 1, 4, 16, 64, ...
          // (each time the tables are about four times larger; only after batch 1 with analyzeOnce;
          // after 1, 64, 256, ... and maybe at the end with analyzeAtEnd):
          // never-analyzed tables got whole-table scans for every batch's lookups. The lookups probe
          // unique indexes key by key, and the planner scales a table's analyzed row count to its
          // current size on disk, so statistics older than the table keep their plans. After every
          // doubling, the ANALYZEs cost ~8% of a 1M-lead import's server time (docs/import.md).
          written += 1;
          if (written === nextAnalyze) {
            await tx.bulk.analyze(TABLES_OF[options.as]);
            analyzed = written;
            if (analyzeOnce) nextAnalyze = Number.POSITIVE_INFINITY;
            else nextAnalyze = analyzeAtEnd && written === 1 ? 64 : written * 4;
          }
          take(out, at);
        });
        // A failure is rethrown where these are awaited; this only keeps them from being "unhandled".
        sent.catch(() => undefined);
        finished.catch(() => undefined);
        return { sent, finished };
      };
      const flush = async () => {
        if (batch.length === 0 && !prepared) return;
        const ready = batch;
        const readyPrepared = prepared;
        batch = [];
        prepared = undefined;
        const before = pending;
        pending = null;
        // The previous batch's statements must all be sent before this batch's lookup (which has to
        // see them) is.
        if (before) await before.sent.catch(() => before.finished);
        // After the first bad row an all-or-nothing import only validates: nothing more will be kept.
        if (rejected === 0 || options.skipInvalid) {
          pending = write(ready, readyPrepared, { rows, bytes }, before);
          // Its outcome is taken before this batch's: first failure first.
          if (before) await before.finished;
          if (!overlap) await pending.finished;
        } else {
          readyPrepared?.release();
          if (before) await before.finished;
          options.onProgress?.({ rows, bytes });
        }
      };
      const readAll = async () => {
        for (let event = await reader.next(); event; event = await reader.next()) {
          if (event.kind === "mapping") {
            mapping = event.mapping;
            continue;
          }
          for (const r of event.rejects) note(r);
          rows = event.read;
          bytes = event.bytes;
          batch = event.rows;
          prepared = event.prepared;
          await flush();
        }
      };
      try {
        await readAll();
      } finally {
        // Never leave the transaction (commit or roll back) with a batch still being written.
        if (pending) await (pending as InFlight).finished.catch(() => undefined);
      }
      if (pending) await (pending as InFlight).finished;
      if (!mapping)
        throw new WinnowError("WINNOW_ERR_IMPORT_CSV", { message: "The file is empty: no header row" });
      if (rejected > 0 && !options.skipInvalid) {
        throw new WinnowError("WINNOW_ERR_IMPORT_INVALID_ROWS", {
          message: `${rejected} of ${rows} rows are not valid; nothing was imported (fix them, or use --skip-invalid)`,
          issues,
          details: { rows, rejected, issuesTruncated: dropped > 0 },
        });
      }
      if (options.dryRun) throw new DryRunRollback();
      if (analyzeAtEnd && written > analyzed * 4) await tx.bulk.analyze(TABLES_OF[options.as]);
      await session.finish();
    });
  };

  let written = true;
  try {
    await run();
  } catch (error) {
    if (!(error instanceof DryRunRollback)) {
      if (!isWinnowError(error)) reader.destroy();
      throw error;
    }
    written = false;
  } finally {
    reader.release();
  }
  const m = mapping as ResolvedMapping | null;
  return {
    target: options.as,
    preset: m?.preset ?? "winnow",
    columns: (m?.columns ?? []).map((c) => ({
      header: c.header,
      field: c.field ?? (c.attribute ? `attributes.${c.attribute}` : null),
    })),
    rows,
    valid: rows - rejected,
    rejected,
    merged,
    counts,
    issues,
    issuesTruncated: dropped > 0,
    dryRun: options.dryRun ?? false,
    written,
  };
}

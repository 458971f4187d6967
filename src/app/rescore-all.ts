import { WinnowError } from "../core/errors.ts";
import type { Instant } from "../core/records.ts";
import { compileModel, type MutableScore, type Scorer } from "../core/scoring/compile-model.ts";
import { validateScoringModel } from "../core/scoring/parse-model.ts";
import type { LeadScore, Storage, StoredScoringModel } from "../storage/ports.ts";
import { type RescoreJob, rescoreJobRepository } from "../storage/rescore-jobs.ts";
import {
  analyzeForRescore,
  countLeads,
  pageBoundaries,
  parseLedgerLead,
  readLedgerPage,
  type ScoreAudit,
  type ScoreRow,
  withoutJit,
  writeScorePage,
} from "../storage/rescore-pages.ts";
import { runJob, serialJobQueue } from "./job-queue.ts";
import type { ScoreChange } from "./rescore-leads.ts";

/** Leads scored between two yields to the event loop while the next page is read (PostgreSQL). */
const SLICE = 250;

export type RescoreAllOptions = {
  /** The scoring instant (decay is computed as of it); also stored as computed_at. */
  readonly now: Instant;
  /** Leads per page (one read and one write each); default 5,000. */
  readonly pageSize?: number;
  /** PostgreSQL: pages being built by the server at once (default 1; more only pays with idle cores). PGlite reads one at a time. */
  readonly readAhead?: number;
  /** After each page: leads done so far and threshold crossings so far. */
  readonly onProgress?: (processed: number, crossings: number) => void | Promise<void>;
  /** The changes of a page that crossed a threshold (what `lead.threshold_crossed` announces). */
  readonly onCrossings?: (changes: readonly ScoreChange[]) => void | Promise<void>;
  /** Checked between pages: true stops the rescore with an error (shutdown). */
  readonly stopped?: () => boolean;
  /** Who and why for the `score` history entries of changed leads (default: scoring, no reason). */
  readonly audit?: ScoreAudit;
};

export type RescoreAllResult = {
  readonly leads: number;
  /** Leads whose score was written (new or changed); the others kept their stored score. */
  readonly written: number;
  readonly events: number;
  readonly crossings: number;
  /** Milliseconds spent reading pages, scoring and writing scores. */
  readonly phaseMs: { readonly read: number; readonly score: number; readonly write: number };
};

/** A validated, compiled stored model; an invalid document is an error naming the model. */
export function scorerFor(model: StoredScoringModel): Scorer {
  const parsed = validateScoringModel(model.document);
  if (!parsed.ok)
    throw new WinnowError("WINNOW_ERR_SCORING_MODEL_INVALID", {
      message: `Scoring model ${model.id} is not valid any more`,
      issues: parsed.error,
    });
  return compileModel(parsed.value);
}

/**
 * Rescores EVERY lead with `model` from its full event ledger, streaming: keyset pages of leads with
 * their ledgers (one query per page), scored in process, upserted with one set-based write per page.
 * On PostgreSQL page ranges are cut up front and the next `readAhead` pages are requested while the
 * current one is scored and written, so the server builds them meanwhile, in parallel (readAhead + 1
 * pages in memory at most); PGlite runs in this thread, so there it reads after writing. A score written live after `now` (new events meanwhile) is newer and kept.
 *
 * Threshold crossings compare the lead's stored score before the rescore (whichever model made it)
 * with the new one, under the new model's thresholds — so a lead that was under the MQL line and
 * is over it under the new model crosses, one that was already over it does not; a lead never
 * scored crosses every `atLeast` threshold it meets, exactly as for a live first score.
 */
export async function rescoreAll(
  storage: Storage,
  model: StoredScoringModel,
  o: RescoreAllOptions,
): Promise<RescoreAllResult> {
  const scorer = scorerFor(model);
  const pageSize = o.pageSize ?? 5_000;
  const nowMs = Date.parse(o.now);
  const computedAt = new Date(nowMs).toISOString();
  const out: MutableScore = { fit: 0, engagement: 0, total: 0, grade: "D4" };
  const phase = { read: 0, score: 0, write: 0 };
  let t = performance.now();
  const lap = (k: keyof typeof phase) => {
    const at = performance.now();
    phase[k] += at - t;
    t = at;
  };
  // PostgreSQL builds pages while this process scores and writes: page ranges are cut up front
  // (every pageSize-th id) so that `readAhead` pages are built at once, on as many connections.
  // PGlite runs in this thread, so there pages are read one after the other, after each write.
  await analyzeForRescore(storage.sql);
  const parallel = storage.engine === "postgres";
  const readAhead = Math.max(1, o.readAhead ?? 1);
  const read = (from: string, upTo: string | null) => {
    const page = readLedgerPage(storage.sql, storage.engine, from, upTo, parallel ? 2 ** 31 - 1 : pageSize);
    page.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
    return page;
  };
  let leads = 0;
  let written = 0;
  let events = 0;
  let crossings = 0;
  const inFlight: Promise<string[]>[] = [];
  let nextRange = 0;
  const bounds = parallel ? await pageBoundaries(storage.sql, pageSize) : [];
  const fill = () => {
    // Ranges (bounds[i-1], bounds[i]], then (last, ∞): bounds.length + 1 pages in all.
    while (parallel && inFlight.length < readAhead && nextRange <= bounds.length) {
      inFlight.push(read(nextRange === 0 ? "" : bounds[nextRange - 1]!, bounds[nextRange] ?? null));
      nextRange++;
    }
  };
  if (parallel) fill();
  else inFlight.push(read("", null));
  for (;;) {
    if (o.stopped?.())
      throw new WinnowError("WINNOW_ERR_CONFLICT", { message: "The rescore was stopped (shutdown)" });
    t = performance.now();
    const pending = inFlight.shift();
    if (pending === undefined) break;
    const page = await pending;
    fill();
    if (page.length === 0) {
      if (parallel) continue; // an empty range (its leads deleted meanwhile); later ranges may have some
      break;
    }
    lap("read");
    const rows: ScoreRow[] = [];
    const changes: ScoreChange[] = [];
    let last = "";
    for (let i = 0; i < page.length; i++) {
      // On PostgreSQL the next page streams in meanwhile: yielding every SLICE leads lets this process
      // read it off the socket, so the server goes on building it instead of waiting for a full
      // socket buffer until this page is scored (it did, whenever the write was too short to hide it).
      if (parallel && i > 0 && i % SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      // Decoded one at a time and dropped after scoring (young garbage), never a page of leads at once.
      const { lead, previous } = parseLedgerLead(page[i]!);
      last = lead.lead.id;
      events += lead.events.length;
      // Numbers only: the explanation is not stored (NULL) but derived when the score is read, from
      // the ledger, the model and computed_at (app/score-explanations.ts).
      scorer.scoreInto(lead, nowMs, out);
      const row: ScoreRow = {
        leadId: lead.lead.id,
        fit: out.fit,
        engagement: out.engagement,
        grade: out.grade,
      };
      // An unchanged score (same model, same numbers) is not written: it keeps its computed_at and
      // explanation, which still derive it exactly.
      if (
        previous === null ||
        previous.modelId !== model.id ||
        previous.fit !== row.fit ||
        previous.engagement !== row.engagement
      )
        rows.push(row);
      const before = previous
        ? {
            ...previous,
            total: previous.fit + previous.engagement,
            grade: row.grade as MutableScore["grade"],
          }
        : null;
      const after = {
        fit: row.fit,
        engagement: row.engagement,
        total: row.fit + row.engagement,
        grade: row.grade as MutableScore["grade"],
      };
      const crossed = scorer.crossings(before, after);
      if (crossed.length > 0) {
        crossings += crossed.length;
        changes.push({
          leadId: row.leadId,
          modelId: model.id,
          before: null,
          after: toLeadScore(row, model.id, computedAt),
          crossings: crossed,
        });
      }
    }
    lap("score");
    await withoutJit(storage.sql, storage.engine, (c) =>
      writeScorePage(c, rows, model.id, computedAt, o.audit),
    );
    lap("write");
    written += rows.length;
    leads += page.length;
    if (changes.length > 0) await o.onCrossings?.(changes);
    await o.onProgress?.(leads, crossings);
    if (!parallel) inFlight.push(read(last, null));
  }
  const round = (x: number) => Math.round(x);
  return {
    leads,
    written,
    events,
    crossings,
    phaseMs: { read: round(phase.read), score: round(phase.score), write: round(phase.write) },
  };
}

const toLeadScore = (r: ScoreRow, modelId: string, computedAt: string): LeadScore => ({
  leadId: r.leadId,
  modelId,
  fit: r.fit,
  engagement: r.engagement,
  grade: r.grade,
  explanation: null, // derived on read (app/score-explanations.ts)
  computedAt,
});

export type RescoreJobHooks = {
  readonly onCrossings?: RescoreAllOptions["onCrossings"];
  readonly onProgress?: (job: { processed: number; total: number; crossings: number }) => void;
};

/**
 * Runs full rescores as jobs, one at a time (a job asked for while another runs waits its turn),
 * recording progress in rescore_jobs after every page so that `GET /v1/scoring-models/:id/rescore`
 * and the CLI can show processed / total. `stop()` ends the running job between two pages (marked
 * failed: interrupted) and lets the caller close the database afterwards.
 */
export function rescoreJobRunner(storage: Storage, hooks: RescoreJobHooks = {}) {
  const jobs = rescoreJobRepository(storage.sql);
  const queue = serialJobQueue();

  function run(job: RescoreJob, model: StoredScoringModel): Promise<RescoreJob> {
    return runJob(job, jobs.finish, async () => {
      const result = await rescoreAll(storage, model, {
        now: job.startedAt,
        stopped: queue.stopped,
        audit: { actor: job.createdBy, reason: `rescore with ${model.name} v${model.version}` },
        ...(hooks.onCrossings ? { onCrossings: hooks.onCrossings } : {}),
        onProgress: async (processed, crossings) => {
          await jobs.progress(job.id, processed, crossings);
          hooks.onProgress?.({ processed, total: Math.max(job.total, processed), crossings });
        },
      });
      await jobs.progress(job.id, result.leads, result.crossings);
    });
  }

  return {
    repository: jobs,
    /**
     * Records a new job for `model` (which must be valid) and starts it after any running one.
     * Resolves with the job as recorded (state running) and, through `done`, its end.
     */
    async start(
      model: StoredScoringModel,
      by: string,
      id: string,
      now: Instant,
    ): Promise<{ job: RescoreJob; done: Promise<RescoreJob> }> {
      scorerFor(model); // an invalid model fails here, before any job is recorded
      const total = await countLeads(storage.sql);
      const job = await jobs.create({ id, modelId: model.id, total, createdBy: by, startedAt: now });
      return { job, done: queue.add(() => run(job, model)) };
    },
    /** Stops the running job between pages and waits for the queue to settle. */
    stop: queue.stop,
  };
}
export type RescoreJobRunner = ReturnType<typeof rescoreJobRunner>;

import type { EventInput, IngestOutcome } from "../storage/ports.ts";

export type AfterIngestWork = (
  events: readonly EventInput[],
  outcomes: readonly IngestOutcome[],
) => Promise<void>;

export type AfterIngestQueue = {
  /**
   * Queues the work that follows a stored group of events (rescoring its leads, threshold
   * webhooks). Resolves once a run that covered these events has finished, whether it succeeded or
   * failed (a failure is reported to `onError`): what `POST /v1/events?wait=score` waits for.
   * `urgent` (a caller that will wait for it) starts that run without the gap between runs.
   */
  add(events: readonly EventInput[], outcomes: readonly IngestOutcome[], urgent?: boolean): Promise<void>;
  /** Runs what is queued at once (no gap) and resolves when nothing is queued or running (tests; graceful shutdown). */
  idle(): Promise<void>;
};

type Job = { events: EventInput[]; outcomes: IngestOutcome[]; done: (() => void)[]; urgent: boolean };

/**
 * Least time from the start of one run to the start of the next, unless a caller waits for it
 * (`?wait=score`) or the queue is drained. A run visits the whole ledger of every lead it covers
 * (winnow serve keeps decoded ledgers between runs, storage/ledger-cache.ts, but PostgreSQL still
 * counts each ledger's events), so under sustained ingest its cost depends on how many leads it
 * touches and how big their ledgers are, not on how many events arrived: with runs back to back
 * (and whole ledgers reread), the rescore was about half of the server's CPU and half of
 * PostgreSQL's per ingested event in bench:api (Node 0.104 vs 0.052 ms, PostgreSQL 0.114 vs 0.058 ms
 * per request with and without it). Spacing runs lets each cover more events for the same cost.
 * The first run after a quiet spell starts at once.
 */
export const AFTER_INGEST_GAP_MS = 500;

/**
 * The work after ingest, out of the request path and coalesced: a request is answered once its
 * events are committed, and one background run at a time does the work for every group stored
 * since the previous run began — so under load, many groups touching the same leads cost one
 * rescore instead of one each. Runs start at least `gapMs` apart (see AFTER_INGEST_GAP_MS). A run
 * reads each lead's whole ledger after the events it covers were committed, so the score it stores
 * is that of the lead's own ledger; events committed during a run are covered by the next one.
 * Crossings are reported from the stored score to the new one, as before. Errors go to `onError`
 * (logged) and never stop the queue.
 */
export function createAfterIngestQueue(
  work: AfterIngestWork | undefined,
  onError: (error: unknown) => void,
  gapMs = AFTER_INGEST_GAP_MS,
): AfterIngestQueue {
  let pending: Job | null = null;
  let running: Promise<void> | null = null;
  let lastStart = Number.NEGATIVE_INFINITY;
  let draining = 0;
  // Ends the wait for the gap early (an urgent add, idle()).
  let hurry: (() => void) | null = null;

  async function loop(): Promise<void> {
    // Groups stored in this turn of the event loop join the first run.
    await new Promise((resolve) => setImmediate(resolve));
    while (pending) {
      const wait = lastStart + gapMs - performance.now();
      if (wait > 0 && !pending.urgent && draining === 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => hurry?.(), wait);
          hurry = () => {
            clearTimeout(timer);
            hurry = null;
            resolve();
          };
        });
      }
      const job: Job = pending;
      pending = null;
      lastStart = performance.now();
      try {
        await (work as AfterIngestWork)(job.events, job.outcomes);
      } catch (error) {
        onError(error);
      }
      for (const done of job.done) done();
    }
    running = null;
  }

  return {
    add(events, outcomes, urgent = false) {
      if (!work || events.length === 0) return Promise.resolve();
      pending ??= { events: [], outcomes: [], done: [], urgent: false };
      const job = pending;
      // One run sees one list: outcomes index into the merged events.
      const offset = job.events.length;
      for (const e of events) job.events.push(e);
      for (const o of outcomes) job.outcomes.push({ ...o, index: o.index + offset });
      const covered = new Promise<void>((resolve) => job.done.push(resolve));
      if (urgent) {
        job.urgent = true;
        hurry?.();
      }
      running ??= loop();
      return covered;
    },
    async idle() {
      draining++;
      try {
        while (running) {
          hurry?.();
          await running;
        }
      } finally {
        draining--;
      }
    },
  };
}

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
   */
  add(events: readonly EventInput[], outcomes: readonly IngestOutcome[]): Promise<void>;
  /** Resolves when nothing is queued or running (tests; graceful shutdown). */
  idle(): Promise<void>;
};

type Job = { events: EventInput[]; outcomes: IngestOutcome[]; done: (() => void)[] };

/**
 * The work after ingest, out of the request path and coalesced: a request is answered once its
 * events are committed, and one background run at a time does the work for every group stored
 * since the previous run began — so under load, many groups touching the same leads cost one
 * rescore instead of one each. A run reads each lead's whole ledger after the events it covers
 * were committed, so the score it stores is that of the lead's own ledger; events committed during
 * a run are covered by the next one. Crossings are reported from the stored score to the new one,
 * as before. Errors go to `onError` (logged) and never stop the queue.
 */
export function createAfterIngestQueue(
  work: AfterIngestWork | undefined,
  onError: (error: unknown) => void,
): AfterIngestQueue {
  let pending: Job | null = null;
  let running: Promise<void> | null = null;

  async function loop(): Promise<void> {
    // Groups stored in this turn of the event loop join the first run.
    await new Promise((resolve) => setImmediate(resolve));
    while (pending) {
      const job: Job = pending;
      pending = null;
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
    add(events, outcomes) {
      if (!work || events.length === 0) return Promise.resolve();
      pending ??= { events: [], outcomes: [], done: [] };
      const job = pending;
      // One run sees one list: outcomes index into the merged events.
      const offset = job.events.length;
      for (const e of events) job.events.push(e);
      for (const o of outcomes) job.outcomes.push({ ...o, index: o.index + offset });
      const covered = new Promise<void>((resolve) => job.done.push(resolve));
      running ??= loop();
      return covered;
    },
    async idle() {
      while (running) await running;
    },
  };
}

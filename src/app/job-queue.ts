// The background-job plumbing shared by full rescores (rescore-all.ts) and verdict re-judges
// (rejudge-verdicts.ts): jobs of one runner go one at a time, in start order, and a job that
// throws is recorded as failed with its message.

type Finish<J> = (id: string, state: "done" | "failed", at: string, error: string | null) => Promise<J>;

/** A queue that runs work one at a time in the order it was added; `stop` asks running work to end. */
export function serialJobQueue() {
  let queue: Promise<unknown> = Promise.resolve();
  let stopping = false;
  return {
    /** True once `stop` was called: running work should end between pages. */
    stopped: (): boolean => stopping,
    /** Runs `work` after all work added before it; resolves with its result. */
    add<T>(work: () => Promise<T>): Promise<T> {
      const done = queue.then(work);
      queue = done.catch(() => undefined);
      return done;
    },
    /** Stops the running work between pages and waits for the queue to settle. */
    async stop(): Promise<void> {
      stopping = true;
      await queue;
    },
  };
}

/**
 * Runs `work` for `job` and records its end: done, or failed with the error's message (when even
 * that write fails, the job as it was recorded at the start).
 */
export async function runJob<J>(
  job: J & { readonly id: string },
  finish: Finish<J>,
  work: () => Promise<void>,
): Promise<J> {
  try {
    await work();
    return await finish(job.id, "done", new Date().toISOString(), null);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return finish(job.id, "failed", new Date().toISOString(), message).catch(() => job);
  }
}

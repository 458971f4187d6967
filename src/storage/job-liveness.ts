// Which background jobs (rows of rescore_jobs: full rescores, verdict re-judges) are still being
// worked on by a live process. A process beats the heartbeat of every job it recorded and has not
// finished yet (running or queued behind another); a job whose heartbeat is older than STALE_AFTER
// and that this process does not hold belongs to a process that stopped, and is failed by the
// next sweep. Heartbeats and staleness use the database's clock, so servers with skewed clocks
// agree; a process never fails its own jobs (the embedded engine may delay a beat behind a long
// statement while the job is very much alive).
import type { SqlClient } from "./ports.ts";

/** A job not beaten for this long is taken to be abandoned by a stopped process. */
export const STALE_AFTER_SECONDS = 120;
/** How often a live process beats its jobs' heartbeats. */
export const BEAT_EVERY_MS = 20_000;

/** The message a swept job ends with. */
export const ABANDONED_MESSAGE = "interrupted: the process running it stopped";

/** One process's held jobs and the timer that beats them. */
export type JobLiveness = {
  /** Starts beating job `id` (called when the job is recorded). */
  hold(sql: SqlClient, id: string): void;
  /** Stops beating job `id` (called when it ends). */
  release(id: string): void;
  /** The ids this process holds. */
  held(): string[];
  /** Beats every held job now (the timer calls this). */
  beat(): Promise<void>;
  /** Stops the timer and forgets every held job (what a stopped process amounts to). */
  stop(): void;
};

/**
 * A liveness registry. Every process has one (`processLiveness`); tests make several to play
 * several processes.
 */
export function createJobLiveness(beatEveryMs = BEAT_EVERY_MS): JobLiveness {
  const jobs = new Map<string, SqlClient>();
  let timer: ReturnType<typeof setInterval> | null = null;
  let beating: Promise<void> | null = null;

  async function beatNow(): Promise<void> {
    const bySql = new Map<SqlClient, string[]>();
    for (const [id, sql] of jobs) bySql.set(sql, [...(bySql.get(sql) ?? []), id]);
    for (const [sql, ids] of bySql) {
      try {
        await sql.query("UPDATE rescore_jobs SET heartbeat_at = now() WHERE id = ANY($1::text[])", [ids]);
      } catch {
        // A closed database or a transient error: the next beat tries again; a job whose beats
        // keep failing is swept by another process, which is what it should be.
      }
    }
  }

  const api: JobLiveness = {
    hold(sql, id) {
      jobs.set(id, sql);
      if (timer === null) {
        timer = setInterval(() => {
          if (beating === null) beating = beatNow().finally(() => (beating = null));
        }, beatEveryMs);
        timer.unref();
      }
    },
    release(id) {
      jobs.delete(id);
      if (jobs.size === 0 && timer !== null) {
        clearInterval(timer);
        timer = null;
      }
    },
    held: () => [...jobs.keys()],
    beat: beatNow,
    stop() {
      jobs.clear();
      if (timer !== null) clearInterval(timer);
      timer = null;
    },
  };
  return api;
}

/** This process's registry. */
export const processLiveness: JobLiveness = createJobLiveness();

/**
 * Fails every running job of any kind whose heartbeat is stale and that `liveness` does not hold;
 * returns how many. Run at server start and before a job's state is read.
 */
export async function sweepAbandonedJobs(
  sql: SqlClient,
  liveness: JobLiveness = processLiveness,
  at: string | null = null,
): Promise<number> {
  const r = await sql.query(
    `UPDATE rescore_jobs SET state = 'failed', finished_at = coalesce($1::timestamptz, now()), error = $2
     WHERE state = 'running' AND heartbeat_at < now() - make_interval(secs => $3) AND NOT (id = ANY($4::text[]))`,
    [at, ABANDONED_MESSAGE, STALE_AFTER_SECONDS, liveness.held()],
  );
  return r.rowCount;
}

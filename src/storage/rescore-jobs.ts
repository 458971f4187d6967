import { type JobLiveness, processLiveness, sweepAbandonedJobs } from "./job-liveness.ts";
import type { SqlClient, SqlRow } from "./ports.ts";
import { iso, isoOrNull, str, strOrNull } from "./repositories/values.ts";

export type RescoreJobState = "running" | "done" | "failed";

/** A full rescore and how far it got. */
export type RescoreJob = {
  readonly id: string;
  readonly modelId: string;
  readonly state: RescoreJobState;
  readonly processed: number;
  readonly total: number;
  readonly crossings: number;
  readonly error: string | null;
  readonly createdBy: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
};

const toJob = (r: SqlRow): RescoreJob => ({
  id: str(r["id"]),
  modelId: str(r["model_id"]),
  state: str(r["state"]) as RescoreJobState,
  processed: Number(r["processed"]),
  total: Number(r["total"]),
  crossings: Number(r["crossings"]),
  error: strOrNull(r["error"]),
  createdBy: str(r["created_by"]),
  startedAt: iso(r["started_at"]),
  finishedAt: isoOrNull(r["finished_at"]),
});

/**
 * The rescore_jobs table (migration 0320). A job this repository records is held by `liveness`
 * (its heartbeat beaten, migration 0370) until it is finished; reads first fail the jobs that
 * stopped processes abandoned (job-liveness.ts).
 */
export function rescoreJobRepository(sql: SqlClient, liveness: JobLiveness = processLiveness) {
  const sweep = () => sweepAbandonedJobs(sql, liveness);
  return {
    async create(j: { id: string; modelId: string; total: number; createdBy: string; startedAt: string }) {
      const r = await sql.query(
        `INSERT INTO rescore_jobs (id, model_id, state, total, created_by, started_at)
         VALUES ($1, $2, 'running', $3, $4, $5) RETURNING *`,
        [j.id, j.modelId, j.total, j.createdBy, j.startedAt],
      );
      liveness.hold(sql, j.id);
      return toJob(r.rows[0] as SqlRow);
    },
    async progress(id: string, processed: number, crossings: number): Promise<void> {
      // total grows with leads created while the job runs (it is a count taken at the start).
      await sql.query(
        "UPDATE rescore_jobs SET processed = $2, crossings = $3, total = greatest(total, $2) WHERE id = $1",
        [id, processed, crossings],
      );
    },
    async finish(
      id: string,
      state: "done" | "failed",
      at: string,
      error: string | null,
    ): Promise<RescoreJob> {
      liveness.release(id);
      const r = await sql.query(
        "UPDATE rescore_jobs SET state = $2, finished_at = $3, error = $4 WHERE id = $1 RETURNING *",
        [id, state, at, error],
      );
      return toJob(r.rows[0] as SqlRow);
    },
    async get(id: string): Promise<RescoreJob | null> {
      await sweep();
      const r = await sql.query("SELECT * FROM rescore_jobs WHERE id = $1", [id]);
      return r.rows[0] ? toJob(r.rows[0]) : null;
    },
    async latestFor(modelId: string): Promise<RescoreJob | null> {
      await sweep();
      const r = await sql.query(
        "SELECT * FROM rescore_jobs WHERE model_id = $1 ORDER BY started_at DESC, id DESC LIMIT 1",
        [modelId],
      );
      return r.rows[0] ? toJob(r.rows[0]) : null;
    },
    /**
     * Fails the running jobs (of any kind) that a stopped process left behind: a stale heartbeat and
     * not held here. Jobs another live server is running are left alone. Returns how many.
     */
    failAbandoned: (at?: string): Promise<number> => sweepAbandonedJobs(sql, liveness, at ?? null),
    /** Holds job `id` as this process's (verdict jobs record themselves but share the beating). */
    hold: (id: string): void => liveness.hold(sql, id),
    release: (id: string): void => liveness.release(id),
    sweep,
  };
}
export type RescoreJobRepository = ReturnType<typeof rescoreJobRepository>;

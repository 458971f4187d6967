import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ABANDONED_MESSAGE, createJobLiveness, type JobLiveness } from "../src/storage/job-liveness.ts";
import type { Storage } from "../src/storage/ports.ts";
import { rescoreJobRepository } from "../src/storage/rescore-jobs.ts";
import { verdictJobRepository } from "../src/storage/verdict-pages.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";

// Two registries play two server processes sharing one database: "a" runs jobs, "b" sweeps.
describe.each(ENGINES)("background jobs and the processes running them on %s", (engine) => {
  let storage: Storage;
  let a: JobLiveness;
  let b: JobLiveness;
  let n = 0;
  const at = "2026-11-30T08:00:00.000Z";

  beforeAll(async () => {
    storage = await freshStorage(engine);
  });
  afterAll(async () => {
    a?.stop();
    b?.stop();
    await storage?.close();
  });

  /** Makes job `id`'s heartbeat look `minutes` old, as if its process had stopped beating. */
  const age = (id: string, minutes: number) =>
    storage.sql.query(
      "UPDATE rescore_jobs SET heartbeat_at = now() - make_interval(mins => $2) WHERE id = $1",
      [id, minutes],
    );
  const state = async (id: string) =>
    (await storage.sql.query("SELECT state, error FROM rescore_jobs WHERE id = $1", [id])).rows[0];

  async function verdictJob(liveness: JobLiveness) {
    const id = `job-${++n}`;
    await verdictJobRepository(storage.sql, liveness).create({
      id,
      section: "icp",
      settingsVersion: n,
      total: 10,
      createdBy: "test",
      startedAt: at,
    });
    return id;
  }

  it("leaves a job alone while its process beats, and fails it once that process is gone", async () => {
    a = createJobLiveness(60_000);
    b = createJobLiveness(60_000);
    const id = await verdictJob(a);
    expect(a.held()).toEqual([id]);
    const sweeper = rescoreJobRepository(storage.sql, b);
    // Fresh heartbeat: another server's start does not touch it (it used to fail every running job).
    expect(await sweeper.failAbandoned(at)).toBe(0);
    expect(await state(id)).toMatchObject({ state: "running" });
    // Stale, but its process is alive and beats: the beat makes it fresh again.
    await age(id, 10);
    await a.beat();
    expect(await sweeper.failAbandoned(at)).toBe(0);
    // A process never fails its own jobs, even when a beat was held up behind a long statement.
    await age(id, 10);
    expect(await rescoreJobRepository(storage.sql, a).failAbandoned(at)).toBe(0);
    expect(await state(id)).toMatchObject({ state: "running" });
    // The process stops: no more beats; the next sweep (another server's start) fails it, once.
    a.stop();
    expect(a.held()).toEqual([]);
    expect(await sweeper.failAbandoned(at)).toBe(1);
    expect(await state(id)).toEqual({ state: "failed", error: ABANDONED_MESSAGE });
    expect(await sweeper.failAbandoned(at)).toBe(0);
  });

  it("reading a job's state sweeps first, so a job cut off by a stop does not stay running", async () => {
    a = createJobLiveness(60_000);
    b = createJobLiveness(60_000);
    const id = await verdictJob(a);
    a.stop();
    await age(id, 3);
    const reader = verdictJobRepository(storage.sql, b);
    expect(await reader.get(id)).toMatchObject({ state: "failed", error: ABANDONED_MESSAGE });
    // Just under the limit (2 minutes) is still alive.
    const younger = await verdictJob(a);
    a.stop();
    await age(younger, 1);
    expect(await reader.latest()).toMatchObject({ id: younger, state: "running" });
  });

  it("the timer beats held jobs, and a finished job is no longer held", async () => {
    a = createJobLiveness(25);
    const repo = verdictJobRepository(storage.sql, a);
    const id = await verdictJob(a);
    await age(id, 10);
    // Wait for the timer's beat (no sleep of a fixed length: poll the row).
    for (let i = 0; i < 400; i++) {
      const r = await storage.sql.query<{ fresh: boolean }>(
        "SELECT heartbeat_at > now() - interval '1 minute' AS fresh FROM rescore_jobs WHERE id = $1",
        [id],
      );
      if (r.rows[0]?.fresh) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await rescoreJobRepository(storage.sql, createJobLiveness()).failAbandoned(at)).toBe(0);
    await repo.finish(id, "done", at, null);
    expect(a.held()).toEqual([]);
    await age(id, 10);
    // A finished job is never swept.
    expect(await rescoreJobRepository(storage.sql, createJobLiveness()).failAbandoned(at)).toBe(0);
    expect(await state(id)).toMatchObject({ state: "done" });
  });
});

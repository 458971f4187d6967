// Databases for the benches: a throw-away database on a PostgreSQL server, and "run this on PGlite
// (a folder, as `winnow serve` uses) and then on PostgreSQL when WINNOW_BENCH_DATABASE_URL is set".
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openStorage } from "../src/storage/open.ts";
import type { Storage } from "../src/storage/ports.ts";

/** Creates an empty database with a random name on the server at `url`; `drop` removes it. */
export async function scratchPostgres(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `winnow_bench_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Runs `run` on a fresh PGlite folder (named after `prefix` in the temp dir, removed after), then on
 * a scratch PostgreSQL database when WINNOW_BENCH_DATABASE_URL is set.
 */
export async function onEachEngine(
  prefix: string,
  run: (storage: Storage, engine: "pglite" | "postgres") => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    const storage = await openStorage({ engine: "pglite", dataDir: join(dir, "db") });
    await run(storage, "pglite");
    await storage.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env["WINNOW_BENCH_DATABASE_URL"];
  if (url) {
    const db = await scratchPostgres(url);
    try {
      const storage = await openStorage({ engine: "postgres", url: db.url });
      await run(storage, "postgres");
      await storage.close();
    } finally {
      await db.drop();
    }
  }
}

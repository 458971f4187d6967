import { randomBytes } from "node:crypto";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { migrate } from "../../src/storage/migrate.ts";
import { openDatabase, openStorage } from "../../src/storage/open.ts";
import { openPglite } from "../../src/storage/pglite/open-pglite.ts";
import type { Database, Engine, SqlClient, Storage } from "../../src/storage/ports.ts";
import { createStorage } from "../../src/storage/storage.ts";

/**
 * The engines the integration suite runs on: PGlite always, PostgreSQL when
 * WINNOW_TEST_DATABASE_URL is set (CI's .ci/run sets it). Each call to `fresh` gives a database of
 * its own (memory:// PGlite, or a new database on the server) so test files run in parallel.
 */
export const ENGINES: readonly Engine[] = process.env["WINNOW_TEST_DATABASE_URL"]
  ? ["pglite", "postgres"]
  : ["pglite"];

export type FreshDb = { readonly url: string | null; readonly drop: () => Promise<void> };

async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = process.env["WINNOW_TEST_DATABASE_URL"] as string;
  const name = `winnow_test_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** An in-memory PGlite, from the templates of global-setup.ts when present (skips initdb). */
function memoryPglite(template: "empty" | "migrated"): Promise<Database> {
  const dir = inject("pgliteTemplates");
  return openPglite("memory://", dir ? { template: join(dir, `${template}.tar.gz`) } : {});
}

/** Makes `folder` an embedded database that is already migrated (fast: from the template). */
export async function migratedPgliteFolder(folder: string): Promise<void> {
  const db = await openPglite(folder, { template: join(inject("pgliteTemplates"), "migrated.tar.gz") });
  await db.close();
}

/** A fresh, migrated Storage on `engine`; `close` also drops the server database. */
export async function freshStorage(engine: Engine): Promise<Storage> {
  if (engine === "pglite") {
    const db = await memoryPglite("migrated");
    await migrate(db);
    return createStorage(db);
  }
  const { url, drop } = await createPgDatabase();
  const storage = await openStorage({ engine: "postgres", url });
  return {
    ...storage,
    close: async () => {
      await storage.close();
      await drop();
    },
  };
}

/** A fresh, empty (not migrated) database; for migration tests. `open` gives extra clients on the same database. */
export async function freshDatabase(
  engine: Engine,
): Promise<{ db: Database; open: () => Promise<Database>; close: () => Promise<void> }> {
  if (engine === "pglite") {
    const db = await memoryPglite("empty");
    return { db, open: async () => db, close: () => db.close() };
  }
  const { url, drop } = await createPgDatabase();
  const db = await openDatabase({ engine: "postgres", url });
  const extra: Database[] = [];
  return {
    db,
    open: async () => {
      const d = await openDatabase({ engine: "postgres", url });
      extra.push(d);
      return d;
    },
    close: async () => {
      for (const d of extra) await d.close();
      await db.close();
      await drop();
    },
  };
}

/** `sql` with every statement counted in `count.n` (inside transactions too). */
function countedSql(sql: SqlClient, count: { n: number }): SqlClient {
  return {
    query: (text, params, options) => {
      count.n++;
      return sql.query(text, params, options);
    },
    exec: (text) => {
      count.n++;
      return sql.exec(text);
    },
    transaction: (fn) => sql.transaction((tx) => fn(countedSql(tx, count))),
  };
}

/**
 * The same database as `storage`, with every statement counted in `count.n`: for tests that hold a
 * use case to a number of statements.
 */
export function countingStorage(storage: Storage, count: { n: number }): Storage {
  const db = storage.sql as Database;
  return createStorage({ ...countedSql(db, count), engine: db.engine, close: () => db.close() });
}

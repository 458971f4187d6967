import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { WinnowError } from "../../core/errors.ts";
import { copyOptions, type Database, type SqlClient, type SqlResult, type SqlRow } from "../ports.ts";
import { translated } from "../sql-errors.ts";
import { pgliteStartParams } from "./engine-settings.ts";

// int8 and numeric come back as JS numbers on both engines (counts, amounts): see postgres adapter.
const PARSERS = { 20: (v: string) => Number(v), 1700: (v: string) => Number(v) };

/**
 * COPY ... FROM '/dev/blob' on the database or inside a transaction: the rows as one blob. Sent as a
 * simple query (`exec`: the statement and a sync, two calls into the engine) rather than the
 * extended protocol of `query` (parse, describe, bind, describe, execute, sync: six); the
 * statement has no parameters, and the table and columns come from Winnow's own lists.
 */
function copyOn(on: PGlite | Transaction): NonNullable<SqlClient["copyFrom"]> {
  return async (table, columns, text, format) => {
    await translated(() =>
      on.exec(`COPY ${table} (${columns.join(", ")}) FROM '/dev/blob'${copyOptions(format)}`, {
        blob: new Blob([text as BlobPart]),
      }),
    );
  };
}

function txClient(tx: Transaction): SqlClient {
  const client: SqlClient = {
    async query<R extends SqlRow>(sql: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
      const r = await translated(() => tx.query<R>(sql, [...params]));
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async exec(sql: string) {
      await translated(() => tx.exec(sql));
    },
    copyFrom: copyOn(tx),
    // PGlite has one connection: a nested transaction simply joins the outer one.
    transaction: (fn) => fn(client),
  };
  return client;
}

/** The embedded database, which can also dump its data folder (a template for `openPglite`). */
export type PgliteDatabase = Database & { dump(path: string): Promise<void> };

export type PgliteOptions = {
  /** A data-folder dump (from `dumpPglite`) to start from instead of running initdb: much faster for tests. */
  readonly template?: string;
};

/**
 * Opens the embedded engine. `dataDir` is a folder (created on first use) or `memory://` for a
 * throw-away in-memory database (tests).
 */
export async function openPglite(dataDir: string, options: PgliteOptions = {}): Promise<PgliteDatabase> {
  let db: PGlite;
  try {
    if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
    const loadDataDir = options.template ? new Blob([readFileSync(options.template)]) : undefined;
    db = await PGlite.create(dataDir, {
      parsers: PARSERS,
      startParams: pgliteStartParams(),
      ...(loadDataDir ? { loadDataDir } : {}),
    });
  } catch (error) {
    throw new WinnowError("WINNOW_ERR_DB_UNAVAILABLE", {
      message: `Cannot open the database in ${dataDir}`,
      cause: error,
    });
  }
  return {
    engine: "pglite",
    async query<R extends SqlRow>(sql: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
      const r = await translated(() => db.query<R>(sql, [...params]));
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async exec(sql: string) {
      await translated(() => db.exec(sql));
    },
    copyFrom: copyOn(db),
    transaction: (fn) => translated(() => db.transaction((tx) => fn(txClient(tx)))),
    close: () => db.close(),
    dump: async (path: string) => {
      const blob = await db.dumpDataDir("gzip");
      writeFileSync(path, Buffer.from(await blob.arrayBuffer()));
    },
  };
}

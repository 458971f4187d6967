import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { WinnowError } from "../../core/errors.ts";
import {
  type CopyFormat,
  copyOptions,
  type Database,
  type SqlClient,
  type SqlResult,
  type SqlRow,
} from "../ports.ts";
import { translated } from "../sql-errors.ts";
import { DataFolderFs } from "./data-folder-fs.ts";
import { pgliteStartParams } from "./engine-settings.ts";

// int8 and numeric come back as JS numbers on both engines (counts, amounts): see postgres adapter.
const PARSERS = { 20: (v: string) => Number(v), 1700: (v: string) => Number(v) };

/**
 * The protocol messages of `COPY table (columns) FROM STDIN` with its rows: the statement (a simple
 * query), the rows as one CopyData, then CopyDone. The table and columns come from Winnow's own lists.
 */
function copyMessage(
  table: string,
  columns: readonly string[],
  rows: string | Uint8Array,
  format: CopyFormat | undefined,
): Uint8Array {
  const sql = Buffer.from(`COPY ${table} (${columns.join(", ")}) FROM STDIN${copyOptions(format)}\0`);
  const data = typeof rows === "string" ? Buffer.from(rows) : rows;
  const out = Buffer.allocUnsafe(5 + sql.length + 5 + data.byteLength + 5);
  out[0] = 0x51; // Query
  out.writeUInt32BE(4 + sql.length, 1);
  sql.copy(out, 5);
  let at = 5 + sql.length;
  out[at] = 0x64; // CopyData
  out.writeUInt32BE(4 + data.byteLength, at + 1);
  out.set(data, at + 5);
  at += 5 + data.byteLength;
  out[at] = 0x63; // CopyDone
  out.writeUInt32BE(4, at + 1);
  return out;
}

/**
 * COPY ... FROM STDIN, as the wire protocol has it: the statement and its rows in one call into the
 * engine, which reads them as it reads any message (a copy into its memory). PGlite's other way,
 * `FROM '/dev/blob'` with the rows as a Blob, copied them twice more in JavaScript (into the Blob, out
 * of it) and then byte by byte into the engine: ~1 s of a 1M-lead import's main thread. Errors come
 * back as from any statement (execProtocolStream throws the database's error). Inside a transaction
 * the import's statements already run one at a time; the query lock is PGlite's own, as its `exec`
 * takes it. Outside one, the COPY is its own transaction, as with `exec`.
 */
function copyOn(db: PGlite, inTransaction: boolean): NonNullable<SqlClient["copyFrom"]> {
  return async (table, columns, rows, format) => {
    const message = copyMessage(table, columns, rows, format);
    const run = () => db._runExclusiveQuery(() => db.execProtocolStream(message, { syncToFs: false }));
    await translated(async () => {
      if (inTransaction) await run();
      else
        await db._runExclusiveTransaction(async () => {
          await run();
          await db.syncToFs();
        });
    });
  };
}

function txClient(db: PGlite, tx: Transaction): SqlClient {
  const client: SqlClient = {
    async query<R extends SqlRow>(sql: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
      const r = await translated(() => tx.query<R>(sql, [...params]));
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async exec(sql: string) {
      await translated(() => tx.exec(sql));
    },
    copyFrom: copyOn(db, true),
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
    const memory = dataDir.startsWith("memory://");
    if (!memory) mkdirSync(dataDir, { recursive: true });
    const loadDataDir = options.template ? new Blob([readFileSync(options.template)]) : undefined;
    db = await PGlite.create({
      ...(memory ? { dataDir } : { fs: new DataFolderFs(dataDir) }),
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
    copyFrom: copyOn(db, false),
    transaction: (fn) => translated(() => db.transaction((tx) => fn(txClient(db, tx)))),
    close: () => db.close(),
    dump: async (path: string) => {
      const blob = await db.dumpDataDir("gzip");
      writeFileSync(path, Buffer.from(await blob.arrayBuffer()));
    },
  };
}

import { finished } from "node:stream/promises";
import pg from "pg";
import { from as copyFromStdin } from "pg-copy-streams";
import { WinnowError } from "../../core/errors.ts";
import {
  type CopyFormat,
  type CopyPart,
  copyOptions,
  type Database,
  type SqlClient,
  type SqlResult,
  type SqlRow,
} from "../ports.ts";
import { translated } from "../sql-errors.ts";

// Same value shapes as the PGlite adapter: int8 and numeric as JS numbers (counts, amounts).
const TYPES = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

/** Runs statements on the pool or on one of its connections: named (prepared) when `name` is given. */
function runOn(q: pg.Pool | pg.PoolClient) {
  const on = q as pg.Pool;
  return (sql: string, params: unknown[], name?: string): Promise<pg.QueryResult> =>
    name
      ? on.query({ text: sql, values: params, name })
      : params.length
        ? on.query(sql, params)
        : on.query(sql);
}

/**
 * Runs a connection's statements one after the other in call order: each starts when the one before
 * it settles, without the caller awaiting it (what SqlClient.sendsInOrder promises). node-postgres
 * would queue them itself, but calling query() while one runs is deprecated (removed in pg 9).
 */
function inOrder() {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(start: () => Promise<T>): Promise<T> => {
    const p = last.then(start);
    last = p.catch(() => undefined);
    return p;
  };
}

/**
 * COPY ... FROM STDIN, the rows sent as one chunk. The statement is queued on the connection when
 * called (before any await), so COPYs and queries issued one after the other without awaiting run in
 * that order: see SqlClient.sendsInOrder.
 */
function copyWith(
  conn: pg.PoolClient,
  table: string,
  columns: readonly string[],
  text: string | Uint8Array,
  format?: CopyFormat,
): Promise<void> {
  const stream = conn.query(
    copyFromStdin(`COPY ${table} (${columns.join(", ")}) FROM STDIN${copyOptions(format)}`),
  );
  // Written into the stream's buffer now; sent once the server asks for the rows.
  stream.end(typeof text === "string" ? Buffer.from(text) : text);
  return translated(() => finished(stream));
}

/**
 * Several COPY ... FROM STDIN as one simple-query message (`COPY a (...) FROM STDIN; COPY b ...`),
 * each COPY's rows and CopyDone written right behind it, all before the server answers. One round
 * trip instead of two per COPY (copyWith: the statement, then its rows once the server asks for
 * them, then the next statement once it is ready again), during which the server would wait for this
 * process. The server reads the messages in order: each COPY of the message takes the rows that
 * follow it. On an error it skips the message's remaining statements, and drops every CopyData and
 * CopyDone that follows until the next statement (the protocol's rule for a failed COPY), so the
 * rows sent ahead are never mistaken for anything; the first error is the one reported.
 */
class CopyBatch implements pg.Submittable {
  readonly #text: string;
  readonly #parts: readonly CopyPart[];
  readonly done: Promise<void>;
  #settle!: (error: Error | null) => void;

  constructor(parts: readonly CopyPart[]) {
    this.#parts = parts;
    this.#text = parts
      .map((p) => `COPY ${p.table} (${p.columns.join(", ")}) FROM STDIN${copyOptions(p.format)}`)
      .join("; ");
    this.done = new Promise((ok, fail) => {
      this.#settle = (error) => (error ? fail(error) : ok());
    });
  }

  // node-postgres replaces it with its query_timeout hook when one is set; nothing to do otherwise.
  callback(): void {}

  submit(connection: pg.Connection): void {
    const stream = connection.stream;
    stream.cork();
    connection.query(this.#text);
    for (const p of this.#parts) {
      if (p.bytes.byteLength > 0) {
        const head = Buffer.allocUnsafe(5);
        head[0] = 0x64; // CopyData
        head.writeUInt32BE(p.bytes.byteLength + 4, 1);
        stream.write(head);
        stream.write(p.bytes);
      }
      stream.write(COPY_DONE);
    }
    stream.uncork();
  }

  handleCopyInResponse(): void {}
  handleCommandComplete(): void {}

  // node-postgres hands a query its first error and then drops it: no handleReadyForQuery follows.
  handleError(error: Error): void {
    this.callback();
    this.#settle(error);
  }

  handleReadyForQuery(): void {
    this.callback();
    this.#settle(null);
  }
}

const COPY_DONE = Buffer.from([0x63, 0, 0, 0, 4]);

/** COPY on a connection taken from the pool for it. */
function copyOnPool(pool: pg.Pool) {
  return async (
    table: string,
    columns: readonly string[],
    text: string | Uint8Array,
    format?: CopyFormat,
  ): Promise<void> => {
    const conn = await pool.connect();
    try {
      await copyWith(conn, table, columns, text, format);
    } finally {
      conn.release();
    }
  };
}

function clientOf(
  run: (sql: string, params: unknown[], name?: string) => Promise<pg.QueryResult>,
): Omit<SqlClient, "transaction"> {
  return {
    async query<R extends SqlRow>(
      sql: string,
      params: readonly unknown[] = [],
      options: { readonly name?: string } = {},
    ): Promise<SqlResult<R>> {
      const r = await translated(() => run(sql, [...params], options.name));
      return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
    },
    async exec(sql: string) {
      await translated(() => run(sql, []));
    },
  };
}

/** Opens a pool on a PostgreSQL server (`postgres://user@host:port/db`). */
export async function openPostgres(url: string, options: { readonly max?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types: TYPES });
  pool.on("error", () => {
    // An idle client lost its connection; the pool replaces it. Queries report their own errors.
  });
  try {
    const c = await pool.connect();
    c.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new WinnowError("WINNOW_ERR_DB_UNAVAILABLE", {
      message: `Cannot connect to PostgreSQL: ${(error as Error).message}`,
      cause: error,
    });
  }
  const base = clientOf(runOn(pool));
  return {
    engine: "postgres",
    ...base,
    copyFrom: copyOnPool(pool),
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      const conn = await pool.connect();
      const next = inOrder();
      const run = runOn(conn);
      const inner = clientOf((sql, params, name) => next(() => run(sql, params, name)));
      const tx: SqlClient = {
        ...inner,
        copyFrom: (table, columns, text, format) => {
          // As bytes at once: a text built with += is a tree of many small strings, which the garbage
          // collector would otherwise copy around for as long as the COPY waits in the queue.
          const bytes = typeof text === "string" ? Buffer.from(text) : text;
          return next(() => copyWith(conn, table, columns, bytes, format));
        },
        copyMany: (parts) =>
          next(() =>
            translated(() => {
              const batch = new CopyBatch(parts);
              conn.query(batch);
              return batch.done;
            }),
          ),
        sendsInOrder: true,
        transaction: (nested) => nested(tx),
      };
      try {
        await conn.query("BEGIN");
        const result = await fn(tx);
        await next(() => conn.query("COMMIT"));
        return result;
      } catch (error) {
        // After whatever was sent and is still running.
        await next(() => conn.query("ROLLBACK")).catch(() => undefined);
        throw error;
      } finally {
        conn.release();
      }
    },
    close: () => pool.end(),
  };
}

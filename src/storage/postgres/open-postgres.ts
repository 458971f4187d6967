import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFromStdin } from "pg-copy-streams";
import { WinnowError } from "../../core/errors.ts";
import type { Database, SqlClient, SqlResult, SqlRow } from "../ports.ts";
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

/** COPY ... FROM STDIN on one connection, the rows sent as one chunk. */
function copyOn(connection: () => Promise<{ conn: pg.PoolClient; release: boolean }>) {
  return async (table: string, columns: readonly string[], text: string): Promise<void> => {
    const { conn, release } = await connection();
    try {
      const sql = `COPY ${table} (${columns.join(", ")}) FROM STDIN`;
      await translated(() => pipeline(Readable.from([Buffer.from(text)]), conn.query(copyFromStdin(sql))));
    } finally {
      if (release) conn.release();
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
    copyFrom: copyOn(async () => ({ conn: await pool.connect(), release: true })),
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      const conn = await pool.connect();
      const inner = clientOf(runOn(conn));
      const tx: SqlClient = {
        ...inner,
        copyFrom: copyOn(async () => ({ conn, release: false })),
        transaction: (nested) => nested(tx),
      };
      try {
        await conn.query("BEGIN");
        const result = await fn(tx);
        await conn.query("COMMIT");
        return result;
      } catch (error) {
        await conn.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        conn.release();
      }
    },
    close: () => pool.end(),
  };
}

// The SQL client slice: the only thing the two adapters (PGlite, PostgreSQL) implement.

export type SqlRow = Record<string, unknown>;
export type SqlResult<R extends SqlRow = SqlRow> = { readonly rows: R[]; readonly rowCount: number };

/** Parameterised SQL (Postgres dialect, `$1` placeholders). Pass JSON as `JSON.stringify(x)` with a `::jsonb` cast. */
export interface SqlClient {
  /**
   * `options.name` (PostgreSQL): run it as a named prepared statement, parsed and planned once per
   * connection — for a hot statement whose text never changes (event ingest). PGlite ignores it.
   */
  query<R extends SqlRow = SqlRow>(
    sql: string,
    params?: readonly unknown[],
    options?: { readonly name?: string },
  ): Promise<SqlResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Plain inserts in bulk: `COPY table (columns) FROM STDIN` (PostgreSQL) or `FROM '/dev/blob'`
   * (PGlite); `text` is COPY's text format (storage/copy-text.ts), or those bytes in UTF-8. `table` and `columns` come from
   * code, never input. Optional: callers fall back to statements when a client lacks it.
   */
  copyFrom?(table: string, columns: readonly string[], text: string | Uint8Array): Promise<void>;
  /**
   * True when statements and COPYs reach the server in the order they are called, so a caller may
   * send several before awaiting the first (a PostgreSQL transaction: node-postgres queues them on
   * its one connection). Errors still come back per call; after the first, the rest fail too.
   */
  readonly sendsInOrder?: boolean;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. Nested calls join the outer one. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
}

export type Engine = "pglite" | "postgres";

/** An open database: the SQL slice plus its lifetime. */
export interface Database extends SqlClient {
  readonly engine: Engine;
  close(): Promise<void>;
}

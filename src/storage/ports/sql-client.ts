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
   * (PGlite); `text` is COPY's text format (storage/copy-text.ts), or those bytes in UTF-8, or with
   * `format: "binary"` COPY's binary format (storage/copy-binary.ts). `table` and `columns` come from
   * code, never input. Optional: callers fall back to statements when a client lacks it.
   */
  copyFrom?(
    table: string,
    columns: readonly string[],
    text: string | Uint8Array,
    format?: CopyFormat,
  ): Promise<void>;
  /**
   * Several of copyFrom's COPYs in this order, as one exchange with the server instead of one per COPY
   * (PostgreSQL: one message of statements with every COPY's rows right behind it). All or none are
   * applied only as the surrounding transaction is: a failure rejects with the first error, and the
   * COPYs after it are not run. Optional: callers fall back to copyFrom.
   */
  copyMany?(parts: readonly CopyPart[]): Promise<void>;
  /**
   * True when statements and COPYs reach the server in the order they are called, so a caller may
   * send several before awaiting the first (a PostgreSQL transaction: node-postgres queues them on
   * its one connection). Errors still come back per call; after the first, the rest fail too.
   */
  readonly sendsInOrder?: boolean;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. Nested calls join the outer one. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
}

/** COPY's text format (the default) or its binary one. */
export type CopyFormat = "text" | "binary";

/** One COPY of SqlClient.copyMany: its rows in COPY's text format in UTF-8, or in its binary format. */
export type CopyPart = {
  readonly table: string;
  readonly columns: readonly string[];
  readonly bytes: Uint8Array;
  readonly format?: CopyFormat;
};

/** A COPY ... FROM statement's options for a format: none for text. */
export function copyOptions(format: CopyFormat | undefined): string {
  return format === "binary" ? " WITH (FORMAT binary)" : "";
}

export type Engine = "pglite" | "postgres";

/** An open database: the SQL slice plus its lifetime. */
export interface Database extends SqlClient {
  readonly engine: Engine;
  close(): Promise<void>;
}

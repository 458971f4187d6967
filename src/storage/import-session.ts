import type { Engine, SqlClient } from "./ports/sql-client.ts";

/**
 * Non-unique secondary indexes an import may rebuild instead of maintaining row by row, per table it
 * writes. Unique indexes (ids, emails, domains, external ids, event keys) stay: upserts need them.
 * leads_contact stays too: each batch probes it for contacts that already have a lead.
 */
const REBUILDABLE: Readonly<Record<string, readonly string[]>> = {
  contacts: ["contacts_account"],
  leads: ["leads_account", "leads_owner_stage", "leads_created", "leads_sla_due"],
  lead_history: ["lead_history_lead", "lead_history_kind_at"],
};

export type ImportSessionOptions = {
  /** Tables the import writes (from a closed list: see REBUILDABLE). */
  readonly tables: readonly string[];
  readonly skipForeignKeyTriggers: boolean;
  readonly rebuildIndexes: boolean;
  /** Rows from which a table no longer counts as small (its indexes are then maintained). Default 20,000. */
  readonly smallTableRows?: number;
};

export type ImportSession = {
  /** Whether foreign-key triggers are off: the caller's own reference checks are then all there is. */
  readonly foreignKeyTriggersOff: boolean;
  readonly rebuiltIndexes: readonly string[];
  /** Recreates the dropped indexes; call before commit (a rollback restores them anyway). */
  finish(): Promise<void>;
};

/**
 * Prepares a transaction for a large import: on PGlite only, foreign-key triggers off for the rest
 * of the transaction (SET LOCAL session_replication_role = replica) and, when the written tables
 * are empty or small, their non-unique secondary indexes dropped and rebuilt at the end (one sort
 * per index instead of one descent per row). See docs/import.md#bulk-mode-pglite for why both are safe
 * there and not used on PostgreSQL.
 */
export async function openImportSession(
  sql: SqlClient,
  engine: Engine,
  options: ImportSessionOptions,
): Promise<ImportSession> {
  const pglite = engine === "pglite";
  const fkOff = pglite && options.skipForeignKeyTriggers && !(await hasOwnTriggers(sql, options.tables));
  if (fkOff) await sql.exec("SET LOCAL session_replication_role = replica");
  const dropped: { name: string; def: string }[] = [];
  if (pglite && options.rebuildIndexes) {
    const names = options.tables.flatMap((t) => REBUILDABLE[t] ?? []);
    const tables = options.tables.filter((t) => REBUILDABLE[t]);
    if (names.length > 0 && (await small(sql, tables, options.smallTableRows ?? SMALL))) {
      const r = await sql.query<{ indexname: string; indexdef: string }>(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ANY($1::text[]) ORDER BY indexname",
        [names],
      );
      for (const x of r.rows) {
        // The name is one of REBUILDABLE's (matched by the catalog query above), never input.
        await sql.exec(`DROP INDEX ${x.indexname}`);
        dropped.push({ name: x.indexname, def: x.indexdef });
      }
    }
  }
  return {
    foreignKeyTriggersOff: fkOff,
    rebuiltIndexes: dropped.map((d) => d.name),
    async finish() {
      for (const d of dropped) await sql.exec(d.def);
      dropped.length = 0;
    },
  };
}

/** Rows under which a table counts as small: rebuilding its indexes costs less than the import's own rows. */
const SMALL = 20_000;

async function small(sql: SqlClient, tables: readonly string[], limit: number): Promise<boolean> {
  for (const t of tables) {
    // t is one of REBUILDABLE's keys (a closed list), never input.
    const r = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${t} LIMIT $1) x`,
      [limit],
    );
    if ((r.rows[0]?.n ?? 0) >= limit) return false;
  }
  return true;
}

/**
 * Triggers the import could not do without: `replica` turns off every ordinary trigger, not only
 * the foreign-key ones, so it is used only when the written tables have none of their own besides
 * lead_history's append-only guard (BEFORE UPDATE OR DELETE: an import only inserts history).
 * A trigger added later by a migration therefore keeps the foreign-key checks on rather than
 * being silently skipped.
 */
async function hasOwnTriggers(sql: SqlClient, tables: readonly string[]): Promise<boolean> {
  const r = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     WHERE NOT t.tgisinternal AND c.relname = ANY($1::text[]) AND c.relnamespace = current_schema()::regnamespace
       AND NOT (c.relname = 'lead_history' AND t.tgname = 'lead_history_append_only')`,
    [tables],
  );
  return (r.rows[0]?.n ?? 0) > 0;
}

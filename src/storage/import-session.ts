import type { Engine, SqlClient } from "./ports/sql-client.ts";
import { IMPORT_HISTORY } from "./repositories/bulk-columns.ts";

/**
 * Non-unique secondary indexes an import may rebuild instead of maintaining row by row, per table it
 * writes. Unique indexes (ids, emails, domains, external ids, event keys) stay: upserts need them.
 * leads_contact stays too: each batch probes it for contacts that already have a lead.
 */
const REBUILDABLE: Readonly<Record<string, readonly string[]>> = {
  contacts: ["contacts_account"],
  leads: ["leads_account", "leads_owner", "leads_created", "leads_sla_due"],
  lead_history: ["lead_history_lead", "lead_history_stage_at"],
};

/**
 * Primary keys an import may add again at its end instead of maintaining row by row: ones the import
 * never looks a row up by, and that no foreign key refers to (checked in the catalog each time, so a
 * later reference keeps the key in place). History ids come from the table's own identity, so they
 * are unique whatever the import writes; adding the key back checks it all the same. 1M history rows:
 * ~1.0 s maintained, ~0.4 s added at the end.
 */
const REBUILDABLE_KEYS: Readonly<Record<string, readonly string[]>> = {
  lead_history: ["lead_history_pkey"],
};

export type ImportSessionOptions = {
  /** Tables the import writes (from a closed list: see REBUILDABLE). */
  readonly tables: readonly string[];
  readonly skipForeignKeyTriggers: boolean;
  readonly rebuildIndexes: boolean;
  /** Rows from which a table no longer counts as small (its indexes are then maintained). Default 20,000. */
  readonly smallTableRows?: number;
  /**
   * Try to make it an initial load (a leads import in bulk mode): see tryInitialLoad. The import
   * then tells its bulk repository (BulkRepository.initialLoad).
   */
  readonly initialLoad?: boolean;
  /**
   * On PGlite, with lead_history among `tables`: give lead_history's kind, actor and reason, for the
   * transaction, the values every first history entry of this import has (IMPORT_HISTORY, this
   * actor), so its COPYs need not send them (`setHistoryDefaults`); `finish` puts back what was there.
   */
  readonly historyActor?: string;
};

export type ImportSession = {
  /**
   * Accounts and contacts were empty when the import began and, on PostgreSQL, stay locked against
   * other connections' writes (not their reads) until it ends: only this import can store a key.
   */
  readonly initialLoad: boolean;
  /** Whether foreign-key triggers are off: the caller's own reference checks are then all there is. */
  readonly foreignKeyTriggersOff: boolean;
  readonly rebuiltIndexes: readonly string[];
  /** Tables truncated at the start (PGlite, an initial load with every one of them empty): see truncateIfEmpty. */
  readonly truncated: readonly string[];
  /** Whether lead_history has the import's defaults until `finish` (options.historyActor). */
  readonly historyDefaults: boolean;
  /** Recreates the dropped indexes and puts back lead_history's defaults; call before commit (a rollback restores them anyway). */
  finish(): Promise<void>;
};

/**
 * Prepares a transaction for a large import: foreign-key triggers off for the rest of the
 * transaction (SET LOCAL session_replication_role = replica) where that is safe and allowed (see
 * foreignKeyTriggersMayGo) and, on PGlite only, when the written tables are empty or small, their
 * non-unique secondary indexes (REBUILDABLE) and the history's primary key (REBUILDABLE_KEYS) dropped
 * and built again at the end (one sort per index instead of one descent per row). Not on
 * PostgreSQL: DROP INDEX would lock readers out for the whole import, and at 1M leads it saved the
 * server little CPU, all of it moved after the last batch, for fewer rows/s (bench/import-server.ts).
 * Also on PGlite only, with `historyActor`: lead_history's shared columns given defaults until
 * `finish` (setHistoryDefaults). See docs/import.md#bulk-mode for why each is safe where it is used.
 */
export async function openImportSession(
  sql: SqlClient,
  engine: Engine,
  options: ImportSessionOptions,
): Promise<ImportSession> {
  const pglite = engine === "pglite";
  // First, before any other statement: under REPEATABLE READ the snapshot would otherwise predate the lock.
  const initialLoad = options.initialLoad === true && (await tryInitialLoad(sql, engine));
  const fkOff =
    options.skipForeignKeyTriggers && (await foreignKeyTriggersMayGo(sql, engine, options.tables));
  if (fkOff) await sql.exec("SET LOCAL session_replication_role = replica");
  const truncated = pglite && initialLoad ? await truncateIfEmpty(sql, options.tables) : [];
  const restoreHistory =
    pglite && options.historyActor !== undefined && options.tables.includes("lead_history")
      ? await setHistoryDefaults(sql, options.historyActor)
      : null;
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
      const keys = await sql.query<{ rel: string; name: string; def: string }>(
        `SELECT k.conrelid::regclass::text AS rel, k.conname AS name, pg_get_constraintdef(k.oid) AS def
         FROM pg_constraint k
         WHERE k.contype = 'p' AND k.conname = ANY($1::text[]) AND k.connamespace = current_schema()::regnamespace
           AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = k.conrelid)
         ORDER BY k.conname`,
        [options.tables.flatMap((t) => REBUILDABLE_KEYS[t] ?? [])],
      );
      for (const k of keys.rows) {
        // Table and key are REBUILDABLE_KEYS' (matched by the catalog query above); the definition
        // is the catalog's own.
        await sql.exec(`ALTER TABLE ${k.rel} DROP CONSTRAINT ${k.name}`);
        dropped.push({ name: k.name, def: `ALTER TABLE ${k.rel} ADD CONSTRAINT ${k.name} ${k.def}` });
      }
    }
  }
  return {
    initialLoad,
    foreignKeyTriggersOff: fkOff,
    rebuiltIndexes: dropped.map((d) => d.name),
    truncated,
    historyDefaults: restoreHistory !== null,
    async finish() {
      for (const d of dropped) await sql.exec(d.def);
      dropped.length = 0;
      if (restoreHistory) await sql.exec(restoreHistory);
    },
  };
}

/** lead_history's columns whose values all of an import's first entries share. */
const HISTORY_SHARED = ["kind", "actor", "reason"] as const;

/**
 * Gives lead_history's kind, actor and reason the values of an import's first entries as defaults
 * (ALTER TABLE, inside the import's transaction: a rollback or crash leaves the table as it was), and
 * returns the statement that puts back the defaults they had (from the catalog: none, as migrated).
 * A COPY that leaves out a column fills it with its default, a constant, instead of reading and
 * checking a text value per row: ~0.37 s per 1M history rows on PGlite (a micro-benchmark of binary
 * COPYs, three rounds). Only on PGlite, whose one session is the import's: on a server, ALTER TABLE
 * would lock every reader of the table out until the commit. The actor is quoted by the database
 * (`format('%L')`), never by this code.
 */
async function setHistoryDefaults(sql: SqlClient, actor: string): Promise<string> {
  const had = await sql.query<{ name: string; def: string | null }>(
    `SELECT a.attname AS name, pg_get_expr(d.adbin, d.adrelid) AS def
     FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attrelid = 'lead_history'::regclass AND a.attname = ANY($1::text[]) AND NOT a.attisdropped
     ORDER BY a.attnum`,
    [HISTORY_SHARED],
  );
  if (had.rows.length !== HISTORY_SHARED.length)
    throw new Error(`lead_history lacks one of ${HISTORY_SHARED.join(", ")}: is the schema migrated?`);
  const set = await sql.query<{ ddl: string }>(
    "SELECT format('ALTER TABLE lead_history ALTER COLUMN kind SET DEFAULT %L, ALTER COLUMN actor SET DEFAULT %L, ALTER COLUMN reason SET DEFAULT %L', $1::text, $2::text, $3::text) AS ddl",
    [IMPORT_HISTORY.kind, actor, IMPORT_HISTORY.reason],
  );
  await sql.exec(set.rows[0]?.ddl as string);
  // The names are HISTORY_SHARED's (matched in the catalog above); each default is the catalog's own.
  const back = had.rows.map((c) =>
    c.def === null ? `ALTER COLUMN ${c.name} DROP DEFAULT` : `ALTER COLUMN ${c.name} SET DEFAULT ${c.def}`,
  );
  return `ALTER TABLE lead_history ${back.join(", ")}`;
}

/**
 * PGlite, an initial load: the written tables, and every table that refers to them (foreign keys,
 * followed recursively), truncated when every one of them is empty — which removes no row, but gives
 * them new files in this transaction, so that with PGlite's `wal_level = minimal` the rows copied
 * into them are not written to the WAL: the files are synced at commit instead, and a rollback (or a
 * crash before the commit) leaves the old, empty ones (figures: docs/import.md#bulk-mode, point 4).
 * A table of the list that holds a row: nothing is
 * truncated. Without every referring table in the list, TRUNCATE would refuse rather than cascade.
 * The names come from the catalog, never from input.
 */
async function truncateIfEmpty(sql: SqlClient, tables: readonly string[]): Promise<string[]> {
  const c = await sql.query<{ rel: string }>(
    `WITH RECURSIVE c(rel) AS (
       SELECT t::regclass FROM unnest($1::text[]) AS t
       UNION
       SELECT con.conrelid FROM pg_constraint con JOIN c ON con.confrelid = c.rel WHERE con.contype = 'f')
     SELECT rel::text AS rel FROM c ORDER BY 1`,
    [tables],
  );
  const rels = c.rows.map((r) => r.rel);
  if (rels.length === 0) return [];
  const empty = await sql.query<{ empty: boolean }>(
    `SELECT ${rels.map((r) => `NOT EXISTS (SELECT 1 FROM ${r})`).join(" AND ")} AS empty`,
  );
  if (empty.rows[0]?.empty !== true) return [];
  await sql.exec(`TRUNCATE ${rels.join(", ")}`);
  return rels;
}

/**
 * Makes the transaction an initial load when accounts and contacts are both empty: no batch can then
 * find a stored domain or email but one this import stored itself, which its bulk repository tracks.
 *
 * On PostgreSQL the two tables are first locked IN SHARE ROW EXCLUSIVE MODE NOWAIT, inside a savepoint.
 * That lock lets other connections read both tables, and conflicts with the ROW EXCLUSIVE lock every
 * INSERT, UPDATE and DELETE takes: once granted, no other transaction has uncommitted writes there, and
 * none can write there (they wait) until this one commits or rolls back — so the emptiness checked
 * after it (a fresh snapshot under READ COMMITTED; any other level, no initial load) holds to the end.
 * Not granted at once (55P03: another transaction has written to or locked either table and not ended),
 * no privilege to take it (42501), or a table not empty: ROLLBACK TO the savepoint releases the lock
 * and the import goes on as before. PGlite has one connection, held by the import: only the check.
 */
async function tryInitialLoad(sql: SqlClient, engine: Engine): Promise<boolean> {
  const EMPTY = `SELECT current_setting('transaction_isolation') = 'read committed'
      AND NOT EXISTS (SELECT 1 FROM accounts) AND NOT EXISTS (SELECT 1 FROM contacts) AS empty`;
  if (engine === "pglite") return (await sql.query<{ empty: boolean }>(EMPTY)).rows[0]?.empty === true;
  await sql.exec("SAVEPOINT winnow_initial_load");
  let empty = false;
  try {
    await sql.exec("LOCK TABLE accounts, contacts IN SHARE ROW EXCLUSIVE MODE NOWAIT");
    empty = (await sql.query<{ empty: boolean }>(EMPTY)).rows[0]?.empty === true;
  } catch (error) {
    const state = sqlState(error);
    if (state !== "55P03" && state !== "42501") throw error;
  }
  if (empty) await sql.exec("RELEASE SAVEPOINT winnow_initial_load");
  else {
    await sql.exec("ROLLBACK TO SAVEPOINT winnow_initial_load");
    await sql.exec("RELEASE SAVEPOINT winnow_initial_load");
  }
  return empty;
}

function sqlState(error: unknown): unknown {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  return e?.code ?? e?.cause?.code;
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

/**
 * References to a table the import does not write that the bulk repository locks FOR KEY SHARE when
 * it looks them up (`referencing>referenced`): a contact's account (STORED_CONTACT_KEYS,
 * UPSERT_CONTACTS), a deal's account and lead (RESOLVE_DEALS), an event's lead (RESOLVE_EVENT_LEADS).
 */
const LOCKED_LOOKUPS: ReadonlySet<string> = new Set([
  "contacts>accounts",
  "deals>accounts",
  "deals>leads",
  "events>leads",
]);

/**
 * Whether the import may do without the per-row foreign-key triggers.
 *
 * - Written tables with triggers of their own keep them all (hasOwnTriggers).
 * - PGlite: always (one connection, and the import's transaction holds it; it runs as superuser).
 * - PostgreSQL: only when
 *   1. the role may set session_replication_role: a superuser, or on PostgreSQL 15+ a role granted
 *      `SET ON PARAMETER session_replication_role` (has_parameter_privilege); otherwise the triggers
 *      stay, as before;
 *   2. every table a written table references is written too (the leads import: accounts,
 *      contacts, leads, lead_history), or its rows are locked FOR KEY SHARE where the import looks
 *      them up (LOCKED_LOOKUPS: what contacts, deals and events imports refer to). The leads
 *      import inserts or upserts, in the same batch, every account and contact its rows reference
 *      before a row refers to it: an inserted row is
 *      invisible to other connections until the commit, and ON CONFLICT DO UPDATE locks the row it
 *      conflicts with, so no other connection can delete one or change its key before the commit,
 *      which is what the triggers' FOR KEY SHARE guarantees. The one reference only looked up (a
 *      stored contact's account, kept when the row names none) is locked FOR KEY SHARE by the bulk
 *      repository (createLeads). A reference added later to a table no import writes or locks keeps
 *      the triggers on;
 *   3. the client has COPY: the argument above is made for the bulk repository's COPY path.
 * See docs/import.md#bulk-mode.
 */
async function foreignKeyTriggersMayGo(
  sql: SqlClient,
  engine: Engine,
  tables: readonly string[],
): Promise<boolean> {
  if (await hasOwnTriggers(sql, tables)) return false;
  if (engine === "pglite") return true;
  if (!sql.copyFrom) return false;
  const r = await sql.query<{ superuser: boolean; version: number; outside: string[] }>(
    `SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS superuser,
            current_setting('server_version_num')::int AS version,
            ARRAY(SELECT c.relname::text || '>' || f.relname::text FROM pg_constraint k
               JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid
              WHERE k.contype = 'f' AND c.relname = ANY($1::text[])
                AND c.relnamespace = current_schema()::regnamespace
                AND NOT (f.relname = ANY($1::text[]) AND f.relnamespace = current_schema()::regnamespace)) AS outside`,
    [tables],
  );
  const row = r.rows[0];
  if (!row || row.outside.some((ref) => !LOCKED_LOOKUPS.has(ref))) return false;
  if (row.superuser) return true;
  // has_parameter_privilege (and GRANT SET ON PARAMETER) came with PostgreSQL 15.
  if (row.version < 150000) return false;
  const p = await sql.query<{ ok: boolean }>(
    "SELECT has_parameter_privilege('session_replication_role', 'SET') AS ok",
  );
  return p.rows[0]?.ok === true;
}

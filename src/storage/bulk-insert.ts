import type { SqlClient } from "./ports.ts";

/**
 * Columns (and their SQL types) that bulk inserts may write, per table. Only these names ever reach
 * the SQL text; the values travel as one JSON parameter, so a whole chunk is one statement.
 */
const BULK_TABLES = {
  accounts: {
    id: "text",
    name: "text",
    domain: "text",
    industry: "text",
    employees: "integer",
    annual_revenue: "float8",
    country: "text",
    region: "text",
    attributes: "jsonb",
  },
  contacts: {
    id: "text",
    account_id: "text",
    email: "text",
    first_name: "text",
    last_name: "text",
    title: "text",
    seniority: "text",
    buying_role: "text",
    phone: "text",
    email_status: "text",
    unsubscribed: "boolean",
    attributes: "jsonb",
  },
  leads: {
    id: "text",
    contact_id: "text",
    account_id: "text",
    source: "text",
    entry_path: "text",
    owner_id: "text",
    stage: "text",
    stage_entered_at: "timestamptz",
    reason: "text",
    created_at: "timestamptz",
  },
  lead_history: {
    lead_id: "text",
    kind: "text",
    actor: "text",
    at: "timestamptz",
    reason: "text",
    before: "jsonb",
    after: "jsonb",
  },
  activities: {
    lead_id: "text",
    type: "text",
    outcome: "text",
    occurred_at: "timestamptz",
    actor: "text",
    body: "text",
  },
  deals: {
    id: "text",
    account_id: "text",
    lead_id: "text",
    name: "text",
    amount: "float8",
    currency: "text",
    status: "text",
    created_at: "timestamptz",
    close_date: "timestamptz",
    reason: "text",
  },
  lead_scores: {
    lead_id: "text",
    model_id: "text",
    fit: "float8",
    engagement: "float8",
    grade: "text",
    explanation: "jsonb",
    computed_at: "timestamptz",
  },
  scorecards: {
    lead_id: "text",
    version: "integer",
    framework: "text",
    evidence: "jsonb",
    verdict_outcome: "text",
    verdict: "jsonb",
    created_by: "text",
    created_at: "timestamptz",
  },
} as const satisfies Record<string, Record<string, string>>;

export type BulkTable = keyof typeof BULK_TABLES;
export type BulkRow<T extends BulkTable> = { readonly [K in keyof (typeof BULK_TABLES)[T]]?: unknown };

/**
 * Inserts many rows into `table` in one statement (for seeding and bulk loads; the caller runs it in
 * a transaction and has validated the rows). Every listed column is written: one left out is NULL.
 *
 * @example
 * await bulkInsert(tx, "activities", [{ lead_id: "l1", type: "call", occurred_at: now, actor: "ana" }]);
 */
export async function bulkInsert<T extends BulkTable>(
  sql: SqlClient,
  table: T,
  rows: readonly BulkRow<T>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.entries(BULK_TABLES[table] as Record<string, string>);
  const names = columns.map(([c]) => c).join(", ");
  const defs = columns.map(([c, t]) => `${c} ${t}`).join(", ");
  await sql.query(
    `INSERT INTO ${table} (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS x(${defs})`,
    [JSON.stringify(rows)],
  );
}

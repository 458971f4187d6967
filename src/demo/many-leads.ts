import type { Instant } from "../core/records.ts";
import type { SqlClient } from "../storage/ports.ts";

export type ManyLeadsOptions = {
  /** How many leads (each with its own contact and a current score). */
  readonly leads: number;
  /** Accounts the leads are spread over (default leads / 50, at least 1). */
  readonly accounts?: number;
  /** Lower-case prefix of every id, email and domain, so several batches can share a database. */
  readonly prefix?: string;
  /** Creation time of lead 1; lead g is created g seconds later (default 2026-01-01). */
  readonly start?: Instant;
  /** Owner ids the leads rotate over (default rep-0 … rep-9). */
  readonly owners?: readonly string[];
};

const STAGES = ["new", "mql", "mql", "sal", "sql", "opportunity", "won", "lost", "recycled"];
const INDUSTRIES = ["software", "fintech", "retail", "manufacturing", "education", "healthcare"];

/**
 * Writes `leads` synthetic leads set-based (four INSERT … SELECT FROM generate_series statements in
 * one transaction: accounts, contacts, leads, current scores), for checks and benchmarks at a size
 * the per-lead paths would take minutes to reach. Stages, owners, industries and scores are spread
 * deterministically; no events or history. Returns the number of leads written.
 *
 * @example
 * await seedManyLeads(storage.sql, { leads: 100_000 }); // ~100k leads in a few seconds
 */
export async function seedManyLeads(sql: SqlClient, options: ManyLeadsOptions): Promise<number> {
  const n = options.leads;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`leads must be a positive whole number, not ${n}`);
  const accounts = Math.max(1, options.accounts ?? Math.floor(n / 50));
  const prefix = options.prefix ?? "bulk-";
  if (!/^[a-z0-9-]*$/.test(prefix))
    throw new RangeError(`prefix must be lower-case letters, digits or '-', not "${prefix}"`);
  const start = options.start ?? "2026-01-01T00:00:00.000Z";
  const owners = JSON.stringify(options.owners ?? Array.from({ length: 10 }, (_, i) => `rep-${i}`));
  await sql.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO accounts (id, name, domain, industry, employees, country, region, created_at, updated_at)
       SELECT $1 || 'acc-' || g, 'Company ' || g, $1 || 'co-' || g || '.example',
              ($2::jsonb ->> (g % jsonb_array_length($2::jsonb))), 5 + (g * 37) % 5000, 'US', 'na', $3::timestamptz, $3::timestamptz
       FROM generate_series(1, $4::int) AS g`,
      [prefix, JSON.stringify(INDUSTRIES), start, accounts],
    );
    await tx.query(
      `INSERT INTO contacts (id, account_id, email, first_name, last_name, seniority, created_at, updated_at)
       SELECT $1 || 'con-' || g, $1 || 'acc-' || (1 + g % $2::int), $1 || 'person-' || g || '@co-' || (1 + g % $2::int) || '.example',
              'Person', 'No ' || g, (ARRAY['individual', 'manager', 'director', 'vp'])[1 + g % 4], $3::timestamptz, $3::timestamptz
       FROM generate_series(1, $4::int) AS g`,
      [prefix, accounts, start, n],
    );
    await tx.query(
      `INSERT INTO leads (id, contact_id, account_id, source, owner_id, stage, stage_entered_at, created_at, updated_at)
       SELECT $1 || 'lead-' || g, $1 || 'con-' || g, $1 || 'acc-' || (1 + g % $2::int), 'website_form',
              ($3::jsonb ->> (g % jsonb_array_length($3::jsonb))), ($4::jsonb ->> (g % jsonb_array_length($4::jsonb))),
              $5::timestamptz + make_interval(secs => g), $5::timestamptz + make_interval(secs => g), $5::timestamptz + make_interval(secs => g)
       FROM generate_series(1, $6::int) AS g`,
      [prefix, accounts, owners, JSON.stringify(STAGES), start, n],
    );
    await tx.query(
      `INSERT INTO lead_scores (lead_id, fit, engagement, grade, computed_at)
       SELECT $1 || 'lead-' || g, (g * 7919) % 101, (g * 7717) % 81,
              (CASE WHEN (g * 7919) % 101 >= 60 THEN 'A' WHEN (g * 7919) % 101 >= 40 THEN 'B' WHEN (g * 7919) % 101 >= 20 THEN 'C' ELSE 'D' END)
              || (CASE WHEN (g * 7717) % 81 >= 60 THEN '1' WHEN (g * 7717) % 81 >= 30 THEN '2' WHEN (g * 7717) % 81 >= 10 THEN '3' ELSE '4' END),
              $2::timestamptz
       FROM generate_series(1, $3::int) AS g`,
      [prefix, start, n],
    );
  });
  await sql.query("ANALYZE accounts, contacts, leads, lead_scores");
  return n;
}

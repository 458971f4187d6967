import type {
  AccountImportRow,
  BulkResult,
  ContactImportRow,
  LeadImportRow,
  LeadsImportResult,
  SqlClient,
} from "../ports.ts";

// A batch of leads in ONE statement and one round trip: accounts are upserted by domain, contacts by
// email (linked to the accounts through the upsert's RETURNING, not a second look-up of the whole
// accounts table), then a lead and its first history row for each contact that has none yet.
// Data-modifying CTEs all run against the snapshot taken when the statement starts, so each step
// reads the previous one's RETURNING rows; every account domain and contact email of the batch is
// in those rows because an upsert with DO UPDATE returns updated rows as well as inserted ones.

const IMPORT_LEADS = `
WITH acc AS (
  INSERT INTO accounts AS a (name, domain, industry, employees, annual_revenue, country, region, attributes)
  SELECT coalesce(name, domain), domain, industry, employees, annual_revenue, country, region, coalesce(attributes, '{}'::jsonb)
  FROM jsonb_to_recordset($1::jsonb) AS x(name text, domain text, industry text, employees int,
    annual_revenue float8, country text, region text, attributes jsonb)
  ON CONFLICT (domain) DO UPDATE SET
    name = CASE WHEN excluded.name = excluded.domain THEN a.name ELSE excluded.name END,
    industry = coalesce(excluded.industry, a.industry),
    employees = coalesce(excluded.employees, a.employees),
    annual_revenue = coalesce(excluded.annual_revenue, a.annual_revenue),
    country = coalesce(excluded.country, a.country),
    region = coalesce(excluded.region, a.region),
    attributes = a.attributes || excluded.attributes,
    version = a.version + 1,
    updated_at = now()
  RETURNING a.id, a.domain, (xmax = 0) AS inserted
), con AS (
  INSERT INTO contacts AS c (email, first_name, last_name, title, seniority, buying_role, phone, account_id, attributes)
  SELECT i.email, i.first_name, i.last_name, i.title, i.seniority, i.buying_role, i.phone, acc.id, coalesce(i.attributes, '{}'::jsonb)
  FROM jsonb_to_recordset($2::jsonb) AS i(email text, first_name text, last_name text, title text,
    seniority text, buying_role text, phone text, account_domain text, attributes jsonb)
  LEFT JOIN acc ON acc.domain = i.account_domain
  ON CONFLICT (email) DO UPDATE SET
    first_name = coalesce(excluded.first_name, c.first_name),
    last_name = coalesce(excluded.last_name, c.last_name),
    title = coalesce(excluded.title, c.title),
    seniority = coalesce(excluded.seniority, c.seniority),
    buying_role = coalesce(excluded.buying_role, c.buying_role),
    phone = coalesce(excluded.phone, c.phone),
    account_id = coalesce(excluded.account_id, c.account_id),
    attributes = c.attributes || excluded.attributes,
    version = c.version + 1,
    updated_at = now()
  RETURNING c.id, c.email, c.account_id, (xmax = 0) AS inserted
), ins AS (
  INSERT INTO leads (contact_id, account_id, source, entry_path, owner_id, stage, stage_entered_at, created_at)
  SELECT j.id, j.account_id, j.source, coalesce(j.entry_path, 'standard'), j.owner_id, coalesce(j.stage, 'new'), j.created_at, j.created_at
  FROM (
    -- OFFSET 0 keeps this join (hashed) apart from the anti-join below: merged, the planner believes
    -- the anti-join leaves one row and rescans the whole input for each contact (quadratic).
    SELECT con.id, con.account_id, i.source, i.entry_path, i.owner_id, i.stage, i.created_at
    FROM jsonb_to_recordset($3::jsonb) AS i(email text, source text, entry_path text, owner_id text, stage text, created_at timestamptz)
    JOIN con ON con.email = i.email
    OFFSET 0
  ) j
  WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.contact_id = j.id)
  RETURNING id, stage, created_at
), hist AS (
  INSERT INTO lead_history (lead_id, kind, actor, at, reason, before, after)
  SELECT id, 'stage', $4, created_at, 'imported', NULL, jsonb_build_object('stage', stage) FROM ins
)
SELECT
  (SELECT count(*) FROM acc)::int AS accounts,
  (SELECT count(*) FROM acc WHERE inserted)::int AS accounts_created,
  (SELECT count(*) FROM con)::int AS contacts,
  (SELECT count(*) FROM con WHERE inserted)::int AS contacts_created,
  (SELECT count(*) FROM ins)::int AS leads`;

/** The JSON shape of an account row in a bulk statement. */
export const accountPayload = (r: AccountImportRow) => ({
  name: r.name,
  domain: r.domain,
  industry: r.industry,
  employees: r.employees,
  annual_revenue: r.annualRevenue,
  country: r.country,
  region: r.region,
  attributes: r.attributes,
});

/** The JSON shape of a contact row in a bulk statement. */
export const contactPayload = (r: ContactImportRow) => ({
  email: r.email,
  first_name: r.firstName,
  last_name: r.lastName,
  title: r.title,
  seniority: r.seniority,
  buying_role: r.buyingRole,
  phone: r.phone,
  account_domain: r.accountDomain,
  attributes: r.attributes,
});

/** The JSON shape of a lead row in a bulk statement. */
export const leadPayload = (r: LeadImportRow) => ({
  email: r.email,
  source: r.source,
  entry_path: r.entryPath,
  owner_id: r.ownerId,
  stage: r.stage,
  created_at: r.createdAt,
});

const result = (total: number, returned: number, created: number): BulkResult => ({
  created,
  updated: returned - created,
  skipped: total - returned,
  missing: [],
});

/**
 * Upserts accounts (with a domain: rows without one are not linked to contacts here) and contacts,
 * then creates the leads that do not exist yet with their history, in one statement.
 */
export async function importLeads(
  sql: SqlClient,
  accounts: readonly AccountImportRow[],
  contacts: readonly ContactImportRow[],
  leads: readonly LeadImportRow[],
  actor: string,
): Promise<LeadsImportResult> {
  const r = await sql.query<{
    accounts: number;
    accounts_created: number;
    contacts: number;
    contacts_created: number;
    leads: number;
  }>(IMPORT_LEADS, [
    JSON.stringify(accounts.map(accountPayload)),
    JSON.stringify(contacts.map(contactPayload)),
    JSON.stringify(leads.map(leadPayload)),
    actor,
  ]);
  const row = r.rows[0] ?? { accounts: 0, accounts_created: 0, contacts: 0, contacts_created: 0, leads: 0 };
  return {
    accounts: result(accounts.length, row.accounts, row.accounts_created),
    contacts: result(contacts.length, row.contacts, row.contacts_created),
    leads: { created: row.leads, updated: 0, skipped: leads.length - row.leads, missing: [] },
  };
}

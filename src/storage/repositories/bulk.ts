import { WinnowError } from "../../core/errors.ts";
import { orderedId } from "../ordered-ids.ts";
import type {
  AccountImportRow,
  BulkRepository,
  BulkResult,
  ContactImportRow,
  Engine,
  LeadImportRow,
  SqlClient,
} from "../ports.ts";
import {
  ACCOUNT_COLUMNS,
  accountLine,
  CONTACT_COLUMNS,
  contactLine,
  HISTORY_COLUMNS,
  LEAD_COLUMNS,
  leadLines,
} from "./bulk-columns.ts";
import { EXPORT_QUERIES } from "./bulk-export.ts";
import { leadBatchWriter, preparedLeadBatchSender } from "./bulk-lead-batch.ts";

// New rows get time-ordered ids (ordered-ids.ts) and go in key order. Each batch travels as one JSON parameter expanded by jsonb_to_recordset: one round trip per
// batch on both engines, no per-row statements. `(xmax = 0)` tells an insert from an upsert's update.
//
// Accounts, contacts and leads (the leads import) take a faster path when the client can COPY: one
// lookup tells the batch's new keys from the stored ones, the new rows are loaded with COPY (no
// ON CONFLICT arbitration, no JSON to expand, and the engine's multi-row heap insertion), and only
// the stored ones go through the upsert statement. See docs/import.md#how-a-batch-is-written.

const UPSERT_ACCOUNTS = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, name text, domain text, industry text, employees int,
    annual_revenue float8, country text, region text, attributes jsonb)
), up AS (
INSERT INTO accounts AS a (id, name, domain, industry, employees, annual_revenue, country, region, attributes)
SELECT id, coalesce(name, domain), domain, industry, employees, annual_revenue, country, region, coalesce(attributes, '{}'::jsonb)
FROM input
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
RETURNING (xmax = 0) AS inserted
)
SELECT (count(*) FILTER (WHERE inserted))::int AS created, count(*)::int AS written FROM up`;

const UPSERT_CONTACTS = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, email text, first_name text, last_name text, title text,
    seniority text, buying_role text, phone text, account_domain text, attributes jsonb)
), up AS (
INSERT INTO contacts AS c (id, email, first_name, last_name, title, seniority, buying_role, phone, account_id, attributes)
SELECT i.id, i.email, i.first_name, i.last_name, i.title, i.seniority, i.buying_role, i.phone, a.id, coalesce(i.attributes, '{}'::jsonb)
FROM input i LEFT JOIN LATERAL (SELECT id FROM accounts WHERE domain = i.account_domain FOR KEY SHARE) a ON true
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
RETURNING (xmax = 0) AS inserted
)
SELECT (count(*) FILTER (WHERE inserted))::int AS created, count(*)::int AS written FROM up`;

const CREATE_LEADS = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, email text, source text, entry_path text, owner_id text, stage text, created_at timestamptz, sla_due_at timestamptz)
), ins AS (
  INSERT INTO leads (id, contact_id, account_id, source, entry_path, owner_id, stage, stage_entered_at, sla_due_at, created_at)
  SELECT i.id, c.id, c.account_id, i.source, coalesce(i.entry_path, 'standard'), i.owner_id, coalesce(i.stage, 'new'), i.created_at, i.sla_due_at, i.created_at
  FROM input i JOIN contacts c ON c.email = i.email
  WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.contact_id = c.id)
  RETURNING id, stage, created_at
), hist AS (
  INSERT INTO lead_history (lead_id, kind, actor, at, reason, before, after)
  SELECT id, 'stage', $2, created_at, 'imported', NULL, jsonb_build_object('stage', stage) FROM ins
)
SELECT count(*)::int AS n FROM ins`;

// Which of a batch's keys are stored: domains (accounts), emails (contacts, and the accounts their
// domains name), contacts by email with whether they have a lead (leads). One index probe per key:
// the LATERAL ... LIMIT 1 keeps the planner from scanning the whole table, which `key = ANY($1)`
// with thousands of keys made it do (a parallel sequential scan of contacts, 120 ms at 500k rows
// against 18 ms probed).
const STORED_DOMAINS = `
SELECT a.domain FROM unnest($1::text[]) AS k(domain)
CROSS JOIN LATERAL (SELECT domain FROM accounts WHERE domain = k.domain LIMIT 1) a`;
const STORED_CONTACT_KEYS = `
SELECT 'contact' AS kind, c.email AS key, c.id FROM unnest($1::text[]) AS k(email)
CROSS JOIN LATERAL (SELECT email, id FROM contacts WHERE email = k.email LIMIT 1) c
UNION ALL
SELECT 'account', a.domain, a.id FROM unnest($2::text[]) AS k(domain)
CROSS JOIN LATERAL (SELECT domain, id FROM accounts WHERE domain = k.domain LIMIT 1 FOR KEY SHARE) a`;
const LEAD_CONTACTS = `
SELECT c.email, c.id, c.account_id, l.contact_id IS NOT NULL AS has_lead
FROM unnest($1::text[]) AS k(email)
CROSS JOIN LATERAL (SELECT email, id, account_id FROM contacts WHERE email = k.email LIMIT 1) c
LEFT JOIN LATERAL (SELECT contact_id FROM leads WHERE contact_id = c.id LIMIT 1) l ON true`;
// A stored contact keeps its account when the row names none: that account is the one reference of
// the leads import that is only looked up, not inserted or upserted in the batch, so it is locked
// here as the foreign-key trigger would (without the triggers on PostgreSQL: import-session.ts).
const LOCK_ACCOUNTS = `
SELECT a.id FROM unnest($1::text[]) AS k(id)
CROSS JOIN LATERAL (SELECT id FROM accounts WHERE id = k.id FOR KEY SHARE) a`;

// The accounts and leads a deal refers to are locked FOR KEY SHARE where they are looked up, as the
// foreign-key triggers on deals would lock them (so the import may do without those: import-session.ts).
// So are the accounts a contact refers to, in STORED_CONTACT_KEYS and UPSERT_CONTACTS.
const RESOLVE_DEALS = `
SELECT x.i, a.id AS account_id, l.id AS lead_id
FROM jsonb_to_recordset($1::jsonb) AS x(i int, account_domain text, contact_email text)
LEFT JOIN LATERAL (SELECT id FROM accounts WHERE domain = x.account_domain FOR KEY SHARE) a ON true
LEFT JOIN LATERAL (
  SELECT l.id FROM leads l JOIN contacts c ON c.id = l.contact_id WHERE c.email = x.contact_email ORDER BY l.created_at DESC, l.id LIMIT 1
  FOR KEY SHARE OF l
) l ON true
ORDER BY x.i`;

// Deals with an external id (the CRM's) that is already stored are updated — empty cells keep the
// stored values — and the others inserted; both in one statement, whose snapshot decides which is which.
// A deal without an external id is known by its natural key: same account, same lead (both may be
// empty), same name and same close date, among the stored deals that have no external id either (the
// oldest one if several match). Amount, currency, status and reason are what a re-import updates.
const UPSERT_DEALS = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, external_id text, account_id text, lead_id text, name text,
    amount float8, currency text, status text, created_at timestamptz, close_date timestamptz, reason text)
), natural_match AS (
  SELECT DISTINCT ON (i.id) i.id AS input_id, d.id AS deal_id
  FROM input i JOIN deals d ON d.name = i.name AND d.external_id IS NULL
    AND d.account_id IS NOT DISTINCT FROM i.account_id AND d.lead_id IS NOT DISTINCT FROM i.lead_id
    AND d.close_date IS NOT DISTINCT FROM i.close_date
  WHERE i.external_id IS NULL
  ORDER BY i.id, d.created_at, d.id
), matched AS (
  SELECT i.*, d.id AS deal_id FROM input i JOIN deals d ON i.external_id IS NOT NULL AND d.external_id = i.external_id
  UNION ALL
  SELECT i.*, m.deal_id FROM input i JOIN natural_match m ON m.input_id = i.id
), upd AS (
  UPDATE deals d SET
    account_id = coalesce(i.account_id, d.account_id),
    lead_id = coalesce(i.lead_id, d.lead_id),
    name = i.name,
    amount = coalesce(i.amount, d.amount),
    currency = coalesce(i.currency, d.currency),
    status = coalesce(i.status, d.status),
    close_date = coalesce(i.close_date, d.close_date),
    reason = coalesce(i.reason, d.reason),
    version = d.version + 1,
    updated_at = now()
  FROM matched i
  WHERE d.id = i.deal_id
  RETURNING d.id
), ins AS (
  INSERT INTO deals (id, external_id, account_id, lead_id, name, amount, currency, status, created_at, close_date, reason)
  SELECT id, external_id, account_id, lead_id, name, amount, coalesce(currency, 'USD'), coalesce(status, 'open'), created_at, close_date, reason
  FROM input i
  WHERE NOT EXISTS (SELECT 1 FROM matched m WHERE m.id = i.id)
  RETURNING id
)
SELECT (SELECT count(*) FROM ins)::int AS created, (SELECT count(*) FROM upd)::int AS updated`;

// The leads found are locked FOR KEY SHARE, as the foreign-key trigger on events.lead_id would lock
// them: no other connection can delete one before the import commits, so the import may do without
// the trigger (import-session.ts). A lead being deleted makes the lookup wait; if the delete commits,
// the lead is not found and the row is reported.
const RESOLVE_EVENT_LEADS = `
SELECT x.i, coalesce(byid.id, byemail.id) AS lead_id
FROM jsonb_to_recordset($1::jsonb) AS x(i int, lead_id text, email text)
LEFT JOIN LATERAL (SELECT id FROM leads WHERE id = x.lead_id FOR KEY SHARE) byid ON true
LEFT JOIN LATERAL (
  SELECT l.id FROM leads l JOIN contacts c ON c.id = l.contact_id WHERE x.lead_id IS NULL AND c.email = x.email
  ORDER BY l.created_at DESC, l.id LIMIT 1 FOR KEY SHARE OF l
) byemail ON true
ORDER BY x.i`;

const INSERT_EVENTS = `
INSERT INTO events (id, lead_id, type, occurred_at, properties, idempotency_key)
SELECT id, lead_id, type, occurred_at, coalesce(properties, '{}'::jsonb), key
FROM jsonb_to_recordset($1::jsonb) AS x(i int, id text, lead_id text, type text, occurred_at timestamptz, properties jsonb, key text)
ORDER BY i
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING id`;

// An event whose key is already stored (before, or earlier in the batch) must be that same event:
// same lead, type, time and properties (jsonb equality ignores key order and spacing).
const EVENT_KEY_CONFLICTS = `
SELECT x.i, e.id
FROM jsonb_to_recordset($1::jsonb) AS x(i int, lead_id text, type text, occurred_at timestamptz, properties jsonb, key text)
JOIN events e ON e.idempotency_key = x.key
WHERE NOT (e.lead_id = x.lead_id AND e.type = x.type AND e.occurred_at = x.occurred_at
           AND e.properties = coalesce(x.properties, '{}'::jsonb))
ORDER BY x.i`;

/**
 * The rows in key order (rows without a key last), so that one batch's index insertions are
 * neighbours in the index rather than scattered over it; together with time-ordered ids (see
 * ordered-ids.ts) this halves the cost per indexed row on large tables.
 */
function byKey<T>(rows: readonly T[], key: (r: T) => string | null): T[] {
  return [...rows].sort((x, y) => {
    const a = key(x);
    const b = key(y);
    return a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;
  });
}

// Upserts count what they wrote in the database: one row back per batch, not one per record.
type Written = { created: number; written: number };
function counted(rows: Written[], total: number): BulkResult {
  const created = rows[0]?.created ?? 0;
  const written = rows[0]?.written ?? 0;
  return { created, updated: written - created, skipped: total - written, missing: [] };
}

/** A batch split by one lookup: new rows were copied (`created`), stored ones upserted (`result`). */
function splitResult(total: number, created: number, upserted: BulkResult | null): BulkResult {
  const updated = upserted?.updated ?? 0;
  const written = created + (upserted ? upserted.created + updated : 0);
  return { created: created + (upserted?.created ?? 0), updated, skipped: total - written, missing: [] };
}

export function bulkRepository(sql: SqlClient, engine: Engine): BulkRepository {
  const copy = sql.copyFrom;
  // What the last upsertAccounts and upsertContacts copied (domain -> account id; email -> contact
  // without a lead), so that the next call (contacts, then leads, in an import batch) need not look
  // it up again. Rows this transaction inserted are invisible to others until it commits, so only
  // this repository can change them: each call replaces its own map, and createLeads drops the
  // contacts it gives a lead.
  let copiedAccounts = new Map<string, string>();
  let copiedContacts = new Map<string, { id: string; account_id: string | null }>();
  // The accounts the last upsertContacts gave its contacts (copied or upserted by the batch).
  let batchAccountIds = new Set<string>();
  const upsertAccountPayload = async (payload: readonly Record<string, unknown>[]) =>
    counted((await sql.query<Written>(UPSERT_ACCOUNTS, [JSON.stringify(payload)])).rows, payload.length);
  const upsertContactPayload = async (payload: readonly Record<string, unknown>[]) =>
    counted((await sql.query<Written>(UPSERT_CONTACTS, [JSON.stringify(payload)])).rows, payload.length);
  // One sender for both ways a batch comes (prepared in the reader's thread or here): an initial load's
  // filter must see every batch of the import.
  const sender = copy ? preparedLeadBatchSender(sql, copy, engine) : null;
  let historyByDefault = false;
  return {
    ...(sender
      ? {
          queueLeadBatch: leadBatchWriter(sender.send, () => historyByDefault),
          sendLeadBatch: sender.send,
          initialLoad: sender.initialLoad,
          historyDefaults: () => {
            historyByDefault = true;
          },
        }
      : {}),
    async upsertAccounts(rows) {
      if (rows.length === 0) return { created: 0, updated: 0, skipped: 0, missing: [] };
      const sorted = byKey(rows, (r) => r.domain);
      const payload = sorted.map((r) => ({
        id: orderedId(),
        name: r.name,
        domain: r.domain,
        industry: r.industry,
        employees: r.employees,
        annual_revenue: r.annualRevenue,
        country: r.country,
        region: r.region,
        attributes: r.attributes,
      }));
      if (!copy) return upsertAccountPayload(payload);
      const domains = payload.flatMap((p) => (p.domain === null ? [] : [p.domain]));
      copiedAccounts = new Map();
      const found = await sql.query<{ domain: string }>(STORED_DOMAINS, [domains]);
      const stored = new Set(found.rows.map((x) => x.domain));
      const isFresh = (p: (typeof payload)[number]) => p.domain === null || !stored.has(p.domain);
      const fresh = payload.filter(isFresh);
      const known = payload.filter((p) => !isFresh(p));
      if (fresh.length > 0) {
        let text = "";
        payload.forEach((p, i) => {
          if (isFresh(p)) text += accountLine(p.id, sorted[i] as AccountImportRow);
        });
        await copy("accounts", ACCOUNT_COLUMNS, text);
        for (const p of fresh) if (p.domain !== null) copiedAccounts.set(p.domain, p.id);
      }
      return splitResult(
        rows.length,
        fresh.length,
        known.length > 0 ? await upsertAccountPayload(known) : null,
      );
    },
    async upsertContacts(rows) {
      if (rows.length === 0) return { created: 0, updated: 0, skipped: 0, missing: [] };
      const sorted = byKey(rows, (r) => r.email);
      const payload = sorted.map((r) => ({
        id: orderedId(),
        email: r.email,
        first_name: r.firstName,
        last_name: r.lastName,
        title: r.title,
        seniority: r.seniority,
        buying_role: r.buyingRole,
        phone: r.phone,
        account_domain: r.accountDomain,
        attributes: r.attributes,
      }));
      if (!copy) return upsertContactPayload(payload);
      const domains = [
        ...new Set(
          payload.flatMap((p) =>
            p.account_domain && !copiedAccounts.has(p.account_domain) ? [p.account_domain] : [],
          ),
        ),
      ];
      copiedContacts = new Map();
      const found = await sql.query<{ kind: string; key: string; id: string }>(STORED_CONTACT_KEYS, [
        payload.map((p) => p.email),
        domains,
      ]);
      const stored = new Set<string>();
      const accountIds = new Map(copiedAccounts);
      for (const x of found.rows) {
        if (x.kind === "contact") stored.add(x.key);
        else accountIds.set(x.key, x.id);
      }
      batchAccountIds = new Set(accountIds.values());
      const fresh = payload.filter((p) => !stored.has(p.email));
      const known = payload.filter((p) => stored.has(p.email));
      if (fresh.length > 0) {
        let text = "";
        payload.forEach((p, i) => {
          if (stored.has(p.email)) return;
          const account = (p.account_domain && accountIds.get(p.account_domain)) || null;
          text += contactLine(p.id, sorted[i] as ContactImportRow, account);
          copiedContacts.set(p.email, { id: p.id, account_id: account });
        });
        await copy("contacts", CONTACT_COLUMNS, text);
      }
      return splitResult(
        rows.length,
        fresh.length,
        known.length > 0 ? await upsertContactPayload(known) : null,
      );
    },
    async createLeads(rows, actor) {
      if (rows.length === 0) return { created: 0, updated: 0, skipped: 0, missing: [] };
      const sorted = byKey(rows, (r) => r.email);
      const payload = sorted.map((r) => ({
        id: orderedId(),
        email: r.email,
        source: r.source,
        entry_path: r.entryPath,
        owner_id: r.ownerId,
        stage: r.stage,
        created_at: r.createdAt,
        sla_due_at: r.slaDueAt,
      }));
      if (!copy) {
        const r = await sql.query<{ n: number }>(CREATE_LEADS, [JSON.stringify(payload), actor]);
        const created = r.rows[0]?.n ?? 0;
        return { created, updated: 0, skipped: rows.length - created, missing: [] };
      }
      // The same rows CREATE_LEADS writes: a lead for each contact found that has none yet, and its
      // first history entry.
      const contacts = new Map<string, { id: string; account_id: string | null; has_lead: boolean }>();
      const unknown = payload.flatMap((p) => (copiedContacts.has(p.email) ? [] : [p.email]));
      if (unknown.length > 0) {
        const found = await sql.query<{
          email: string;
          id: string;
          account_id: string | null;
          has_lead: boolean;
        }>(LEAD_CONTACTS, [unknown]);
        for (const x of found.rows) contacts.set(x.email, x);
      }
      for (const p of payload) {
        const c = copiedContacts.get(p.email);
        if (c) {
          contacts.set(p.email, { ...c, has_lead: false });
          copiedContacts.delete(p.email);
        }
      }
      let leads = "";
      let history = "";
      let created = 0;
      const kept = new Set<string>();
      payload.forEach((p, i) => {
        const c = contacts.get(p.email);
        if (!c || c.has_lead) return;
        const lines = leadLines(p.id, c.id, c.account_id, sorted[i] as LeadImportRow, actor);
        leads += lines.lead;
        history += lines.history;
        created += 1;
        if (c.account_id !== null && !batchAccountIds.has(c.account_id)) kept.add(c.account_id);
      });
      if (kept.size > 0) {
        const locked = await sql.query<{ id: string }>(LOCK_ACCOUNTS, [[...kept]]);
        if (locked.rows.length !== kept.size)
          throw new WinnowError("WINNOW_ERR_REFERENCE_NOT_FOUND", {
            message: "an account of a stored contact was deleted during the import",
          });
      }
      if (created > 0) {
        await copy("leads", LEAD_COLUMNS, leads);
        await copy("lead_history", HISTORY_COLUMNS, history);
      }
      return { created, updated: 0, skipped: rows.length - created, missing: [] };
    },
    async insertDeals(rows) {
      if (rows.length === 0) return { created: 0, updated: 0, skipped: 0, missing: [] };
      const refs = rows.map((r, i) => ({
        i,
        account_domain: r.accountDomain,
        contact_email: r.contactEmail,
      }));
      const resolved = await sql.query<{ i: number; account_id: string | null; lead_id: string | null }>(
        RESOLVE_DEALS,
        [JSON.stringify(refs)],
      );
      const missing: { index: number; field: string; message: string }[] = [];
      const payload: Record<string, unknown>[] = [];
      for (const ref of resolved.rows) {
        const row = rows[ref.i];
        if (!row) continue;
        if (row.accountDomain && !ref.account_id)
          missing.push({
            index: ref.i,
            field: "accountDomain",
            message: `no account with domain ${row.accountDomain}`,
          });
        else if (row.contactEmail && !ref.lead_id)
          missing.push({
            index: ref.i,
            field: "contactEmail",
            message: `no lead for contact ${row.contactEmail}`,
          });
        else {
          payload.push({
            id: orderedId(),
            external_id: row.externalId,
            account_id: ref.account_id,
            lead_id: ref.lead_id,
            name: row.name,
            amount: row.amount,
            currency: row.currency,
            status: row.status,
            created_at: row.createdAt,
            close_date: row.closeDate,
            reason: row.reason,
          });
        }
      }
      if (payload.length === 0) return { created: 0, updated: 0, skipped: 0, missing };
      const r = await sql.query<{ created: number; updated: number }>(UPSERT_DEALS, [
        JSON.stringify(payload),
      ]);
      return { created: r.rows[0]?.created ?? 0, updated: r.rows[0]?.updated ?? 0, skipped: 0, missing };
    },
    async insertEvents(rows) {
      if (rows.length === 0) return { created: 0, updated: 0, skipped: 0, missing: [] };
      const refs = rows.map((r, i) => ({ i, lead_id: r.leadId, email: r.email }));
      const resolved = await sql.query<{ i: number; lead_id: string | null }>(RESOLVE_EVENT_LEADS, [
        JSON.stringify(refs),
      ]);
      const missing: { index: number; field: string; message: string }[] = [];
      const payload: Record<string, unknown>[] = [];
      for (const ref of resolved.rows) {
        const row = rows[ref.i];
        if (!row) continue;
        if (!ref.lead_id) {
          missing.push(
            row.leadId
              ? { index: ref.i, field: "leadId", message: `no lead ${row.leadId}` }
              : { index: ref.i, field: "email", message: `no lead for contact ${row.email}` },
          );
          continue;
        }
        payload.push({
          i: ref.i,
          id: orderedId(),
          lead_id: ref.lead_id,
          type: row.type,
          occurred_at: row.occurredAt,
          properties: row.properties,
          key: row.key,
        });
      }
      if (payload.length === 0) return { created: 0, updated: 0, skipped: 0, missing };
      const r = await sql.query<{ id: string }>(INSERT_EVENTS, [JSON.stringify(payload)]);
      const stored = new Set(r.rows.map((x) => x.id));
      const copies = payload.filter((p) => !stored.has(p["id"] as string));
      let conflicts = 0;
      if (copies.length > 0) {
        const c = await sql.query<{ i: number; id: string }>(EVENT_KEY_CONFLICTS, [JSON.stringify(copies)]);
        for (const x of c.rows) {
          const key = rows[x.i]?.key;
          missing.push({
            index: x.i,
            field: "key",
            message: `key "${key}" is already stored for a different event (${x.id}): same key, other lead, type, time or properties [WINNOW_ERR_EVENT_KEY_CONFLICT]`,
          });
        }
        conflicts = c.rows.length;
        missing.sort((a, b) => a.index - b.index);
      }
      return { created: stored.size, updated: 0, skipped: copies.length - conflicts, missing };
    },
    async analyze(tables) {
      // Only the tables this import writes (a large events table is not sampled for a leads import);
      // the names come from a closed list, never from input.
      const known = new Set<string>(["accounts", "contacts", "leads", "events", "deals"]);
      const names = tables.filter((t) => known.has(t));
      if (names.length > 0) await sql.exec(`ANALYZE ${names.join(", ")}`);
    },
    async exportPage(kind, afterId, limit) {
      const r = await sql.query(EXPORT_QUERIES[kind], [afterId ?? "", limit]);
      return r.rows;
    },
  };
}

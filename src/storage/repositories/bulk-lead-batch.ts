import { WinnowError } from "../../core/errors.ts";
import { copyValue as v } from "../copy-text.ts";
import { orderedId } from "../ordered-ids.ts";
import type {
  AccountImportRow,
  BulkRepository,
  BulkResult,
  ContactImportRow,
  LeadBatchResult,
  LeadImportRow,
  SqlClient,
} from "../ports.ts";

// One leads import batch written with a single lookup (BulkRepository.queueLeadBatch): which of the
// batch's domains and emails are stored, and whether those contacts have a lead. Everything else is
// known in Node, so the writes (COPY of the new accounts, contacts, leads and history, upserts of the
// stored accounts and contacts) are all sent at once instead of one round trip after another, and
// on PostgreSQL the next batch's lookup can follow them on the connection. The COPY lines are built
// before the lookup: the columns that depend on it (a contact's account, a lead's contact and
// account) come last in the column lists and are appended afterwards. What is written and counted is
// what upsertAccounts, upsertContacts and createLeads write and count (test/import-copy.test.ts).

const LOOKUP = `
SELECT 'a' AS kind, a.domain AS key, a.id, NULL::text AS account_id, false AS has_lead
FROM unnest($1::text[]) AS k(domain)
CROSS JOIN LATERAL (SELECT domain, id FROM accounts WHERE domain = k.domain LIMIT 1) a
UNION ALL
SELECT 'c', c.email, c.id, c.account_id, l.contact_id IS NOT NULL
FROM unnest($2::text[]) AS k(email)
CROSS JOIN LATERAL (SELECT email, id, account_id FROM contacts WHERE email = k.email LIMIT 1) c
LEFT JOIN LATERAL (SELECT contact_id FROM leads WHERE contact_id = c.id LIMIT 1) l ON true`;

const LOCK_ACCOUNTS = `
SELECT a.id FROM unnest($1::text[]) AS k(id)
CROSS JOIN LATERAL (SELECT id FROM accounts WHERE id = k.id FOR KEY SHARE) a`;

const ACCOUNT_COLUMNS = [
  "id",
  "name",
  "domain",
  "industry",
  "employees",
  "annual_revenue",
  "country",
  "region",
  "attributes",
] as const;
// The account last: it is known only after the lookup.
const CONTACT_COLUMNS = [
  "id",
  "email",
  "first_name",
  "last_name",
  "title",
  "seniority",
  "buying_role",
  "phone",
  "attributes",
  "account_id",
] as const;
// The contact and account last: known only after the lookup.
const LEAD_COLUMNS = [
  "id",
  "source",
  "entry_path",
  "owner_id",
  "stage",
  "stage_entered_at",
  "sla_due_at",
  "created_at",
  "contact_id",
  "account_id",
] as const;
const HISTORY_COLUMNS = ["lead_id", "kind", "actor", "at", "reason", "before", "after"] as const;

/** The upsert statements of bulk.ts, for the stored keys (one JSON payload each). */
export type StoredUpserts = {
  readonly accounts: (payload: readonly Record<string, unknown>[]) => Promise<BulkResult>;
  readonly contacts: (payload: readonly Record<string, unknown>[]) => Promise<BulkResult>;
};

type Stored = { kind: "a" | "c"; key: string; id: string; account_id: string | null; has_lead: boolean };

/** Indexes of `rows` in key order (rows without a key last), as bulk.ts's byKey sorts them. */
function keyOrder<T>(rows: readonly T[], key: (r: T) => string | null): number[] {
  const keys = rows.map(key);
  return rows
    .map((_, i) => i)
    .sort((x, y) => {
      const a = keys[x] as string | null;
      const b = keys[y] as string | null;
      return a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;
    });
}

function split(total: number, created: number, upserted: BulkResult | null): BulkResult {
  const updated = upserted?.updated ?? 0;
  const written = created + (upserted ? upserted.created + updated : 0);
  return { created: created + (upserted?.created ?? 0), updated, skipped: total - written, missing: [] };
}

export function leadBatchWriter(
  sql: SqlClient,
  copy: NonNullable<SqlClient["copyFrom"]>,
  upserts: StoredUpserts,
): NonNullable<BulkRepository["queueLeadBatch"]> {
  return async (accounts, contacts, leads, actor) => {
    // 1. What does not depend on the database: key order, ids, and the COPY lines.
    const acc = keyOrder(accounts, (r) => r.domain).map((i) => accounts[i] as AccountImportRow);
    const accIds = acc.map(() => orderedId());
    const accLines = acc.map(
      (r, i) =>
        `${accIds[i]}\t${v(r.name ?? r.domain)}\t${v(r.domain)}\t${v(r.industry)}\t${v(r.employees)}\t${v(r.annualRevenue)}\t${v(r.country)}\t${v(r.region)}\t${v(r.attributes ?? {})}`,
    );
    const con = keyOrder(contacts, (r) => r.email).map((i) => contacts[i] as ContactImportRow);
    const conIds = con.map(() => orderedId());
    const conLines = con.map(
      (r, i) =>
        `${conIds[i]}\t${v(r.email)}\t${v(r.firstName)}\t${v(r.lastName)}\t${v(r.title)}\t${v(r.seniority)}\t${v(r.buyingRole)}\t${v(r.phone)}\t${v(r.attributes ?? {})}\t`,
    );
    const lea = keyOrder(leads, (r) => r.email).map((i) => leads[i] as LeadImportRow);
    const leaIds = lea.map(() => orderedId());
    const who = v(actor);
    const leaLines = lea.map((r, i) => {
      const stage = v(r.stage ?? "new");
      const at = v(r.createdAt);
      return `${leaIds[i]}\t${v(r.source)}\t${v(r.entryPath ?? "standard")}\t${v(r.ownerId)}\t${stage}\t${at}\t${v(r.slaDueAt)}\t${at}\t`;
    });
    const histLines = lea.map(
      (r, i) =>
        `${leaIds[i]}\tstage\t${who}\t${v(r.createdAt)}\timported\t\\N\t${v({ stage: r.stage ?? "new" })}\n`,
    );

    // 2. The lookup: every domain named (accounts, contacts' accounts) and every email.
    const domains = new Set<string>();
    for (const r of acc) if (r.domain !== null) domains.add(r.domain);
    for (const r of con) if (r.accountDomain) domains.add(r.accountDomain);
    const emails = new Set<string>();
    for (const r of con) emails.add(r.email);
    for (const r of lea) emails.add(r.email);
    const found = await sql.query<Stored>(LOOKUP, [[...domains], [...emails]]);
    const storedAccounts = new Map<string, string>();
    const storedContacts = new Map<string, Stored>();
    for (const x of found.rows) {
      if (x.kind === "a") storedAccounts.set(x.key, x.id);
      else storedContacts.set(x.key, x);
    }

    // 3. Every write, in the order upsertAccounts, upsertContacts and createLeads make them.
    const sent: Promise<unknown>[] = [];
    let chain: Promise<unknown> = Promise.resolve();
    const send = <T>(step: () => Promise<T>): Promise<T> => {
      const p = sql.sendsInOrder ? step() : chain.then(step);
      chain = p;
      sent.push(p);
      // Rethrown in order where `done` awaits it; this only keeps it from being "unhandled".
      p.catch(() => undefined);
      return p;
    };

    const accountIds = new Map(storedAccounts);
    let accText = "";
    const accKnown: Record<string, unknown>[] = [];
    for (let i = 0; i < acc.length; i++) {
      const r = acc[i] as AccountImportRow;
      if (r.domain !== null && storedAccounts.has(r.domain))
        accKnown.push({
          id: accIds[i],
          name: r.name,
          domain: r.domain,
          industry: r.industry,
          employees: r.employees,
          annual_revenue: r.annualRevenue,
          country: r.country,
          region: r.region,
          attributes: r.attributes,
        });
      else {
        accText += `${accLines[i]}\n`;
        if (r.domain !== null) accountIds.set(r.domain, accIds[i] as string);
      }
    }
    const accCreated = acc.length - accKnown.length;
    if (accText) send(() => copy("accounts", ACCOUNT_COLUMNS, accText));
    const accUpsert = accKnown.length > 0 ? send(() => upserts.accounts(accKnown)) : null;

    // Each email's contact once this batch's contacts are written: the upsert keeps a stored
    // contact's account unless the row names one that exists (coalesce(excluded.account_id, ...)).
    const contactOf = new Map<string, { id: string; account_id: string | null; has_lead: boolean }>();
    let conText = "";
    const conKnown: Record<string, unknown>[] = [];
    for (let i = 0; i < con.length; i++) {
      const r = con[i] as ContactImportRow;
      const account = (r.accountDomain && accountIds.get(r.accountDomain)) || null;
      const stored = storedContacts.get(r.email);
      if (stored) {
        conKnown.push({
          id: conIds[i],
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
        contactOf.set(r.email, {
          id: stored.id,
          account_id: account ?? stored.account_id,
          has_lead: stored.has_lead,
        });
      } else {
        conText += `${conLines[i]}${v(account)}\n`;
        contactOf.set(r.email, { id: conIds[i] as string, account_id: account, has_lead: false });
      }
    }
    const conCreated = con.length - conKnown.length;
    if (conText) send(() => copy("contacts", CONTACT_COLUMNS, conText));
    const conUpsert = conKnown.length > 0 ? send(() => upserts.contacts(conKnown)) : null;

    // A lead for each email whose contact has none yet, with its first history entry.
    let leaText = "";
    let histText = "";
    let leaCreated = 0;
    const leaAccounts: (string | null)[] = [];
    for (let i = 0; i < lea.length; i++) {
      const r = lea[i] as LeadImportRow;
      const c = contactOf.get(r.email) ?? storedContacts.get(r.email);
      if (!c || c.has_lead) continue;
      c.has_lead = true;
      leaAccounts.push(c.account_id);
      leaText += `${leaLines[i]}${v(c.id)}\t${v(c.account_id)}\n`;
      histText += histLines[i];
      leaCreated += 1;
    }
    // A stored contact keeps its account when its row names none: the one reference of the batch
    // that is neither inserted nor upserted by it, so it is locked as the foreign-key trigger would
    // (which may be off on PostgreSQL: import-session.ts), and must still be there.
    const batchAccounts = new Set(accountIds.values());
    const kept = [...new Set(leaAccounts.filter((a): a is string => a !== null && !batchAccounts.has(a)))];
    const locked = kept.length > 0 ? send(() => sql.query<{ id: string }>(LOCK_ACCOUNTS, [kept])) : null;
    if (leaText) {
      send(() => copy("leads", LEAD_COLUMNS, leaText));
      send(() => copy("lead_history", HISTORY_COLUMNS, histText));
    }

    const done = (async (): Promise<LeadBatchResult> => {
      // In the order sent: the first failure is the one reported (the later ones only say that the
      // transaction is aborted).
      for (const p of sent) await p;
      if (locked && (await locked).rows.length !== kept.length)
        throw new WinnowError("WINNOW_ERR_REFERENCE_NOT_FOUND", {
          message: "an account of a stored contact was deleted during the import",
        });
      return {
        accounts: split(acc.length, accCreated, accUpsert ? await accUpsert : null),
        contacts: split(con.length, conCreated, conUpsert ? await conUpsert : null),
        leads: { created: leaCreated, updated: 0, skipped: lea.length - leaCreated, missing: [] },
      };
    })();
    done.catch(() => undefined);
    // A client that does not keep the order of what is sent (PGlite's) has the batch written before
    // anything else is sent: the next batch's lookup must see it.
    if (!sql.sendsInOrder) await done.catch(() => undefined);
    return { done };
  };
}

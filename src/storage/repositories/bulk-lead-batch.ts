import { CopyBytes } from "../copy-text.ts";
import { orderedId } from "../ordered-ids.ts";
import type {
  AccountImportRow,
  BulkRepository,
  ContactImportRow,
  LeadBatchResult,
  LeadImportRow,
  PreparedLeadBatch,
  SqlClient,
} from "../ports.ts";
import {
  ACCOUNT_COLUMNS,
  accountLine,
  CONTACT_COLUMNS,
  contactLine,
  HISTORY_COLUMNS,
  historyLine,
  LEAD_COLUMNS,
  leadLine,
} from "./bulk-columns.ts";

// A leads import batch whose domains and emails are all new (BulkRepository.queueLeadBatch): one
// lookup says so, then the accounts, contacts, leads and first history entries are copied, every COPY
// sent at once instead of one round trip after another; on PostgreSQL the next batch's lookup follows
// them on the connection. The COPY text is built before the lookup, so the server waits for nothing
// but the round trip between the lookup and the COPYs. A batch with a stored key is left to
// upsertAccounts, upsertContacts and createLeads. What is written and counted is what those write
// and count (test/import-copy.test.ts).

// Whether any of the batch's domains or emails is stored: one index probe per key (see bulk.ts).
const ANY_STORED = `
(SELECT 1 AS stored FROM unnest($1::text[]) AS k(domain)
 CROSS JOIN LATERAL (SELECT 1 FROM accounts WHERE domain = k.domain LIMIT 1) a)
UNION ALL
(SELECT 1 FROM unnest($2::text[]) AS k(email)
 CROSS JOIN LATERAL (SELECT 1 FROM contacts WHERE email = k.email LIMIT 1) c)
LIMIT 1`;

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

// This thread's COPY text writers (scratch buffers kept from batch to batch).
const first = new CopyBytes();
const second = new CopyBytes();

/** Lets pending I/O callbacks run (a client's statement change-overs) before going on. */
const breathe = () => new Promise<void>((ok) => setImmediate(ok));

/**
 * Step 1 of a new-key leads batch, which needs no database: every row's id and COPY text, as if every
 * key were new (the lookup then says whether they are), and the keys to look up. Pure, so it can run
 * in the import's reader thread (read-worker.ts): `pause` lets the caller's thread breathe between tables.
 */
export async function prepareLeadBatch(
  accounts: readonly AccountImportRow[],
  contacts: readonly ContactImportRow[],
  leads: readonly LeadImportRow[],
  actor: string,
  pause: () => Promise<void> = breathe,
): Promise<PreparedLeadBatch> {
  // 1. The COPY text of every row, as if every key were new (the lookup then says whether they are),
  // written as bytes while it is built (CopyBytes): each table's text is built and taken without an
  // await in between, so the two writers of this thread are never shared by two batches.
  const acc = keyOrder(accounts, (r) => r.domain).map((i) => accounts[i] as AccountImportRow);
  const accountIds = new Map<string, string>();
  for (const r of acc) {
    const id = orderedId();
    first.line(accountLine(id, r));
    if (r.domain !== null) accountIds.set(r.domain, id);
  }
  const accBytes = first.take();
  // On PostgreSQL the previous batch's COPYs are running meanwhile, and each needs this thread
  // for its turn (rows, then the next statement): let them have it between tables.
  await pause();
  const con = keyOrder(contacts, (r) => r.email).map((i) => contacts[i] as ContactImportRow);
  const contactOf = new Map<string, { id: string; account: string | null }>();
  for (const r of con) {
    const id = orderedId();
    const account = (r.accountDomain && accountIds.get(r.accountDomain)) || null;
    first.line(contactLine(id, r, account));
    contactOf.set(r.email, { id, account });
  }
  const conBytes = first.take();
  await pause();
  // A lead for each email's (new) contact, with its first history entry.
  const lea = keyOrder(leads, (r) => r.email).map((i) => leads[i] as LeadImportRow);
  let leaCreated = 0;
  for (const r of lea) {
    const c = contactOf.get(r.email);
    if (!c) continue;
    contactOf.delete(r.email);
    const id = orderedId();
    first.line(leadLine(id, c.id, c.account, r));
    second.line(historyLine(id, r, actor));
    leaCreated += 1;
  }
  const leaBytes = first.take();
  const histBytes = second.take();
  await pause();

  // The lookup's keys: every domain named (accounts, contacts' accounts) and every email.
  const domains = new Set<string>();
  for (const r of acc) if (r.domain !== null) domains.add(r.domain);
  for (const r of con) if (r.accountDomain) domains.add(r.accountDomain);
  const emails = new Set<string>();
  for (const r of con) emails.add(r.email);
  for (const r of lea) emails.add(r.email);
  return {
    accounts: accBytes,
    contacts: conBytes,
    leads: leaBytes,
    history: histBytes,
    domains: [...domains],
    emails: [...emails],
    counts: {
      accounts: acc.length,
      contacts: con.length,
      leads: leaCreated,
      leadsSkipped: lea.length - leaCreated,
    },
  };
}

/**
 * Steps 2 and 3 of a prepared batch: the lookup, then (no key stored) every COPY sent at once; null
 * (nothing written) when a key is stored.
 */
export function preparedLeadBatchSender(
  sql: SqlClient,
  copy: NonNullable<SqlClient["copyFrom"]>,
): NonNullable<BulkRepository["sendLeadBatch"]> {
  return async (b) => {
    const found = await sql.query(ANY_STORED, [b.domains, b.emails]);

    // Any stored key: the batch is left to upsertAccounts, upsertContacts and createLeads, whose
    // lookups each run after the writes before them. Ids seen here could be gone by the time the
    // upserts get their row locks (another transaction deleting them commits in between), and the
    // foreign-key triggers that would catch a reference to them may be off (import-session.ts).
    if (found.rows.length > 0) return null;

    // 3. Every COPY sent at once (in this order: each table's rows refer to the ones before).
    const sent: Promise<unknown>[] = [];
    let chain: Promise<unknown> = Promise.resolve();
    const send = (step: () => Promise<void>) => {
      const p = sql.sendsInOrder ? step() : chain.then(step);
      chain = p;
      sent.push(p);
      // Rethrown in order where `done` awaits it; this only keeps it from being "unhandled".
      p.catch(() => undefined);
    };
    if (b.accounts.length > 0) send(() => copy("accounts", ACCOUNT_COLUMNS, b.accounts));
    if (b.contacts.length > 0) send(() => copy("contacts", CONTACT_COLUMNS, b.contacts));
    if (b.leads.length > 0) {
      send(() => copy("leads", LEAD_COLUMNS, b.leads));
      send(() => copy("lead_history", HISTORY_COLUMNS, b.history));
    }

    const done = (async (): Promise<LeadBatchResult> => {
      // In the order sent: the first failure is the one reported (the later ones only say that the
      // transaction is aborted).
      for (const p of sent) await p;
      const none = { updated: 0, skipped: 0, missing: [] };
      return {
        accounts: { created: b.counts.accounts, ...none },
        contacts: { created: b.counts.contacts, ...none },
        leads: { ...none, created: b.counts.leads, skipped: b.counts.leadsSkipped },
      };
    })();
    done.catch(() => undefined);
    // A client that does not keep the order of what is sent (PGlite's) has the batch written before
    // anything else is sent: the next batch's lookup must see it.
    if (!sql.sendsInOrder) await done.catch(() => undefined);
    return { done };
  };
}

/** BulkRepository.queueLeadBatch: the batch prepared on this thread, then sent. */
export function leadBatchWriter(
  sql: SqlClient,
  copy: NonNullable<SqlClient["copyFrom"]>,
): NonNullable<BulkRepository["queueLeadBatch"]> {
  const send = preparedLeadBatchSender(sql, copy);
  return async (accounts, contacts, leads, actor) =>
    send(await prepareLeadBatch(accounts, contacts, leads, actor));
}

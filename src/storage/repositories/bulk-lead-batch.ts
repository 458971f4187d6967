import { CopyBinary, fillInt8 } from "../copy-binary.ts";
import { orderedId } from "../ordered-ids.ts";
import type {
  AccountImportRow,
  BulkRepository,
  ContactImportRow,
  CopyPart,
  Engine,
  LeadBatchResult,
  LeadImportRow,
  PreparedLeadBatch,
  SqlClient,
} from "../ports.ts";
import {
  ACCOUNT_COLUMNS,
  ACCOUNT_COLUMNS_NO_ATTRIBUTES,
  accountRow,
  CONTACT_COLUMNS,
  CONTACT_COLUMNS_NO_ATTRIBUTES,
  contactRow,
  HISTORY_COLUMNS,
  HISTORY_COLUMNS_BY_DEFAULT,
  hasAttributes,
  historyRow,
  LEAD_COLUMNS,
  leadRow,
} from "./bulk-columns.ts";

// A leads import batch whose domains and emails are all new (BulkRepository.queueLeadBatch): one
// lookup says so, then the accounts, contacts, leads and first history entries are copied, every COPY
// sent at once instead of one round trip after another; on PostgreSQL the next batch's lookup follows
// them on the connection. The COPY rows are built before the lookup, so the server waits for nothing
// but the round trip between the lookup and the COPYs. A batch with a stored key is left to
// upsertAccounts, upsertContacts and createLeads. What is written and counted is what those write
// and count (test/import-copy.test.ts).
//
// An initial load (import-session.ts: accounts and contacts were empty when the import began, and on
// PostgreSQL locked against other writers until it commits) skips the lookup for a batch none of whose
// keys this import has sent before: only its own earlier batches can have stored them. A Bloom filter
// holds every domain and email of every batch (whichever way the batch was then written): a superset
// of the keys the import stored. A key in it (stored, or a false positive) sends the lookup as before.
// The reader's worker keeps it when it prepares the batches, else the sender (preparedLeadBatchSender).
// See docs/import.md#bulk-mode.

// Whether any of the batch's domains or emails is stored: one index probe per key (see bulk.ts).
export const ANY_STORED = `
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

// This thread's binary COPY writers (scratch buffers kept from batch to batch).
const first = new CopyBinary();
const second = new CopyBinary();

/** Lets pending I/O callbacks run (a client's statement change-overs) before going on. */
const breathe = () => new Promise<void>((ok) => setImmediate(ok));

export type PrepareOptions = {
  /** Lets the caller's thread breathe between tables (default: one turn of its event loop). */
  readonly pause?: () => Promise<void>;
  /** The preparer's filter of the keys of the import's earlier batches: sets `keysSeen`. */
  readonly seen?: KeyFilter;
  /**
   * History rows as HISTORY_COLUMNS_BY_DEFAULT, their ids filled in when sent
   * (PreparedLeadBatch.historyIdAt): for an import whose session set the table's defaults (PGlite).
   */
  readonly historyByDefault?: boolean;
};

/**
 * Step 1 of a new-key leads batch, which needs no database: every row's id and binary COPY row, as if every
 * key were new (the lookup then says whether they are), and the keys to look up. Pure, so it can run
 * in the import's reader thread (read-worker.ts): `pause` lets the caller's thread breathe between tables.
 */
export async function prepareLeadBatch(
  accounts: readonly AccountImportRow[],
  contacts: readonly ContactImportRow[],
  leads: readonly LeadImportRow[],
  actor: string,
  options: PrepareOptions = {},
): Promise<PreparedLeadBatch> {
  const { pause = breathe, seen, historyByDefault = false } = options;
  // 1. Every row in COPY's binary format, as if every key were new (the lookup then says whether they
  // are): each table's rows are written and taken without an await in between, so the two writers of
  // this thread are never shared by two batches. A batch that failed half-way (a value its column
  // cannot take) left its rows behind: they go first.
  first.clear();
  second.clear();
  const acc = keyOrder(accounts, (r) => r.domain).map((i) => accounts[i] as AccountImportRow);
  const accountIds = new Map<string, string>();
  const accountAttributes = acc.some((r) => hasAttributes(r.attributes));
  for (const r of acc) {
    const id = orderedId();
    accountRow(first, id, r, accountAttributes);
    if (r.domain !== null) accountIds.set(r.domain, id);
  }
  const accBytes = first.take();
  // On PostgreSQL the previous batch's COPYs are running meanwhile, and each needs this thread
  // for its turn (rows, then the next statement): let them have it between tables.
  await pause();
  const con = keyOrder(contacts, (r) => r.email).map((i) => contacts[i] as ContactImportRow);
  const contactOf = new Map<string, { id: string; account: string | null }>();
  const contactAttributes = con.some((r) => hasAttributes(r.attributes));
  for (const r of con) {
    const id = orderedId();
    const account = (r.accountDomain && accountIds.get(r.accountDomain)) || null;
    contactRow(first, id, r, account, contactAttributes);
    contactOf.set(r.email, { id, account });
  }
  const conBytes = first.take();
  await pause();
  // A lead for each email's (new) contact, with its first history entry.
  const lea = keyOrder(leads, (r) => r.email).map((i) => leads[i] as LeadImportRow);
  let leaCreated = 0;
  const idAt = historyByDefault ? new Int32Array(lea.length) : null;
  for (const r of lea) {
    const c = contactOf.get(r.email);
    if (!c) continue;
    contactOf.delete(r.email);
    const id = orderedId();
    leadRow(first, id, c.id, c.account, r);
    const at = historyRow(second, id, r, actor, historyByDefault);
    if (idAt) idAt[leaCreated] = at;
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
  // The preparer's filter of every key of the import's earlier batches (read-worker.ts), which then
  // spares the sender the hashing (preparedLeadBatchSender).
  let keysSeen: boolean | undefined;
  if (seen) {
    keysSeen = false;
    for (const d of domains) if (seen.add(d)) keysSeen = true;
    for (const e of emails) if (seen.add(e)) keysSeen = true;
  }
  return {
    ...(keysSeen === undefined ? {} : { keysSeen }),
    accounts: accBytes,
    contacts: conBytes,
    leads: leaBytes,
    history: histBytes,
    ...(idAt ? { historyIdAt: idAt.slice(0, leaCreated) } : {}),
    attributes: { accounts: accountAttributes, contacts: contactAttributes },
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
 * A Bloom filter of strings, fixed size: 2^26 bits (8 MB), k = 7, blocked (a key's 7 bits all lie in
 * one 512-bit block, a cache line: one memory miss per key, not seven). Its false-positive rate must be
 * low per BATCH (a batch of 5,000 leads asks about ~5,500 keys, and one false positive costs the whole
 * batch a lookup): at 1.1M keys (the benchmark's 1M leads and 100k domains) ~1e-6 per key (from the
 * blocks' fill), so about one batch in 200 looks up by mistake; at 2^24 bits the blocks would be four
 * times as full and nearly every batch would by then. Past that it fills: more batches look up, memory
 * stays the same. A false negative cannot happen. Own code (~50 lines): npm's bloomfilter sets k bits
 * anywhere in the array (k cache misses per key), bloom-filters brings seven dependencies.
 */
export class KeyFilter {
  private readonly words = new Int32Array(1 << 21);

  /** Adds `key`; whether it was (probably) in already: true for every key added before. */
  add(key: string): boolean {
    // Two 32-bit hashes in one pass (FNV-1a, and a multiply-xorshift one), then MurmurHash3's finaliser.
    let a = 0x811c9dc5;
    let b = 0x9747b28c ^ key.length;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    a = fmix(a);
    b = fmix(b ^ a);
    const c = fmix(b ^ 0x9e3779b9);
    // The block from a's high 17 bits; seven bits in it, 9 bits of the hashes each (not a progression
    // from one start and step: 2^17 such patterns, so a block's ~8 keys would cover a new key's
    // seven bits once in ~16,000 keys).
    this.block = (a >>> 15) << 4;
    this.seen = true;
    this.set(a & 511);
    this.set(b & 511);
    this.set((b >>> 9) & 511);
    this.set((b >>> 18) & 511);
    this.set(c & 511);
    this.set((c >>> 9) & 511);
    this.set((c >>> 18) & 511);
    return this.seen;
  }

  private block = 0;
  private seen = true;

  private set(bit: number): void {
    const w = this.block + (bit >>> 5);
    const mask = 1 << (bit & 31);
    const v = this.words[w] as number;
    if ((v & mask) === 0) {
      this.seen = false;
      this.words[w] = v | mask;
    }
  }
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export type LeadBatchSender = {
  /** Steps 2 and 3 of a prepared batch (BulkRepository.sendLeadBatch). */
  readonly send: NonNullable<BulkRepository["sendLeadBatch"]>;
  /** BulkRepository.initialLoad: from now on, batches of keys this sender never saw skip the lookup. */
  readonly initialLoad: () => void;
};

/**
 * Steps 2 and 3 of a prepared batch: the lookup, then (no key stored) every COPY sent at once; null
 * (nothing written) when a key is stored. In an initial load, no lookup for a batch of unseen keys.
 *
 * Whose filter says so is settled by the initial load's first batch. Prepared with the preparer's
 * filter (`keysSeen`, the reader's worker: the hashing off this thread), the preparer's word is taken
 * for as long as every batch comes with it; one that does not was never added to that filter, so
 * from then on every batch looks up. Prepared without, this sender keeps its own filter of every batch.
 */
export function preparedLeadBatchSender(
  sql: SqlClient,
  copy: NonNullable<SqlClient["copyFrom"]>,
  engine: Engine,
): LeadBatchSender {
  let initial = false;
  let filter: "preparer" | "own" | null = null;
  let seen: KeyFilter | null = null;
  let preparerMissedOne = false;
  const send: LeadBatchSender["send"] = async (b) => {
    let lookUp = true;
    if (initial) {
      filter ??= b.keysSeen === undefined ? "own" : "preparer";
      if (filter === "own") {
        // Every key goes into the filter, whatever this batch then takes: the upserts store them too.
        seen ??= new KeyFilter();
        let hit = false;
        for (const d of b.domains) if (seen.add(d)) hit = true;
        for (const e of b.emails) if (seen.add(e)) hit = true;
        lookUp = hit;
      } else {
        if (b.keysSeen === undefined) preparerMissedOne = true;
        lookUp = preparerMissedOne || b.keysSeen !== false;
      }
    }
    if (lookUp) {
      const found = await sql.query(ANY_STORED, [b.domains, b.emails]);

      // Any stored key: the batch is left to upsertAccounts, upsertContacts and createLeads, whose
      // lookups each run after the writes before them. Ids seen here could be gone by the time the
      // upserts get their row locks (another transaction deleting them commits in between), and the
      // foreign-key triggers that would catch a reference to them may be off (import-session.ts).
      if (found.rows.length > 0) return null;
    }

    // 3. Every COPY sent at once (in this order: each table's rows refer to the ones before).
    const sent: Promise<unknown>[] = [];
    let chain: Promise<unknown> = Promise.resolve();
    const step = (run: () => Promise<void>) => {
      const p = sql.sendsInOrder ? run() : chain.then(run);
      chain = p;
      sent.push(p);
      // Rethrown in order where `done` awaits it; this only keeps it from being "unhandled".
      p.catch(() => undefined);
    };
    const parts: CopyPart[] = [];
    const part = (table: string, columns: readonly string[], bytes: Uint8Array) =>
      parts.push({ table, columns, bytes, format: "binary" });
    if (b.accounts.length > 0)
      part("accounts", b.attributes.accounts ? ACCOUNT_COLUMNS : ACCOUNT_COLUMNS_NO_ATTRIBUTES, b.accounts);
    if (b.contacts.length > 0)
      part("contacts", b.attributes.contacts ? CONTACT_COLUMNS : CONTACT_COLUMNS_NO_ATTRIBUTES, b.contacts);
    if (b.leads.length > 0) {
      part("leads", LEAD_COLUMNS, b.leads);
      if (b.historyIdAt) await fillHistoryIds(sql, engine, b.history, b.historyIdAt);
      part("lead_history", b.historyIdAt ? HISTORY_COLUMNS_BY_DEFAULT : HISTORY_COLUMNS, b.history);
    }
    const many = sql.copyMany;
    if (many && parts.length > 1) step(() => many(parts));
    else for (const p of parts) step(() => copy(p.table, p.columns, p.bytes, p.format));

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
  return {
    send,
    initialLoad: () => {
      initial = true;
    },
  };
}

/**
 * Fills the ids of a prepared batch's history rows (PreparedLeadBatch.historyIdAt) from the table's
 * identity, in order, so ids still follow the order of writing.
 *
 * On PGlite one statement takes the whole block: `setval(s, nextval(s) + n - 1)` moves the identity
 * past n values at once, and with the engine's one session no other statement can take a value
 * between the two calls — the COPY then runs no `nextval` per row (~0.27 s of a 1M-lead import: each
 * opens the sequence and pins its page). A block outlives a rollback, as `nextval`'s values do. On a
 * server, other sessions could take values in between: there each of the n values is its own
 * `nextval` (correct, not faster; the import asks for ids only on PGlite).
 */
export async function fillHistoryIds(
  sql: SqlClient,
  engine: Engine,
  bytes: Uint8Array,
  idAt: Int32Array,
): Promise<void> {
  const n = idAt.length;
  if (n === 0) return;
  if (engine === "pglite") {
    const r = await sql.query<{ last: string }>(
      "SELECT setval(s, nextval(s) + $1 - 1)::text AS last FROM CAST(pg_get_serial_sequence('lead_history', 'id') AS regclass) AS s",
      [n],
    );
    fillInt8(bytes, idAt, Number(r.rows[0]?.last) - n + 1);
    return;
  }
  const r = await sql.query<{ id: string }>(
    "SELECT nextval(pg_get_serial_sequence('lead_history', 'id'))::text AS id FROM generate_series(1, $1::int)",
    [n],
  );
  fillInt8(
    bytes,
    idAt,
    r.rows.map((x) => Number(x.id)).sort((a, b) => a - b),
  );
}

/**
 * BulkRepository.queueLeadBatch: the batch prepared on this thread, then sent (by `send`);
 * `historyByDefault` says, batch by batch, whether the history defaults are set (BulkRepository.historyDefaults).
 */
export function leadBatchWriter(
  send: LeadBatchSender["send"],
  historyByDefault: () => boolean,
): NonNullable<BulkRepository["queueLeadBatch"]> {
  return async (accounts, contacts, leads, actor) =>
    send(await prepareLeadBatch(accounts, contacts, leads, actor, { historyByDefault: historyByDefault() }));
}

import { addWorkingHours } from "../../core/lifecycle/calendar.ts";
import type { LifecycleConfig } from "../../core/lifecycle/config.ts";
import type { Instant } from "../../core/records.ts";
import type {
  AccountImportRow,
  ContactImportRow,
  DealImportRow,
  EventImportRow,
  ImportTable,
  LeadImportRow,
  PreparedLeadBatch,
  Repositories,
} from "../../storage/ports.ts";
import type { ImportTarget } from "./fields.ts";

/** A valid row: coerced field values, custom attributes, and where it came from. */
export type ValidRow = {
  readonly line: number;
  readonly values: Readonly<Record<string, unknown>>;
  readonly attributes: Readonly<Record<string, string>>;
};

/** A row the database could not place (its account or lead does not exist). */
export type RowProblem = { readonly line: number; readonly field: string; readonly message: string };

export type Counts = { created: number; updated: number; skipped: number };
export type BatchOutcome = {
  readonly counts: Readonly<Record<string, Counts>>;
  readonly problems: RowProblem[];
  readonly merged: number;
};

// Personal mailboxes say nothing about the employer: no account is derived from them.
const FREE_MAIL = new Set([
  "gmail.com",
  "googlemail.com",
  "yahoo.com",
  "hotmail.com",
  "outlook.com",
  "live.com",
  "aol.com",
  "icloud.com",
  "me.com",
  "gmx.com",
  "gmx.de",
  "web.de",
  "proton.me",
  "protonmail.com",
  "yandex.ru",
  "mail.ru",
  "qq.com",
  "163.com",
]);

const s = (v: unknown) => (v === null || v === undefined ? null : (v as string));
const n = (v: unknown) => (v === null || v === undefined ? null : (v as number));

/**
 * Merges rows sharing a key (email, domain): later non-empty values win. Returns rows and how many
 * were merged. The first row of a key takes the later ones' values in place: callers pass rows (and
 * attributes objects) made for this call, used nowhere else.
 */
function dedupe<T extends object>(
  rows: readonly T[],
  key: (r: T) => string | null,
): { rows: T[]; merged: number } {
  const byKey = new Map<string, T>();
  const out: T[] = [];
  let merged = 0;
  for (const r of rows) {
    const k = key(r);
    if (k === null) {
      out.push(r);
      continue;
    }
    const prev = byKey.get(k) as Record<string, unknown> | undefined;
    if (!prev) {
      byKey.set(k, r);
      continue;
    }
    merged += 1;
    const next = r as Record<string, unknown>;
    for (const f in next) {
      const v = next[f];
      if (v !== null && v !== undefined)
        prev[f] = f === "attributes" ? { ...(prev[f] as object), ...(v as object) } : v;
    }
  }
  const keyed = [...byKey.values()];
  for (const r of out) keyed.push(r);
  return { rows: keyed, merged };
}

function accountOf(
  v: Readonly<Record<string, unknown>>,
  attributes: Record<string, string>,
  domain: string | null,
): AccountImportRow {
  return {
    name: s(v["name"]) ?? s(v["company"]),
    domain,
    industry: s(v["industry"]),
    employees: n(v["employees"]),
    annualRevenue: n(v["annual_revenue"]),
    country: s(v["country"]),
    region: s(v["region"]),
    attributes,
  };
}

function contactOf(
  v: Readonly<Record<string, unknown>>,
  attributes: Record<string, string>,
  accountDomain: string | null,
): ContactImportRow {
  return {
    email: v["email"] as string,
    firstName: s(v["first_name"]),
    lastName: s(v["last_name"]),
    title: s(v["title"]),
    seniority: s(v["seniority"]) as ContactImportRow["seniority"],
    buyingRole: s(v["buying_role"]) as ContactImportRow["buyingRole"],
    phone: s(v["phone"]),
    accountDomain,
    attributes,
  };
}

const add = (a: Counts, b: { created: number; updated: number; skipped: number }): Counts => ({
  created: a.created + b.created,
  updated: a.updated + b.updated,
  skipped: a.skipped + b.skipped,
});
const zero = (): Counts => ({ created: 0, updated: 0, skipped: 0 });

/** The tables an import of `target` writes (their statistics are refreshed as they grow). */
export const TABLES_OF = {
  accounts: ["accounts"],
  contacts: ["contacts"],
  leads: ["accounts", "contacts", "leads"],
  deals: ["deals"],
  events: ["events"],
} as const satisfies Record<ImportTarget, readonly ImportTable[]>;

/** Targets whose rows the database may fail to place (a missing account or lead): see RowProblem. */
export const PLACED_BY_DATABASE: ReadonlySet<ImportTarget> = new Set<ImportTarget>(["deals", "events"]);

const slaDueCache = new WeakMap<LifecycleConfig, Map<Instant, Instant | null>>();

/**
 * When an imported MQL's accept-or-reject SLA falls due: as for a lead created or moved to MQL in
 * the app (createLead, moveLead), the configured working hours after the clock starts. The clock
 * starts when the lead becomes an MQL in Winnow: at the import, or at its created_at when that is
 * later. An older created_at (a CRM's history) does not make the lead overdue the moment it lands.
 */
function mqlSlaDue(createdAt: Instant, ctx: { readonly now: Instant; readonly lifecycle: LifecycleConfig }) {
  const hours = ctx.lifecycle.sla.acceptWithinWorkingHours;
  if (hours === null) return null;
  const from = Date.parse(createdAt) > Date.parse(ctx.now) ? createdAt : ctx.now;
  let cache = slaDueCache.get(ctx.lifecycle);
  if (!cache) {
    cache = new Map();
    slaDueCache.set(ctx.lifecycle, cache);
  }
  let due = cache.get(from);
  if (due === undefined) {
    if (cache.size > 10_000) cache.clear();
    due = addWorkingHours(from, hours, ctx.lifecycle.calendar);
    cache.set(from, due);
  }
  return due;
}

/** A leads batch as the accounts (by domain), contacts (by email) and leads it writes. */
export function leadParts(
  batch: readonly ValidRow[],
  ctx: { readonly now: Instant; readonly actor: string; readonly lifecycle: LifecycleConfig },
): {
  accounts: AccountImportRow[];
  contacts: ContactImportRow[];
  leads: LeadImportRow[];
  merged: number;
} {
  const withDomain = batch.map((r) => {
    const email = r.values["email"] as string;
    const fromEmail = email.slice(email.indexOf("@") + 1);
    return { r, domain: s(r.values["domain"]) ?? (FREE_MAIL.has(fromEmail) ? null : fromEmail) };
  });
  const accounts = dedupe(
    withDomain.filter((x) => x.domain).map((x) => accountOf(x.r.values, {}, x.domain)),
    (a) => a.domain,
  );
  const contacts = dedupe(
    withDomain.map((x) => contactOf(x.r.values, { ...x.r.attributes }, x.domain)),
    (c) => c.email,
  );
  const leads = dedupe(
    batch.map((r): LeadImportRow => {
      const stage = s(r.values["stage"]) as LeadImportRow["stage"];
      const createdAt = s(r.values["created_at"]) ?? ctx.now;
      return {
        email: r.values["email"] as string,
        source: s(r.values["source"]),
        entryPath: s(r.values["entry_path"]) as LeadImportRow["entryPath"],
        ownerId: s(r.values["owner_id"]),
        stage,
        createdAt,
        slaDueAt: stage === "mql" ? mqlSlaDue(createdAt, ctx) : null,
      };
    }),
    (l) => l.email,
  );
  return { accounts: accounts.rows, contacts: contacts.rows, leads: leads.rows, merged: contacts.merged };
}

/**
 * A leads batch prepared in the reader's thread (read-worker.ts): its COPY rows and lookup keys
 * (prepareLeadBatch), how many rows were merged, and its rows, which the reader's thread keeps until
 * it is told either to hand them over (`rows`: a stored key, or a client that cannot take a prepared
 * batch) or to let them go (`release`: the batch was written from its COPY rows, or not at all).
 */
export type PreparedLeads = {
  readonly batch: PreparedLeadBatch;
  readonly merged: number;
  readonly count: number;
  readonly rows: () => Promise<ValidRow[]>;
  readonly release: () => void;
};

/**
 * Starts writing one batch: resolves once its statements are sent, with `done` for its outcome.
 * A leads batch of new keys on a client that can COPY is written with one lookup and its COPYs sent
 * together (BulkRepository.queueLeadBatch, or sendLeadBatch when it comes `prepared`): on PostgreSQL
 * the next batch can then be prepared, and its lookup sent behind them, while the server runs them.
 * Other batches are written (awaited) in full first.
 */
export async function queueBatch(
  repos: Repositories,
  target: ImportTarget,
  rows: readonly ValidRow[],
  ctx: { readonly now: Instant; readonly actor: string; readonly lifecycle: LifecycleConfig },
  prepared?: PreparedLeads,
): Promise<{ readonly done: Promise<BatchOutcome> }> {
  const queue = repos.bulk.queueLeadBatch;
  const sendPrepared = repos.bulk.sendLeadBatch;
  const batch = async () => (prepared ? await prepared.rows() : rows);
  if (target !== "leads" || !queue) {
    const out = await writeBatch(repos, target, await batch(), ctx);
    return { done: Promise.resolve(out) };
  }
  let sent: Awaited<ReturnType<typeof queue>>;
  let merged: number;
  let parts: ReturnType<typeof leadParts> | null = null;
  if (prepared && sendPrepared) {
    sent = await sendPrepared(prepared.batch);
    merged = prepared.merged;
    if (sent) prepared.release();
  } else {
    parts = leadParts(await batch(), ctx);
    // The previous batch's statements may be running: let their change-overs through (see queueLeadBatch).
    await new Promise<void>((ok) => setImmediate(ok));
    sent = await queue(parts.accounts, parts.contacts, parts.leads, ctx.actor);
    merged = parts.merged;
  }
  if (!sent) {
    // Some key is stored already: the three calls, each looking up after the writes before it.
    parts ??= leadParts(await batch(), ctx);
    const a = await repos.bulk.upsertAccounts(parts.accounts);
    const c = await repos.bulk.upsertContacts(parts.contacts);
    const l = await repos.bulk.createLeads(parts.leads, ctx.actor);
    const counts = { accounts: add(zero(), a), contacts: add(zero(), c), leads: add(zero(), l) };
    return { done: Promise.resolve({ counts, problems: [], merged: parts.merged }) };
  }
  const done = sent.done.then(
    (r): BatchOutcome => ({
      counts: {
        accounts: add(zero(), r.accounts),
        contacts: add(zero(), r.contacts),
        leads: add(zero(), r.leads),
      },
      problems: [],
      merged,
    }),
  );
  done.catch(() => undefined);
  return { done };
}

/** Writes one batch of valid rows of `target` through the bulk port. */
export async function writeBatch(
  repos: Repositories,
  target: ImportTarget,
  batch: readonly ValidRow[],
  ctx: { readonly now: Instant; readonly actor: string; readonly lifecycle: LifecycleConfig },
): Promise<BatchOutcome> {
  if (target === "accounts") {
    const d = dedupe(
      batch.map((r) => accountOf(r.values, { ...r.attributes }, s(r.values["domain"]))),
      (a) => a.domain,
    );
    return {
      counts: { accounts: add(zero(), await repos.bulk.upsertAccounts(d.rows)) },
      problems: [],
      merged: d.merged,
    };
  }
  if (target === "contacts") {
    const d = dedupe(
      batch.map((r) => contactOf(r.values, { ...r.attributes }, s(r.values["account_domain"]))),
      (c) => c.email,
    );
    return {
      counts: { contacts: add(zero(), await repos.bulk.upsertContacts(d.rows)) },
      problems: [],
      merged: d.merged,
    };
  }
  if (target === "leads") {
    const parts = leadParts(batch, ctx);
    const a = await repos.bulk.upsertAccounts(parts.accounts);
    const c = await repos.bulk.upsertContacts(parts.contacts);
    const l = await repos.bulk.createLeads(parts.leads, ctx.actor);
    return {
      counts: { accounts: add(zero(), a), contacts: add(zero(), c), leads: add(zero(), l) },
      problems: [],
      merged: parts.merged,
    };
  }
  if (target === "deals") {
    // Rows with the same external id are one deal: later non-empty cells win (the statement must not
    // see the same deal twice). So are rows without one that share the natural key (account domain,
    // contact email, name, close date: see UPSERT_DEALS). A problem is reported on the last of the
    // rows merged into it.
    const values: Record<string, unknown>[] = [];
    const lines: number[] = [];
    const at = new Map<string, number>();
    let merged = 0;
    for (const r of batch) {
      const ext = s(r.values["external_id"]);
      const key =
        ext !== null
          ? `x:${ext}`
          : `n:${JSON.stringify([r.values["account_domain"] ?? null, r.values["contact_email"] ?? null, r.values["name"], r.values["close_date"] ?? null])}`;
      const k = at.get(key);
      if (k === undefined) {
        at.set(key, values.length);
        values.push({ ...r.values });
        lines.push(r.line);
        continue;
      }
      merged += 1;
      const prev = values[k] as Record<string, unknown>;
      for (const [f, v] of Object.entries(r.values)) if (v !== null && v !== undefined) prev[f] = v;
      lines[k] = r.line;
    }
    const rows = values.map(
      (v): DealImportRow => ({
        externalId: s(v["external_id"]),
        name: v["name"] as string,
        amount: n(v["amount"]),
        currency: s(v["currency"]),
        status: s(v["status"]) as DealImportRow["status"],
        createdAt: s(v["created_at"]) ?? ctx.now,
        closeDate: s(v["close_date"]),
        reason: s(v["reason"]),
        accountDomain: s(v["account_domain"]),
        contactEmail: s(v["contact_email"]),
      }),
    );
    const result = await repos.bulk.insertDeals(rows);
    const problems = result.missing.map((m) => ({
      line: lines[m.index] ?? 0,
      field: m.field === "accountDomain" ? "account_domain" : "contact_email",
      message: m.message,
    }));
    return { counts: { deals: add(zero(), result) }, problems, merged };
  }
  const rows = batch.map(
    (r): EventImportRow => ({
      key: s(r.values["key"]),
      leadId: s(r.values["lead_id"]),
      email: s(r.values["email"]),
      type: r.values["type"] as string,
      occurredAt: r.values["occurred_at"] as string,
      properties: { ...((r.values["properties"] as Record<string, string> | null) ?? {}), ...r.attributes },
    }),
  );
  const result = await repos.bulk.insertEvents(rows);
  const problems = result.missing.map((m) => ({
    line: batch[m.index]?.line ?? 0,
    field: m.field === "leadId" ? "lead_id" : m.field === "key" ? "key" : "email",
    message: m.message,
  }));
  return { counts: { events: add(zero(), result) }, problems, merged: 0 };
}

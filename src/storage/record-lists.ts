import { WinnowError } from "../core/errors.ts";
import type { DealStatus, Id, Instant } from "../core/records.ts";
import type { Page, SqlClient, SqlRow, StoredAccount, StoredContact, StoredDeal } from "./ports.ts";
import { toAccount } from "./repositories/accounts.ts";
import { toContact } from "./repositories/contacts.ts";
import { toDeal } from "./repositories/deals.ts";
import { escapeLike } from "./repositories/values.ts";

/**
 * Lists of deals, accounts and contacts for the API: filters, search and keyset pagination (an
 * opaque cursor holding the last row's sort value and id, so pages stay stable while rows are
 * added). Kept apart from ports.ts like the HTTP API's own tables.
 */

export type DealListQuery = {
  readonly statuses?: readonly DealStatus[];
  readonly leadId?: Id;
  readonly accountId?: Id;
  /** Only deals whose lead this owner holds (a rep's view); null = deals of unassigned leads. */
  readonly ownerId?: string | null;
  readonly createdFrom?: Instant;
  readonly createdTo?: Instant;
  /** Case-insensitive match on the deal's name. */
  readonly search?: string;
  readonly limit?: number;
  readonly cursor?: string;
};

export type AccountListQuery = {
  /** Case-insensitive match on name or domain. */
  readonly search?: string;
  readonly industry?: string;
  readonly limit?: number;
  readonly cursor?: string;
};

export type ContactListQuery = {
  /** Case-insensitive match on email or name. */
  readonly search?: string;
  readonly accountId?: Id;
  readonly limit?: number;
  readonly cursor?: string;
};

type Cursor = { readonly k: string; readonly v: string; readonly id: string };

function decodeCursor(text: string, kind: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Cursor;
    if (c.k === kind && typeof c.v === "string" && typeof c.id === "string") return c;
  } catch {
    // fall through to the error below
  }
  throw new WinnowError("WINNOW_ERR_INVALID_CURSOR", {
    message: `The cursor is not one of this ${kind} list; start again without it`,
  });
}

/** A case-insensitive "contains" pattern for ILIKE. */
const contains = (text: string) => `%${escapeLike(text)}%`;

type Keyset = {
  readonly kind: string;
  readonly from: string;
  /** A text expression; ties are broken by `<alias>.id`. */
  readonly sortExpr: string;
  readonly alias: string;
  readonly direction: "asc" | "desc";
};

/** One keyset page: `where` gets parameters through `p`; the sort value travels in the cursor as text. */
async function keysetPage(
  sql: SqlClient,
  k: Keyset,
  build: (p: (v: unknown) => string) => string[],
  limitIn: number | undefined,
  cursor: string | undefined,
): Promise<{ rows: SqlRow[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(limitIn ?? 50, 1), 500);
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = build(p);
  const op = k.direction === "asc" ? ">" : "<";
  if (cursor) {
    const c = decodeCursor(cursor, k.kind);
    where.push(`(${k.sortExpr}, ${k.alias}.id) ${op} (${p(c.v)}::text, ${p(c.id)}::text)`);
  }
  const dir = k.direction === "asc" ? "ASC" : "DESC";
  const r = await sql.query(
    `SELECT ${k.alias}.*, ${k.sortExpr} AS sort_value FROM ${k.from}
     ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY ${k.sortExpr} ${dir}, ${k.alias}.id ${dir} LIMIT ${p(limit + 1)}`,
    params,
  );
  const rows = r.rows.slice(0, limit);
  const last = rows[rows.length - 1];
  const nextCursor =
    r.rows.length > limit && last
      ? Buffer.from(
          JSON.stringify({ k: k.kind, v: String(last["sort_value"]), id: String(last["id"]) }),
        ).toString("base64url")
      : null;
  return { rows, nextCursor };
}

/** Deals, newest first. The sort key is the creation instant as fixed-width UTC text, so text order is time order. */
export async function listDeals(sql: SqlClient, q: DealListQuery): Promise<Page<StoredDeal>> {
  const page = await keysetPage(
    sql,
    {
      kind: "deal",
      from: "deals d LEFT JOIN leads l ON l.id = d.lead_id",
      sortExpr: `to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`,
      alias: "d",
      direction: "desc",
    },
    (p) => {
      const where: string[] = [];
      if (q.statuses && q.statuses.length > 0)
        where.push(`d.status IN (SELECT jsonb_array_elements_text(${p(JSON.stringify(q.statuses))}::jsonb))`);
      if (q.leadId) where.push(`d.lead_id = ${p(q.leadId)}`);
      if (q.accountId) where.push(`d.account_id = ${p(q.accountId)}`);
      if (q.ownerId !== undefined)
        where.push(
          q.ownerId === null
            ? "(d.lead_id IS NOT NULL AND l.owner_id IS NULL)"
            : `l.owner_id = ${p(q.ownerId)}`,
        );
      if (q.createdFrom) where.push(`d.created_at >= ${p(q.createdFrom)}::timestamptz`);
      if (q.createdTo) where.push(`d.created_at < ${p(q.createdTo)}::timestamptz`);
      if (q.search) where.push(`d.name ILIKE ${p(contains(q.search))}`);
      return where;
    },
    q.limit,
    q.cursor,
  );
  return { items: page.rows.map(toDeal), nextCursor: page.nextCursor };
}

/** Accounts by name (then id). */
export async function listAccounts(sql: SqlClient, q: AccountListQuery): Promise<Page<StoredAccount>> {
  const page = await keysetPage(
    sql,
    { kind: "account", from: "accounts a", sortExpr: "lower(a.name)", alias: "a", direction: "asc" },
    (p) => {
      const where: string[] = [];
      if (q.search) {
        const like = p(contains(q.search));
        where.push(`(a.name ILIKE ${like} OR a.domain ILIKE ${like})`);
      }
      if (q.industry) where.push(`a.industry = ${p(q.industry)}`);
      return where;
    },
    q.limit,
    q.cursor,
  );
  return { items: page.rows.map(toAccount), nextCursor: page.nextCursor };
}

/** Contacts by email (then id); contacts without an email come first. */
export async function listContacts(sql: SqlClient, q: ContactListQuery): Promise<Page<StoredContact>> {
  const page = await keysetPage(
    sql,
    {
      kind: "contact",
      from: "contacts c",
      sortExpr: "lower(coalesce(c.email, ''))",
      alias: "c",
      direction: "asc",
    },
    (p) => {
      const where: string[] = [];
      if (q.search) {
        const like = p(contains(q.search));
        where.push(`(c.email ILIKE ${like} OR concat_ws(' ', c.first_name, c.last_name) ILIKE ${like})`);
      }
      if (q.accountId) where.push(`c.account_id = ${p(q.accountId)}`);
      return where;
    },
    q.limit,
    q.cursor,
  );
  return { items: page.rows.map(toContact), nextCursor: page.nextCursor };
}

import type { CopyBinary, CopyType } from "../copy-binary.ts";
import { copyValue as v } from "../copy-text.ts";
import type { AccountImportRow, ContactImportRow, LeadImportRow } from "../ports.ts";

// The columns each COPY of an import names, and each new row in their order: as a COPY text line
// (bulk.ts, every import) and as a binary COPY row (bulk-lead-batch.ts, the all-new leads batch).

export const ACCOUNT_COLUMNS = [
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
export const CONTACT_COLUMNS = [
  "id",
  "email",
  "first_name",
  "last_name",
  "title",
  "seniority",
  "buying_role",
  "phone",
  "account_id",
  "attributes",
] as const;
export const LEAD_COLUMNS = [
  "id",
  "contact_id",
  "account_id",
  "source",
  "entry_path",
  "owner_id",
  "stage",
  "stage_entered_at",
  "sla_due_at",
  "created_at",
] as const;
export const HISTORY_COLUMNS = ["lead_id", "kind", "actor", "at", "reason", "before", "after"] as const;
/** What every first history entry of an import has in common: its kind and reason (its actor is the import's). */
export const IMPORT_HISTORY = { kind: "stage", reason: "imported" } as const;
/**
 * The history columns of a PGlite import's new-key batches: the id, taken from the identity a block
 * per batch (fillHistoryIds in bulk-lead-batch.ts) instead of a `nextval` per row, and only what
 * differs from row to row — kind, actor and reason come from the defaults the import session gives
 * the table for its transaction (import-session.ts), `before` is null.
 */
export const HISTORY_COLUMNS_BY_DEFAULT = ["id", "lead_id", "at", "after"] as const;

/**
 * The accounts' and contacts' columns but `attributes` (their last): a binary COPY of rows none of
 * which has attributes of its own leaves the column to its default, '{}', instead of sending '{}'
 * for each row to be parsed into jsonb (~0.25 s of a 1M-lead import on PGlite).
 */
export const ACCOUNT_COLUMNS_NO_ATTRIBUTES = ACCOUNT_COLUMNS.slice(0, -1);
export const CONTACT_COLUMNS_NO_ATTRIBUTES = CONTACT_COLUMNS.slice(0, -1);

/** An id cell: ids are UUIDs (hex digits and dashes), which COPY text never escapes. */
const idCell = (id: string | null): string => id ?? "\\N";

/** Whether a row has attributes of its own (else it would store the column's default, '{}'). */
export function hasAttributes(a: Readonly<Record<string, unknown>> | null | undefined): boolean {
  if (a) for (const _ in a) return true;
  return false;
}

/** A jsonb attributes cell: most rows have none, whose "{}" needs no JSON.stringify. */
const attributesCell = (a: Readonly<Record<string, unknown>> | null | undefined): string =>
  hasAttributes(a) ? v(a) : "{}";

/** A new account's COPY line (ACCOUNT_COLUMNS); an account without a name is named by its domain. */
export const accountLine = (id: string, r: AccountImportRow): string =>
  `${id}\t${v(r.name ?? r.domain)}\t${v(r.domain)}\t${v(r.industry)}\t${v(r.employees)}\t${v(r.annualRevenue)}\t${v(r.country)}\t${v(r.region)}\t${attributesCell(r.attributes)}\n`;

/** A new contact's COPY line (CONTACT_COLUMNS), with the id of its account (or null). */
export const contactLine = (id: string, r: ContactImportRow, accountId: string | null): string =>
  `${id}\t${v(r.email)}\t${v(r.firstName)}\t${v(r.lastName)}\t${v(r.title)}\t${v(r.seniority)}\t${v(r.buyingRole)}\t${v(r.phone)}\t${idCell(accountId)}\t${attributesCell(r.attributes)}\n`;

/** A new lead's COPY line (LEAD_COLUMNS): it enters its stage (new when none) when it was created. */
export const leadLine = (
  id: string,
  contactId: string,
  accountId: string | null,
  r: LeadImportRow,
): string => {
  const at = v(r.createdAt);
  return `${id}\t${contactId}\t${idCell(accountId)}\t${v(r.source)}\t${v(r.entryPath ?? "standard")}\t${v(r.ownerId)}\t${v(r.stage ?? "new")}\t${at}\t${v(r.slaDueAt)}\t${at}\n`;
};

// The `after` cell of a first history entry per stage: a handful of values, not a JSON.stringify per row.
const afterOfStage = new Map<string, string>();
// The actor's cell, the same for every row of an import.
let lastActor = "";
let lastActorCell = "";

/** A new lead's first history entry's COPY line (HISTORY_COLUMNS): imported into its stage by `actor`. */
export const historyLine = (id: string, r: LeadImportRow, actor: string): string => {
  const stage = r.stage ?? "new";
  let after = afterOfStage.get(stage);
  if (after === undefined) {
    after = v({ stage });
    if (afterOfStage.size < 64) afterOfStage.set(stage, after);
  }
  if (actor !== lastActor) {
    lastActorCell = v(actor);
    lastActor = actor;
  }
  return `${id}\t${IMPORT_HISTORY.kind}\t${lastActorCell}\t${v(r.createdAt)}\t${IMPORT_HISTORY.reason}\t\\N\t${after}\n`;
};

/** A new lead's COPY line and its first history entry's (leadLine, historyLine). */
export function leadLines(
  id: string,
  contactId: string,
  accountId: string | null,
  r: LeadImportRow,
  actor: string,
): { readonly lead: string; readonly history: string } {
  return { lead: leadLine(id, contactId, accountId, r), history: historyLine(id, r, actor) };
}

// The same rows in COPY's binary format (copy-binary.ts), for the all-new leads batch. Each column's
// type is the table's (test/copy-binary.test.ts compares them with the catalog).

export const ACCOUNT_TYPES: readonly CopyType[] = [
  "text",
  "text",
  "text",
  "text",
  "integer",
  "double precision",
  "text",
  "text",
  "jsonb",
];
export const CONTACT_TYPES: readonly CopyType[] = [
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "jsonb",
];
export const LEAD_TYPES: readonly CopyType[] = [
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "timestamp with time zone",
  "timestamp with time zone",
  "timestamp with time zone",
];
export const HISTORY_TYPES: readonly CopyType[] = [
  "text",
  "text",
  "text",
  "timestamp with time zone",
  "text",
  "jsonb",
  "jsonb",
];
export const HISTORY_TYPES_BY_DEFAULT: readonly CopyType[] = [
  "bigint",
  "text",
  "timestamp with time zone",
  "jsonb",
];

/** A jsonb attributes value's JSON text: most rows have none, whose "{}" needs no JSON.stringify. */
const attributesJson = (a: Readonly<Record<string, unknown>> | null | undefined): string =>
  hasAttributes(a) ? JSON.stringify(a) : "{}";

/**
 * A new account's binary COPY row (ACCOUNT_COLUMNS, as accountLine; without `attributes`,
 * ACCOUNT_COLUMNS_NO_ATTRIBUTES).
 */
export function accountRow(w: CopyBinary, id: string, r: AccountImportRow, attributes = true): void {
  w.row(attributes ? 9 : 8);
  w.text(id);
  w.text(r.name ?? r.domain);
  w.text(r.domain);
  w.text(r.industry);
  w.int4(r.employees, "employees");
  w.float8(r.annualRevenue);
  w.text(r.country);
  w.text(r.region);
  if (attributes) w.jsonb(attributesJson(r.attributes));
}

/**
 * A new contact's binary COPY row (CONTACT_COLUMNS, as contactLine; without `attributes`,
 * CONTACT_COLUMNS_NO_ATTRIBUTES).
 */
export function contactRow(
  w: CopyBinary,
  id: string,
  r: ContactImportRow,
  accountId: string | null,
  attributes = true,
): void {
  w.row(attributes ? 10 : 9);
  w.text(id);
  w.text(r.email);
  w.text(r.firstName);
  w.text(r.lastName);
  w.text(r.title);
  w.text(r.seniority);
  w.text(r.buyingRole);
  w.text(r.phone);
  w.text(accountId);
  if (attributes) w.jsonb(attributesJson(r.attributes));
}

/** A new lead's binary COPY row (LEAD_COLUMNS), as leadLine. */
export function leadRow(
  w: CopyBinary,
  id: string,
  contactId: string,
  accountId: string | null,
  r: LeadImportRow,
): void {
  w.row(10);
  w.text(id);
  w.text(contactId);
  w.text(accountId);
  w.text(r.source);
  w.text(r.entryPath ?? "standard");
  w.text(r.ownerId);
  w.text(r.stage ?? "new");
  w.timestamptz(r.createdAt, "created_at");
  w.timestamptz(r.slaDueAt, "sla_due_at");
  w.timestamptz(r.createdAt, "created_at");
}

// The `after` value of a first history entry per stage: a handful of values, not a JSON.stringify per row.
const afterJsonOfStage = new Map<string, string>();

/**
 * A new lead's first history entry's binary COPY row (HISTORY_COLUMNS), as historyLine; `byDefault`,
 * its HISTORY_COLUMNS_BY_DEFAULT, its id left to fill in later: returns the offset of those 8 bytes
 * (else -1).
 */
export function historyRow(
  w: CopyBinary,
  id: string,
  r: LeadImportRow,
  actor: string,
  byDefault = false,
): number {
  const stage = r.stage ?? "new";
  let after = afterJsonOfStage.get(stage);
  if (after === undefined) {
    after = JSON.stringify({ stage });
    if (afterJsonOfStage.size < 64) afterJsonOfStage.set(stage, after);
  }
  if (byDefault) {
    w.row(4);
    const idAt = w.int8Later();
    w.text(id);
    w.timestamptz(r.createdAt, "created_at");
    w.jsonb(after);
    return idAt;
  }
  w.row(7);
  w.text(id);
  w.text(IMPORT_HISTORY.kind);
  w.text(actor);
  w.timestamptz(r.createdAt, "created_at");
  w.text(IMPORT_HISTORY.reason);
  w.null();
  w.jsonb(after);
  return -1;
}

import { copyValue as v } from "../copy-text.ts";
import type { AccountImportRow, ContactImportRow, LeadImportRow } from "../ports.ts";

// The columns each COPY of an import names, and the COPY text line of each new row in their order.
// Shared by bulk.ts (every import) and bulk-lead-batch.ts (the all-new leads batch).

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

/** An id cell: ids are UUIDs (hex digits and dashes), which COPY text never escapes. */
const idCell = (id: string | null): string => id ?? "\\N";

/** A jsonb attributes cell: most rows have none, whose "{}" needs no JSON.stringify. */
function attributesCell(a: Readonly<Record<string, unknown>> | null | undefined): string {
  if (a) for (const _ in a) return v(a);
  return "{}";
}

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
  return `${id}\tstage\t${lastActorCell}\t${v(r.createdAt)}\timported\t\\N\t${after}\n`;
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

// The columns each COPY of an import names, in the order the COPY text's values are written.
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

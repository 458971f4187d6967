import { ENTRY_PATHS, STAGES } from "../../core/lifecycle/stages.ts";
import { BUYING_ROLES, SENIORITIES } from "../../core/records.ts";

export const IMPORT_TARGETS = ["leads", "accounts", "contacts", "deals", "events"] as const;
export type ImportTarget = (typeof IMPORT_TARGETS)[number];

export type FieldType =
  | { readonly kind: "text" }
  | { readonly kind: "email" }
  | { readonly kind: "domain" }
  | { readonly kind: "int" }
  | { readonly kind: "number" }
  | { readonly kind: "instant" }
  | { readonly kind: "json" }
  | { readonly kind: "enum"; readonly values: readonly string[] };

export type FieldSpec = { readonly type: FieldType; readonly required?: boolean };

const text = { type: { kind: "text" } } as const;
const int = { type: { kind: "int" } } as const;
const num = { type: { kind: "number" } } as const;
const instant = { type: { kind: "instant" } } as const;
const domain = { type: { kind: "domain" } } as const;
const email = { type: { kind: "email" } } as const;
const oneOf = (values: readonly string[]) => ({ type: { kind: "enum", values } }) as const;

const COMPANY = {
  company: text,
  domain,
  industry: text,
  employees: int,
  annual_revenue: num,
  country: text,
  region: text,
} as const;
const PERSON = {
  first_name: text,
  last_name: text,
  title: text,
  phone: text,
  seniority: oneOf(SENIORITIES),
  buying_role: oneOf(BUYING_ROLES),
} as const;

/**
 * The fields each import target accepts (snake_case, as in an exported file). Columns may also map
 * to `attributes.<name>` (custom attributes; event properties for events).
 */
export const TARGET_FIELDS: Readonly<Record<ImportTarget, Readonly<Record<string, FieldSpec>>>> = {
  leads: {
    email: { ...email, required: true },
    ...PERSON,
    ...COMPANY,
    source: text,
    entry_path: oneOf(ENTRY_PATHS),
    owner_id: text,
    stage: oneOf(STAGES),
    created_at: instant,
  },
  accounts: { name: text, ...COMPANY },
  contacts: { email: { ...email, required: true }, ...PERSON, account_domain: domain },
  deals: {
    /** The CRM's id of the deal: a deal re-imported with the same one is updated, not added again. */
    external_id: text,
    name: { ...text, required: true },
    amount: num,
    currency: text,
    status: oneOf(["open", "won", "lost"]),
    reason: text,
    created_at: instant,
    close_date: instant,
    account_domain: domain,
    contact_email: email,
  },
  events: {
    type: { ...text, required: true },
    occurred_at: { ...instant, required: true },
    lead_id: text,
    email,
    key: text,
    properties: { type: { kind: "json" } },
  },
};

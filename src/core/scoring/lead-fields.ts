import type { PreparedEvent, PreparedLead } from "./prepare.ts";

type Getter<T> = (subject: T) => unknown;

// Direct property reads for the record fields rules use most: monomorphic loads the JIT inlines,
// instead of a generic walk with computed keys (measured ~3x faster on the reference model).
export const LEAD_FIELDS: Readonly<Record<string, Getter<PreparedLead>>> = {
  "account.id": (l) => l.account?.id,
  "account.name": (l) => l.account?.name,
  "account.domain": (l) => l.account?.domain,
  "account.industry": (l) => l.account?.industry,
  "account.employees": (l) => l.account?.employees,
  "account.annualRevenue": (l) => l.account?.annualRevenue,
  "account.country": (l) => l.account?.country,
  "account.region": (l) => l.account?.region,
  "contact.id": (l) => l.contact?.id,
  "contact.email": (l) => l.contact?.email,
  "contact.emailDomain": (l) => l.emailDomain,
  "contact.firstName": (l) => l.contact?.firstName,
  "contact.lastName": (l) => l.contact?.lastName,
  "contact.title": (l) => l.contact?.title,
  "contact.seniority": (l) => l.contact?.seniority,
  "contact.buyingRole": (l) => l.contact?.buyingRole,
  "contact.phone": (l) => l.contact?.phone,
  "contact.emailStatus": (l) => l.contact?.emailStatus,
  "contact.unsubscribed": (l) => l.contact?.unsubscribed,
  "lead.id": (l) => l.lead?.id,
  "lead.source": (l) => l.lead?.source,
  "lead.entryPath": (l) => l.lead?.entryPath,
  "lead.ownerId": (l) => l.lead?.ownerId,
  "lead.stage": (l) => l.lead?.stage,
};

/** Getters for `account.attributes.<key>`, `contact.attributes.<key>` and the known fields. */
export function leadGetter(path: string): Getter<PreparedLead> | undefined {
  const known = LEAD_FIELDS[path];
  if (known) return known;
  const m = /^(account|contact)\.attributes\.(.+)$/.exec(path);
  if (!m) return undefined;
  const key = m[2]!;
  return m[1] === "account" ? (l) => l.account?.attributes[key] : (l) => l.contact?.attributes[key];
}

/** Getters for `type`, `id` and `properties.<key>` of an event. */
export function eventGetter(path: string): Getter<PreparedEvent> | undefined {
  if (path === "type") return (e) => e.type;
  if (path === "id") return (e) => e.id;
  if (path.startsWith("properties.")) {
    const key = path.slice("properties.".length);
    return (e) => e.properties[key];
  }
  return undefined;
}

import type { ExportKind } from "../ports.ts";

// Flat rows in id order (keyset pages: `id > $1 LIMIT $2`). Column names are the import field names,
// so an exported file imports back as is.
export const EXPORT_QUERIES: Readonly<Record<ExportKind, string>> = {
  leads: `
    SELECT l.id, c.email, c.first_name, c.last_name, c.title, c.phone, a.name AS company, a.domain, a.industry, a.employees,
           a.country, l.source, l.entry_path, l.owner_id, l.stage, l.reason, s.fit, s.engagement, s.grade,
           l.created_at, l.stage_entered_at
    FROM leads l JOIN contacts c ON c.id = l.contact_id LEFT JOIN accounts a ON a.id = l.account_id
    LEFT JOIN lead_scores s ON s.lead_id = l.id
    WHERE l.id > $1 ORDER BY l.id LIMIT $2`,
  accounts: `
    SELECT id, name, domain, industry, employees, annual_revenue, country, region, attributes, created_at
    FROM accounts WHERE id > $1 ORDER BY id LIMIT $2`,
  contacts: `
    SELECT c.id, c.email, c.first_name, c.last_name, c.title, c.seniority, c.buying_role, c.phone, a.domain AS account_domain,
           c.email_status, c.unsubscribed, c.attributes, c.created_at
    FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id WHERE c.id > $1 ORDER BY c.id LIMIT $2`,
  deals: `
    SELECT d.id, d.external_id, d.name, d.amount, d.currency, d.status, d.reason, d.created_at, d.close_date, a.domain AS account_domain,
           c.email AS contact_email
    FROM deals d LEFT JOIN accounts a ON a.id = d.account_id LEFT JOIN leads l ON l.id = d.lead_id
    LEFT JOIN contacts c ON c.id = l.contact_id
    WHERE d.id > $1 ORDER BY d.id LIMIT $2`,
  events: `
    SELECT id, idempotency_key AS key, lead_id, type, occurred_at, properties
    FROM events WHERE id > $1 ORDER BY id LIMIT $2`,
};

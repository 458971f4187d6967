import type { SqlClient, Storage } from "../../src/storage/ports.ts";
import { repositories } from "../../src/storage/storage.ts";

// What the import tests compare: a storage whose transactions cannot COPY (the statements-only
// path the COPY and prepared paths are held to), one whose statements are recorded, and everything
// a leads import writes.

/** The same storage, but its transactions' clients cannot COPY: every row goes through the statements. */
export function withoutCopy(storage: Storage): Storage {
  return {
    ...storage,
    transaction: (fn) =>
      storage.transaction((tx) => {
        const sql: SqlClient = {
          query: (text, params, options) => tx.sql.query(text, params, options),
          exec: (text) => tx.sql.exec(text),
          transaction: (inner) => inner(sql),
        };
        return fn(repositories(sql, storage.engine));
      }),
  };
}

/** The same storage, its transactions' statements recorded in `texts` (their clients keep COPY and its ordering). */
export function recording(storage: Storage, texts: string[]): Storage {
  return {
    ...storage,
    transaction: (fn) =>
      storage.transaction((tx) => {
        const sql: SqlClient = {
          ...tx.sql,
          query: (text, params, options) => {
            texts.push(text);
            return tx.sql.query(text, params, options);
          },
          exec: (text) => {
            texts.push(text);
            return tx.sql.exec(text);
          },
          transaction: (inner) => inner(sql),
        };
        return fn(repositories(sql, storage.engine));
      }),
  };
}

/** Everything an import writes, by natural keys (ids and write times differ between databases). */
export async function storedImport(s: Storage) {
  const accounts = await s.sql.query(
    `SELECT domain, name, industry, employees, annual_revenue, country, region, attributes, version
     FROM accounts ORDER BY domain NULLS LAST, name`,
  );
  const contacts = await s.sql.query(
    `SELECT c.email, c.first_name, c.last_name, c.title, c.seniority, c.buying_role, c.phone, a.domain AS account,
       c.attributes, c.email_status, c.unsubscribed, c.version
     FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id ORDER BY c.email`,
  );
  const leads = await s.sql.query(
    `SELECT c.email, a.domain AS account, l.source, l.entry_path, l.owner_id, l.stage, l.stage_entered_at,
       l.sla_due_at, l.created_at, l.version, l.reason, l.re_entry
     FROM leads l JOIN contacts c ON c.id = l.contact_id LEFT JOIN accounts a ON a.id = l.account_id ORDER BY c.email`,
  );
  const history = await s.sql.query(
    `SELECT c.email, h.kind, h.actor, h.at, h.reason, h.before, h.after
     FROM lead_history h JOIN leads l ON l.id = h.lead_id JOIN contacts c ON c.id = l.contact_id ORDER BY c.email, h.id`,
  );
  return { accounts: accounts.rows, contacts: contacts.rows, leads: leads.rows, history: history.rows };
}

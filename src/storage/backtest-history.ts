import type { EntryPath, Stage } from "../core/lifecycle/stages.ts";
import type { Account, BehaviourEvent, Contact, Lead } from "../core/records.ts";
import type { HistoryLead } from "../core/scoring/backtest.ts";
import type { SqlClient } from "./ports.ts";

type Row = {
  lead: Record<string, unknown>;
  contact: Record<string, unknown> | null;
  account: Record<string, unknown> | null;
  events: Record<string, unknown>[] | null;
  stages: { stage: Stage; at: string }[] | null;
  outcome: { status: "won" | "lost"; at: string } | null;
};

const iso = (v: unknown) => new Date(String(v)).toISOString();
const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * The history a backtest replays, for leads created in [from, to): each lead with its contact,
 * account and events, its stage moves (from the append-only history) and how it ended (a won or lost
 * deal, else a won/lost stage). One query, the database builds the JSON.
 */
export async function loadBacktestHistory(sql: SqlClient, from: string, to: string): Promise<HistoryLead[]> {
  const r = await sql.query<Row>(
    `SELECT row_to_json(l) AS lead, row_to_json(c) AS contact, row_to_json(a) AS account,
       (SELECT json_agg(json_build_object('id', e.id, 'type', e.type, 'occurred_at', e.occurred_at, 'properties', e.properties) ORDER BY e.occurred_at)
          FROM events e WHERE e.lead_id = l.id) AS events,
       (SELECT json_agg(json_build_object('stage', h.after->>'stage', 'at', h.at) ORDER BY h.at, h.id)
          FROM lead_history h WHERE h.lead_id = l.id AND h.kind = 'stage' AND h.after ? 'stage') AS stages,
       coalesce(
         (SELECT json_build_object('status', d.status, 'at', coalesce(d.close_date, d.updated_at)) FROM deals d
            WHERE d.lead_id = l.id AND d.status IN ('won', 'lost') ORDER BY d.close_date DESC NULLS LAST LIMIT 1),
         CASE WHEN l.stage IN ('won', 'lost') THEN json_build_object('status', l.stage, 'at', l.stage_entered_at) END) AS outcome
     FROM leads l JOIN contacts c ON c.id = l.contact_id LEFT JOIN accounts a ON a.id = l.account_id
     WHERE l.created_at >= $1::timestamptz AND l.created_at < $2::timestamptz ORDER BY l.created_at, l.id`,
    [from, to],
  );
  return r.rows.map((row) => {
    const l = row.lead;
    const lead: Lead = {
      id: String(l["id"]),
      contactId: String(l["contact_id"]),
      accountId: s(l["account_id"]),
      source: s(l["source"]),
      entryPath: String(l["entry_path"]) as EntryPath,
      ownerId: s(l["owner_id"]),
      stage: String(l["stage"]) as Stage,
      stageEnteredAt: iso(l["stage_entered_at"]),
      createdAt: iso(l["created_at"]),
    };
    const c = row.contact ?? {};
    const contact: Contact = {
      id: String(c["id"]),
      accountId: s(c["account_id"]),
      email: s(c["email"]),
      firstName: s(c["first_name"]),
      lastName: s(c["last_name"]),
      title: s(c["title"]),
      seniority: s(c["seniority"]) as Contact["seniority"],
      buyingRole: s(c["buying_role"]) as Contact["buyingRole"],
      phone: s(c["phone"]),
      emailStatus: (s(c["email_status"]) ?? "unknown") as Contact["emailStatus"],
      unsubscribed: Boolean(c["unsubscribed"]),
      attributes: (c["attributes"] ?? {}) as Contact["attributes"],
    };
    const a = row.account;
    const account: Account | null = a
      ? {
          id: String(a["id"]),
          name: String(a["name"]),
          domain: s(a["domain"]),
          industry: s(a["industry"]),
          employees: n(a["employees"]),
          annualRevenue: n(a["annual_revenue"]),
          country: s(a["country"]),
          region: s(a["region"]),
          attributes: (a["attributes"] ?? {}) as Account["attributes"],
        }
      : null;
    const events: BehaviourEvent[] = (row.events ?? []).map((e) => ({
      id: String(e["id"]),
      leadId: lead.id,
      type: String(e["type"]),
      occurredAt: iso(e["occurred_at"]),
      properties: (e["properties"] ?? {}) as BehaviourEvent["properties"],
    }));
    return {
      input: { lead, contact, account, events },
      stages: (row.stages ?? []).map((st) => ({ stage: st.stage, at: iso(st.at) })),
      outcome: row.outcome ? { status: row.outcome.status, at: iso(row.outcome.at) } : null,
    };
  });
}

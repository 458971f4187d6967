import type {
  HistoryEntry,
  HistoryKind,
  HistoryRepository,
  SlaBreach,
  SlaBreachRepository,
  SqlClient,
  SqlRow,
} from "../ports.ts";
import { iso, json, jsonParam, str, strOrNull } from "./values.ts";

export function toHistory(r: SqlRow): HistoryEntry {
  return {
    id: Number(r["id"]),
    leadId: str(r["lead_id"]),
    kind: str(r["kind"]) as HistoryKind,
    actor: str(r["actor"]),
    at: iso(r["at"]),
    reason: strOrNull(r["reason"]),
    before: json(r["before"] ?? null),
    after: json(r["after"] ?? null),
  };
}

export function historyRepository(sql: SqlClient): HistoryRepository {
  return {
    async append(e) {
      const r = await sql.query(
        "INSERT INTO lead_history (lead_id, kind, actor, at, reason, before, after) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb) RETURNING *",
        [e.leadId, e.kind, e.actor, e.at, e.reason, jsonParam(e.before), jsonParam(e.after)],
      );
      return toHistory(r.rows[0] as SqlRow);
    },
    async listForLead(leadId, kinds) {
      const r = await sql.query(
        "SELECT * FROM lead_history WHERE lead_id = $1 AND ($2::jsonb IS NULL OR kind IN (SELECT jsonb_array_elements_text($2::jsonb))) ORDER BY at, id",
        [leadId, kinds ? JSON.stringify(kinds) : null],
      );
      return r.rows.map(toHistory);
    },
  };
}

export function toBreach(r: SqlRow): SlaBreach {
  return {
    id: Number(r["id"]),
    leadId: str(r["lead_id"]),
    sla: str(r["sla"]),
    ownerId: strOrNull(r["owner_id"]),
    dueAt: iso(r["due_at"]),
    detectedAt: iso(r["detected_at"]),
    overdueSeconds: Number(r["overdue_seconds"]),
    details: json<Record<string, unknown>>(r["details"]) ?? {},
  };
}

export function slaBreachRepository(sql: SqlClient): SlaBreachRepository {
  return {
    async record(b) {
      const r = await sql.query(
        `INSERT INTO sla_breaches (lead_id, sla, owner_id, due_at, detected_at, overdue_seconds, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
         ON CONFLICT (lead_id, sla, due_at) DO UPDATE
           SET overdue_seconds = excluded.overdue_seconds,
               details = sla_breaches.details || excluded.details
           WHERE excluded.overdue_seconds >= sla_breaches.overdue_seconds
         RETURNING *, (xmax = 0) AS inserted`,
        [
          b.leadId,
          b.sla,
          b.ownerId,
          b.dueAt,
          b.detectedAt,
          Math.max(0, Math.round(b.overdueSeconds)),
          JSON.stringify(b.details),
        ],
      );
      // A breach seen again (a later sweep, or the lead finally handled) keeps its first detection
      // but now says how late it is or was handled; only a new breach is returned.
      return r.rows[0] && r.rows[0]["inserted"] === true ? toBreach(r.rows[0]) : null;
    },
    async list(f = {}) {
      const r = await sql.query(
        `SELECT * FROM sla_breaches
         WHERE ($1::timestamptz IS NULL OR detected_at >= $1) AND ($2::timestamptz IS NULL OR detected_at < $2)
           AND ($3::text IS NULL OR owner_id = $3) AND ($4::text IS NULL OR sla = $4) AND ($5::text IS NULL OR lead_id = $5)
         ORDER BY detected_at DESC, id DESC LIMIT $6`,
        [f.from ?? null, f.to ?? null, f.ownerId ?? null, f.sla ?? null, f.leadId ?? null, f.limit ?? 1000],
      );
      return r.rows.map(toBreach);
    },
  };
}

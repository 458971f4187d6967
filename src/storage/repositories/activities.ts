import type { ActivityType, AttemptOutcome } from "../../core/records.ts";
import type { ActivityInput, ActivityRepository, SqlClient, SqlRow, StoredActivity } from "../ports.ts";
import { iso, str, strOrNull } from "./values.ts";

export function toActivity(r: SqlRow): StoredActivity {
  return {
    id: str(r["id"]),
    leadId: str(r["lead_id"]),
    type: str(r["type"]) as ActivityType,
    outcome: strOrNull(r["outcome"]) as AttemptOutcome | null,
    occurredAt: iso(r["occurred_at"]),
    by: str(r["actor"]),
    body: strOrNull(r["body"]),
    createdAt: iso(r["created_at"]),
  };
}

export function activityRepository(sql: SqlClient): ActivityRepository {
  return {
    async create(a: ActivityInput) {
      const r = await sql.query(
        "INSERT INTO activities (lead_id, type, outcome, occurred_at, actor, body) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
        [a.leadId, a.type, a.outcome ?? null, a.occurredAt, a.by, a.body ?? null],
      );
      return toActivity(r.rows[0] as SqlRow);
    },
    async listForLead(leadId, options = {}) {
      const r = await sql.query(
        "SELECT * FROM activities WHERE lead_id = $1 AND ($2::timestamptz IS NULL OR occurred_at >= $2) ORDER BY occurred_at DESC, id LIMIT $3",
        [leadId, options.since ?? null, options.limit ?? 1000],
      );
      return r.rows.map(toActivity);
    },
  };
}

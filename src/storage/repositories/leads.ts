import type { EntryPath, Stage } from "../../core/lifecycle/stages.ts";
import type {
  LeadInput,
  LeadPatch,
  LeadRepository,
  ReEntry,
  SqlClient,
  SqlRow,
  StageChange,
  StoredLead,
} from "../ports.ts";
import { iso, isoOrNull, json, jsonParam, str, strOrNull } from "./values.ts";
import { patchColumns, versionedUpdate } from "./versioned-update.ts";

export function toLead(r: SqlRow): StoredLead {
  return {
    id: str(r["id"]),
    contactId: str(r["contact_id"]),
    accountId: strOrNull(r["account_id"]),
    source: strOrNull(r["source"]),
    entryPath: str(r["entry_path"]) as EntryPath,
    ownerId: strOrNull(r["owner_id"]),
    stage: str(r["stage"]) as Stage,
    stageEnteredAt: iso(r["stage_entered_at"]),
    createdAt: iso(r["created_at"]),
    reason: strOrNull(r["reason"]),
    reEntry: json<ReEntry | null>(r["re_entry"] ?? null),
    slaDueAt: isoOrNull(r["sla_due_at"]),
    version: Number(r["version"]),
    updatedAt: iso(r["updated_at"]),
  };
}

const PATCH = {
  source: { column: "source" },
  ownerId: { column: "owner_id" },
  accountId: { column: "account_id" },
} as const;

export function leadRepository(sql: SqlClient): LeadRepository {
  const one = async (query: string, id: string) => {
    const r = await sql.query(query, [id]);
    return r.rows[0] ? toLead(r.rows[0]) : null;
  };
  return {
    async create(l: LeadInput) {
      const r = await sql.query(
        `INSERT INTO leads (id, contact_id, account_id, source, entry_path, owner_id, stage, stage_entered_at, created_at)
         VALUES (coalesce($1, gen_random_uuid()::text), $2, $3, $4, $5, $6, $7, $8, $8) RETURNING *`,
        [
          l.id ?? null,
          l.contactId,
          l.accountId ?? null,
          l.source ?? null,
          l.entryPath ?? "standard",
          l.ownerId ?? null,
          l.stage ?? "new",
          l.createdAt,
        ],
      );
      return toLead(r.rows[0] as SqlRow);
    },
    get: (id) => one("SELECT * FROM leads WHERE id = $1", id),
    getForUpdate: (id) => one("SELECT * FROM leads WHERE id = $1 FOR UPDATE", id),
    async update(id, expectedVersion, patch: LeadPatch) {
      return toLead(
        await versionedUpdate(
          sql,
          "leads",
          id,
          expectedVersion,
          patchColumns(patch, PATCH),
          "WINNOW_ERR_LEAD_NOT_FOUND",
        ),
      );
    },
    async changeStage(id, expectedVersion, change: StageChange) {
      const set = {
        stage: { value: change.stage },
        stage_entered_at: { value: change.stageEnteredAt, cast: "timestamptz" },
        reason: { value: change.reason },
        re_entry: { value: jsonParam(change.reEntry), cast: "jsonb" },
        sla_due_at: { value: change.slaDueAt, cast: "timestamptz" },
      };
      return toLead(
        await versionedUpdate(sql, "leads", id, expectedVersion, set, "WINNOW_ERR_LEAD_NOT_FOUND"),
      );
    },
    async listSlaDue(stage, now, limit) {
      const r = await sql.query(
        "SELECT * FROM leads WHERE stage = $1 AND sla_due_at < $2 ORDER BY sla_due_at, id LIMIT $3",
        [stage, now, limit],
      );
      return r.rows.map(toLead);
    },
    async idsFor(ref) {
      const r =
        "accountId" in ref
          ? await sql.query("SELECT id FROM leads WHERE account_id = $1 ORDER BY id", [ref.accountId])
          : await sql.query("SELECT id FROM leads WHERE contact_id = $1 ORDER BY id", [ref.contactId]);
      return r.rows.map((row) => str(row["id"]));
    },
  };
}

import type { DealStatus } from "../../core/records.ts";
import type { DealInput, DealPatch, DealRepository, SqlClient, SqlRow, StoredDeal } from "../ports.ts";
import { iso, isoOrNull, numOrNull, str, strOrNull } from "./values.ts";
import { patchColumns, versionedUpdate } from "./versioned-update.ts";

export function toDeal(r: SqlRow): StoredDeal {
  return {
    id: str(r["id"]),
    accountId: strOrNull(r["account_id"]),
    leadId: strOrNull(r["lead_id"]),
    name: str(r["name"]),
    amount: numOrNull(r["amount"]),
    currency: str(r["currency"]),
    status: str(r["status"]) as DealStatus,
    createdAt: iso(r["created_at"]),
    closeDate: isoOrNull(r["close_date"]),
    reason: strOrNull(r["reason"]),
    version: Number(r["version"]),
    updatedAt: iso(r["updated_at"]),
  };
}

const PATCH = {
  accountId: { column: "account_id" },
  leadId: { column: "lead_id" },
  name: { column: "name" },
  amount: { column: "amount" },
  currency: { column: "currency" },
  status: { column: "status" },
  closeDate: { column: "close_date", cast: "timestamptz" },
  reason: { column: "reason" },
} as const;

export function dealRepository(sql: SqlClient): DealRepository {
  return {
    async create(d: DealInput) {
      const r = await sql.query(
        `INSERT INTO deals (id, account_id, lead_id, name, amount, currency, status, created_at, close_date, reason)
         VALUES (coalesce($1, gen_random_uuid()::text), $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
        [
          d.id ?? null,
          d.accountId ?? null,
          d.leadId ?? null,
          d.name,
          d.amount ?? null,
          d.currency ?? "USD",
          d.status ?? "open",
          d.createdAt,
          d.closeDate ?? null,
          d.reason ?? null,
        ],
      );
      return toDeal(r.rows[0] as SqlRow);
    },
    async get(id) {
      const r = await sql.query("SELECT * FROM deals WHERE id = $1", [id]);
      return r.rows[0] ? toDeal(r.rows[0]) : null;
    },
    async update(id, expectedVersion, patch: DealPatch) {
      return toDeal(
        await versionedUpdate(
          sql,
          "deals",
          id,
          expectedVersion,
          patchColumns(patch, PATCH),
          "WINNOW_ERR_DEAL_NOT_FOUND",
        ),
      );
    },
    async listForLead(leadId) {
      const r = await sql.query("SELECT * FROM deals WHERE lead_id = $1 ORDER BY created_at, id", [leadId]);
      return r.rows.map(toDeal);
    },
  };
}

import type { BuyingRole, EmailStatus, Seniority } from "../../core/records.ts";
import type {
  ContactInput,
  ContactPatch,
  ContactRepository,
  SqlClient,
  SqlRow,
  StoredContact,
} from "../ports.ts";
import { attrs, iso, jsonParam, normalizeKey, str, strOrNull } from "./values.ts";
import { patchColumns, versionedUpdate } from "./versioned-update.ts";

export function toContact(r: SqlRow): StoredContact {
  return {
    id: str(r["id"]),
    accountId: strOrNull(r["account_id"]),
    email: strOrNull(r["email"]),
    firstName: strOrNull(r["first_name"]),
    lastName: strOrNull(r["last_name"]),
    title: strOrNull(r["title"]),
    seniority: strOrNull(r["seniority"]) as Seniority | null,
    buyingRole: strOrNull(r["buying_role"]) as BuyingRole | null,
    phone: strOrNull(r["phone"]),
    emailStatus: str(r["email_status"]) as EmailStatus,
    unsubscribed: Boolean(r["unsubscribed"]),
    attributes: attrs(r["attributes"]),
    version: Number(r["version"]),
    updatedAt: iso(r["updated_at"]),
  };
}

const PATCH = {
  accountId: { column: "account_id" },
  email: { column: "email", map: (v: unknown) => normalizeKey(v as string | null) },
  firstName: { column: "first_name" },
  lastName: { column: "last_name" },
  title: { column: "title" },
  seniority: { column: "seniority" },
  buyingRole: { column: "buying_role" },
  phone: { column: "phone" },
  emailStatus: { column: "email_status" },
  unsubscribed: { column: "unsubscribed" },
  attributes: { column: "attributes", cast: "jsonb", map: jsonParam },
} as const;

export function contactRepository(sql: SqlClient): ContactRepository {
  return {
    async create(c: ContactInput) {
      const r = await sql.query(
        `INSERT INTO contacts (id, account_id, email, first_name, last_name, title, seniority, buying_role, phone, email_status, unsubscribed, attributes)
         VALUES (coalesce($1, gen_random_uuid()::text), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb) RETURNING *`,
        [
          c.id ?? null,
          c.accountId ?? null,
          normalizeKey(c.email),
          c.firstName ?? null,
          c.lastName ?? null,
          c.title ?? null,
          c.seniority ?? null,
          c.buyingRole ?? null,
          c.phone ?? null,
          c.emailStatus ?? "unknown",
          c.unsubscribed ?? false,
          jsonParam(c.attributes ?? {}),
        ],
      );
      return toContact(r.rows[0] as SqlRow);
    },
    async get(id) {
      const r = await sql.query("SELECT * FROM contacts WHERE id = $1", [id]);
      return r.rows[0] ? toContact(r.rows[0]) : null;
    },
    async findByEmail(email) {
      const r = await sql.query("SELECT * FROM contacts WHERE email = $1", [normalizeKey(email)]);
      return r.rows[0] ? toContact(r.rows[0]) : null;
    },
    async update(id, expectedVersion, patch: ContactPatch) {
      const row = await versionedUpdate(
        sql,
        "contacts",
        id,
        expectedVersion,
        patchColumns(patch, PATCH),
        "WINNOW_ERR_CONTACT_NOT_FOUND",
      );
      return toContact(row);
    },
  };
}

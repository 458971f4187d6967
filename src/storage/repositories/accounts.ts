import type {
  AccountInput,
  AccountPatch,
  AccountRepository,
  SqlClient,
  SqlRow,
  StoredAccount,
} from "../ports.ts";
import { attrs, iso, jsonParam, normalizeKey, numOrNull, str, strOrNull } from "./values.ts";
import { patchColumns, versionedUpdate } from "./versioned-update.ts";

export function toAccount(r: SqlRow): StoredAccount {
  return {
    id: str(r["id"]),
    name: str(r["name"]),
    domain: strOrNull(r["domain"]),
    industry: strOrNull(r["industry"]),
    employees: numOrNull(r["employees"]),
    annualRevenue: numOrNull(r["annual_revenue"]),
    country: strOrNull(r["country"]),
    region: strOrNull(r["region"]),
    attributes: attrs(r["attributes"]),
    version: Number(r["version"]),
    updatedAt: iso(r["updated_at"]),
  };
}

const PATCH = {
  name: { column: "name" },
  domain: { column: "domain", map: (v: unknown) => normalizeKey(v as string | null) },
  industry: { column: "industry" },
  employees: { column: "employees" },
  annualRevenue: { column: "annual_revenue" },
  country: { column: "country" },
  region: { column: "region" },
  attributes: { column: "attributes", cast: "jsonb", map: jsonParam },
} as const;

export function accountRepository(sql: SqlClient): AccountRepository {
  return {
    async create(a: AccountInput) {
      const r = await sql.query(
        `INSERT INTO accounts (id, name, domain, industry, employees, annual_revenue, country, region, attributes)
         VALUES (coalesce($1, gen_random_uuid()::text), $2, $3, $4, $5, $6, $7, $8, $9::jsonb) RETURNING *`,
        [
          a.id ?? null,
          a.name,
          normalizeKey(a.domain),
          a.industry ?? null,
          a.employees ?? null,
          a.annualRevenue ?? null,
          a.country ?? null,
          a.region ?? null,
          jsonParam(a.attributes ?? {}),
        ],
      );
      return toAccount(r.rows[0] as SqlRow);
    },
    async get(id) {
      const r = await sql.query("SELECT * FROM accounts WHERE id = $1", [id]);
      return r.rows[0] ? toAccount(r.rows[0]) : null;
    },
    async findByDomain(domain) {
      const r = await sql.query("SELECT * FROM accounts WHERE domain = $1", [normalizeKey(domain)]);
      return r.rows[0] ? toAccount(r.rows[0]) : null;
    },
    async update(id, expectedVersion, patch: AccountPatch) {
      const row = await versionedUpdate(
        sql,
        "accounts",
        id,
        expectedVersion,
        patchColumns(patch, PATCH),
        "WINNOW_ERR_ACCOUNT_NOT_FOUND",
      );
      return toAccount(row);
    },
  };
}

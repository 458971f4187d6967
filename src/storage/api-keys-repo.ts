import type { ApiKeyRecord, ApiKeyRepository, NewApiKeyRecord } from "./api-ports.ts";
import { type ApiSql, instant, optionalInstant } from "./api-sql.ts";

type Row = {
  id: string;
  name: string;
  role: string;
  subject: string | null;
  hint: string;
  created_at: Date | string;
  revoked_at: Date | string | null;
};

const COLUMNS = "id, name, role, subject, hint, created_at, revoked_at";

function toRecord(r: Row): ApiKeyRecord {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    subject: r.subject,
    hint: r.hint,
    createdAt: instant(r.created_at),
    revokedAt: optionalInstant(r.revoked_at),
  };
}

/** API keys in SQL (PGlite or PostgreSQL); only the key's hash is ever stored. */
export function sqlApiKeyRepository(sql: ApiSql): ApiKeyRepository {
  return {
    async create(key: NewApiKeyRecord) {
      const { rows } = await sql.query<Row>(
        `INSERT INTO api_keys (id, name, role, subject, key_hash, hint, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [key.id, key.name, key.role, key.subject, key.keyHash, key.hint, key.createdAt],
      );
      return toRecord(rows[0] as Row);
    },
    async findByHash(keyHash) {
      const { rows } = await sql.query<Row>(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1`, [keyHash]);
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async list() {
      const { rows } = await sql.query<Row>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id`);
      return rows.map(toRecord);
    },
    async revoke(id, at) {
      const { rows } = await sql.query<Row>(
        `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, at],
      );
      return rows[0] ? toRecord(rows[0]) : null;
    },
  };
}

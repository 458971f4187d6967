import type { IdempotencyBegin, IdempotencyRepository } from "./api-ports.ts";
import type { ApiSql } from "./api-sql.ts";

type Row = { request_hash: string; status: number | null; response: string | null };

/**
 * Idempotency keys of API writes. The first request claims the key (INSERT ... ON CONFLICT DO
 * NOTHING decides the race between two concurrent retries); the response is stored when done.
 */
export function sqlIdempotencyRepository(sql: ApiSql): IdempotencyRepository {
  return {
    async begin(scope, key, requestHash, at): Promise<IdempotencyBegin> {
      const claimed = await sql.query<{ key: string }>(
        `INSERT INTO idempotency_keys (scope, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
        [scope, key, requestHash, at],
      );
      if (claimed.rows.length > 0) return { state: "new" };
      const { rows } = await sql.query<Row>(
        "SELECT request_hash, status, response FROM idempotency_keys WHERE scope = $1 AND key = $2",
        [scope, key],
      );
      const row = rows[0];
      if (!row) return { state: "pending" };
      if (row.request_hash !== requestHash) return { state: "mismatch" };
      if (row.status === null || row.response === null) return { state: "pending" };
      return { state: "done", status: row.status, response: row.response };
    },
    async complete(scope, key, status, response) {
      await sql.query(
        "UPDATE idempotency_keys SET status = $3, response = $4 WHERE scope = $1 AND key = $2",
        [scope, key, status, response],
      );
    },
    async release(scope, key) {
      await sql.query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL", [
        scope,
        key,
      ]);
    },
  };
}

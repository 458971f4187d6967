import { type ErrorCode, WinnowError } from "../../core/errors.ts";
import type { SqlClient, SqlRow } from "../ports.ts";

/**
 * `UPDATE table SET <columns>, version = version + 1 WHERE id = $ AND version = $expected`.
 * No row updated means either the record is gone (notFound code) or someone else wrote first
 * (WINNOW_ERR_STALE_WRITE, with the current version in `details`).
 */
export async function versionedUpdate(
  sql: SqlClient,
  table: string,
  id: string,
  expectedVersion: number,
  set: Readonly<Record<string, { readonly value: unknown; readonly cast?: string }>>,
  notFound: ErrorCode,
): Promise<SqlRow> {
  const params: unknown[] = [id, expectedVersion];
  const assignments = Object.entries(set).map(([column, { value, cast }]) => {
    params.push(value);
    return `${column} = $${params.length}${cast ? `::${cast}` : ""}`;
  });
  assignments.push("version = version + 1", "updated_at = now()");
  const r = await sql.query(
    `UPDATE ${table} SET ${assignments.join(", ")} WHERE id = $1 AND version = $2 RETURNING *`,
    params,
  );
  const row = r.rows[0];
  if (row) return row;
  const current = await sql.query<{ version: number }>(`SELECT version FROM ${table} WHERE id = $1`, [id]);
  const found = current.rows[0];
  if (!found)
    throw new WinnowError(notFound, {
      message: `${table.slice(0, -1)} ${id} does not exist`,
      details: { id },
    });
  throw new WinnowError("WINNOW_ERR_STALE_WRITE", {
    message: `${table.slice(0, -1)} ${id} is at version ${found.version}, not ${expectedVersion}; reload and retry`,
    details: { id, expectedVersion, currentVersion: found.version },
  });
}

/** Builds the `set` argument from a patch: only keys present in the patch are written. */
export function patchColumns(
  patch: Readonly<Record<string, unknown>>,
  columns: Readonly<
    Record<
      string,
      { readonly column: string; readonly cast?: string; readonly map?: (v: unknown) => unknown }
    >
  >,
): Record<string, { value: unknown; cast?: string }> {
  const out: Record<string, { value: unknown; cast?: string }> = {};
  for (const [key, spec] of Object.entries(columns)) {
    if (!(key in patch) || patch[key] === undefined) continue;
    const raw = patch[key];
    out[spec.column] = { value: spec.map ? spec.map(raw) : raw, ...(spec.cast ? { cast: spec.cast } : {}) };
  }
  return out;
}

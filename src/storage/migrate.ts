import { isWinnowError, WinnowError } from "../core/errors.ts";
import { loadMigrations, type Migration } from "./migrations/index.ts";
import type { SqlClient } from "./ports.ts";

/** Any fixed number works; it only has to be the same for every Winnow process. */
const MIGRATION_LOCK = 7_316_002_411;

export type MigrationReport = {
  readonly applied: readonly { version: number; name: string }[];
  readonly current: number;
};

type AppliedRow = { version: number; name: string; checksum: string };

/**
 * Applies the missing migrations in one transaction, holding an advisory lock so that two processes
 * starting at once apply them once. Safe to run any number of times. A migration that changed since
 * it was applied, or a database newer than this code, stops with WINNOW_ERR_MIGRATION_MISMATCH.
 */
export async function migrate(
  db: SqlClient,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<MigrationReport> {
  try {
    return await db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      await tx.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
      );
      const { rows } = await tx.query<AppliedRow>(
        "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
      );
      const known = new Map(migrations.map((m) => [m.version, m]));
      for (const row of rows) {
        const m = known.get(row.version);
        if (!m) {
          throw new WinnowError("WINNOW_ERR_MIGRATION_MISMATCH", {
            message: `The database has migration ${row.version} (${row.name}), which this version of Winnow does not know; upgrade Winnow`,
          });
        }
        if (m.checksum !== row.checksum) {
          throw new WinnowError("WINNOW_ERR_MIGRATION_MISMATCH", {
            message: `Migration ${row.version} (${row.name}) was changed after it was applied; migrations are forward-only, add a new one`,
          });
        }
      }
      const done = new Set(rows.map((r) => r.version));
      const applied: { version: number; name: string }[] = [];
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        try {
          await tx.exec(m.sql);
        } catch (error) {
          throw new WinnowError("WINNOW_ERR_MIGRATION_FAILED", {
            message: `Migration ${m.version} (${m.name}) failed: ${(error as Error).message}`,
            cause: error,
          });
        }
        await tx.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [
          m.version,
          m.name,
          m.checksum,
        ]);
        applied.push({ version: m.version, name: m.name });
      }
      const current = Math.max(0, ...rows.map((r) => r.version), ...applied.map((a) => a.version));
      return { applied, current };
    });
  } catch (error) {
    if (isWinnowError(error)) throw error;
    throw new WinnowError("WINNOW_ERR_MIGRATION_FAILED", {
      message: `Migrations failed: ${(error as Error).message}`,
      cause: error,
    });
  }
}

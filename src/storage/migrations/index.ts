import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { WinnowError } from "../../core/errors.ts";

/** One forward-only migration: `NNNN_name.sql` in this folder. */
export type Migration = {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
};

const DIR = dirname(fileURLToPath(import.meta.url));

/** The migrations shipped with this version of Winnow, in order. */
export function loadMigrations(dir = DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f));
  // Never report a database "up to date" because the files are missing (e.g. a build without them).
  if (files.length === 0)
    throw new WinnowError("WINNOW_ERR_MIGRATION_FAILED", {
      message: `No migration files (NNNN_name.sql) in ${dir}: a build must copy them next to the compiled code (npm run build does)`,
    });
  return files.sort().map((file) => {
    const sql = readFileSync(join(dir, file), "utf8");
    return {
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql,
      checksum: createHash("sha256").update(sql).digest("hex"),
    };
  });
}

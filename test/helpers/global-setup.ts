import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { migrate } from "../../src/storage/migrate.ts";
import { loadMigrations } from "../../src/storage/migrations/index.ts";
import { openPglite } from "../../src/storage/pglite/open-pglite.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Folder with `empty.tar.gz` and `migrated.tar.gz` PGlite data-folder dumps. */
    pgliteTemplates: string;
  }
}

/**
 * PGlite's initdb is the slow part of opening an in-memory database. It runs once: an empty and a
 * migrated data folder are dumped to a temp folder keyed by the PGlite version and the migrations,
 * and every test database starts from them (test/helpers/db.ts). Files are renamed into place, so
 * parallel runs never read half a template.
 */
export default async function setup(project: TestProject): Promise<void> {
  const pglite = JSON.parse(
    readFileSync(
      resolve(import.meta.dirname, "../../node_modules/@electric-sql/pglite/package.json"),
      "utf8",
    ),
  ) as {
    version: string;
  };
  const key = createHash("sha256")
    .update(pglite.version)
    .update(
      loadMigrations()
        .map((m) => m.checksum)
        .join(),
    )
    .digest("hex")
    .slice(0, 16);
  const dir = join(tmpdir(), `winnow-pglite-templates-${key}`);
  if (!existsSync(join(dir, "migrated.tar.gz"))) {
    mkdirSync(dir, { recursive: true });
    const db = await openPglite("memory://");
    const part = `${process.pid}.part`;
    await db.dump(join(dir, `empty.${part}`));
    await migrate(db);
    await db.dump(join(dir, `migrated.${part}`));
    await db.close();
    renameSync(join(dir, `empty.${part}`), join(dir, "empty.tar.gz"));
    renameSync(join(dir, `migrated.${part}`), join(dir, "migrated.tar.gz"));
  }
  project.provide("pgliteTemplates", dir);
}

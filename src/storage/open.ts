import { migrate } from "./migrate.ts";
import type { Database, Storage } from "./ports.ts";
import { createStorage } from "./storage.ts";

/** Where the data lives: an embedded PGlite folder (`memory://` for a throw-away one) or a PostgreSQL URL. */
export type DatabaseConfig =
  | { readonly engine: "pglite"; readonly dataDir: string }
  | { readonly engine: "postgres"; readonly url: string };

/** Opens the engine the config names (drivers are loaded only when used). Does not migrate. */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.engine === "postgres") {
    const { openPostgres } = await import("./postgres/open-postgres.ts");
    return openPostgres(config.url);
  }
  const { openPglite } = await import("./pglite/open-pglite.ts");
  return openPglite(config.dataDir);
}

/**
 * Opens the database, applies pending migrations (once, even with several processes starting) and
 * returns the Storage port.
 *
 * @example
 * const storage = await openStorage({ engine: "pglite", dataDir: "memory://" });
 * const account = await storage.accounts.create({ name: "Acme", domain: "acme.com" });
 * await storage.close();
 */
export async function openStorage(
  config: DatabaseConfig,
  options: { readonly migrate?: boolean } = {},
): Promise<Storage> {
  const db = await openDatabase(config);
  if (options.migrate !== false) {
    try {
      await migrate(db);
    } catch (error) {
      await db.close().catch(() => undefined);
      throw error;
    }
  }
  return createStorage(db);
}

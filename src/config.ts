import { isAbsolute, resolve } from "node:path";
import { WinnowError } from "./core/errors.ts";
import type { DatabaseConfig } from "./storage/open.ts";

/** Winnow's runtime configuration, read once from the environment and flags, validated and frozen. */
export type Config = {
  readonly database: DatabaseConfig;
};

export type ConfigSources = {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Paths are resolved against this folder. */
  readonly cwd: string;
  /** `--db <dir|url>` from the command line: wins over DATABASE_URL. */
  readonly db?: string | undefined;
};

/** The embedded database folder when nothing else is said. */
export const DEFAULT_DATA_DIR = ".winnow";

/**
 * Picks the database: `--db` (a folder, `memory://`, or a postgres:// URL), else DATABASE_URL, else
 * the embedded PGlite folder `./.winnow/` (or WINNOW_DATA_DIR).
 */
export function databaseConfig(sources: ConfigSources): DatabaseConfig {
  const pick = sources.db?.trim() || sources.env["DATABASE_URL"]?.trim() || "";
  if (/^postgres(ql)?:\/\//.test(pick)) return { engine: "postgres", url: pick };
  if (pick.includes("://") && !pick.startsWith("memory://")) {
    throw new WinnowError("WINNOW_ERR_USAGE", {
      message: `Unsupported database address "${pick}": use postgres://..., memory:// or a folder`,
    });
  }
  if (pick.startsWith("memory://")) return { engine: "pglite", dataDir: pick };
  const dir = pick || sources.env["WINNOW_DATA_DIR"]?.trim() || DEFAULT_DATA_DIR;
  return { engine: "pglite", dataDir: isAbsolute(dir) ? dir : resolve(sources.cwd, dir) };
}

/** Reads the whole configuration. */
export function readConfig(sources: ConfigSources): Config {
  return Object.freeze({ database: Object.freeze(databaseConfig(sources)) });
}

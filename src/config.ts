import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { WinnowError } from "./core/errors.ts";
import {
  DEFAULT_LIFECYCLE_CONFIG,
  type LifecycleConfig,
  parseLifecycleConfig,
} from "./core/lifecycle/config.ts";
import type { DatabaseConfig } from "./storage/open.ts";

/** Winnow's runtime configuration, read once from the environment and flags, validated and frozen. */
export type Config = {
  readonly database: DatabaseConfig;
  /** Stages' SLAs, working calendar, reasons, entry paths (docs/lifecycle.md). */
  readonly lifecycle: LifecycleConfig;
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

/**
 * The lifecycle configuration from the YAML or JSON file named by WINNOW_LIFECYCLE_FILE (validated,
 * defaults filled in), or the built-in defaults.
 */
export function lifecycleConfig(sources: ConfigSources): LifecycleConfig {
  const file = sources.env["WINNOW_LIFECYCLE_FILE"]?.trim();
  if (!file) return DEFAULT_LIFECYCLE_CONFIG;
  const path = isAbsolute(file) ? file : resolve(sources.cwd, file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new WinnowError("WINNOW_ERR_FILE_NOT_FOUND", {
      message: `Cannot read the lifecycle configuration ${path}`,
      cause: error,
    });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new WinnowError("WINNOW_ERR_LIFECYCLE_CONFIG", {
      message: `${path} is not valid YAML: ${(error as Error).message}`,
      cause: error,
    });
  }
  const r = parseLifecycleConfig(doc);
  if (!r.ok)
    throw new WinnowError("WINNOW_ERR_LIFECYCLE_CONFIG", {
      message: `${path} is not a valid lifecycle configuration`,
      issues: r.error,
    });
  return r.value;
}

/** Reads the whole configuration. */
export function readConfig(sources: ConfigSources): Config {
  return Object.freeze({
    database: Object.freeze(databaseConfig(sources)),
    lifecycle: lifecycleConfig(sources),
  });
}

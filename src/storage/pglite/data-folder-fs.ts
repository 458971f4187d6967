import type { PGlite } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";

type PostgresModOptions = Parameters<NodeFS["init"]>[1];

type Fn = (...args: unknown[]) => unknown;
/** Emscripten's file system in PGlite's module (only what is used here). */
type EmscriptenFs = Record<string, unknown> & { ErrnoError?: new (errno: number) => Error };
type EmscriptenModule = { readonly FS?: EmscriptenFs };

/** Emscripten's errno for "no such file or directory", and its open flag O_CREAT. */
const ENOENT = 44;
const O_CREAT = 0o100;

/** The calls through which a path can come to exist: creating a file, folder or device; renaming; linking. */
const CREATING = ["mknod", "rename", "symlink"] as const;

/** How many opens a remembered miss answered (tests, and a check that it is in place at all). */
export type MissingFiles = { readonly answered: number };

/**
 * Remembers the paths the engine failed to open because they do not exist, until anything is
 * created, renamed or linked anywhere: the next open of such a path fails at once.
 *
 * Why: the engine opens, again and again, files that do not exist. When a B-tree index needs a new
 * page, PostgreSQL first asks the index's free-space map for a reusable one, and an index that never
 * had a page freed has no free-space-map file: `smgrexists` opens it, the open fails, and nothing
 * remembers that (PostgreSQL caches only a found fork's size). In Emscripten every such open
 * normalises and walks the path in JavaScript, calls `lstat` and builds a Node.js error: ~40 µs each,
 * ~40,000 of them (1.6 s) in a 1,000,000-lead import (docs/import.md, "Ninth session").
 *
 * A path can only come to exist through the engine's own file system calls (no one else writes into
 * a data folder the engine has open), each of which goes through `FS.mknod`, `FS.rename` or
 * `FS.symlink` and forgets every remembered path: a remembered miss is always still true. Opens that
 * create (O_CREAT) are never answered from memory. A PGlite whose module does not look as expected is
 * left as it is.
 */
export function rememberMissingFiles(mod: EmscriptenModule): MissingFiles | null {
  const fs = mod.FS;
  const ErrnoError = fs?.ErrnoError;
  const open = fs?.["open"];
  if (!fs || !ErrnoError || typeof open !== "function" || CREATING.some((n) => typeof fs[n] !== "function"))
    return null;
  const counts = { answered: 0 };
  const missing = new Set<string>();
  // FS.open(path, flags, mode): three arguments, passed on as they are (no rest parameters: this runs
  // for every file the engine opens).
  fs["open"] = function (this: unknown, path: unknown, flags: unknown, mode: unknown) {
    if (typeof path !== "string" || typeof flags !== "number" || (flags & O_CREAT) !== 0)
      return open.call(this, path, flags, mode);
    if (missing.has(path)) {
      counts.answered += 1;
      throw new ErrnoError(ENOENT);
    }
    try {
      return open.call(this, path, flags, mode);
    } catch (error) {
      if ((error as { errno?: unknown }).errno === ENOENT) missing.add(path);
      throw error;
    }
  };
  for (const name of CREATING) {
    const op = fs[name] as Fn;
    fs[name] = function (this: unknown, ...args: unknown[]) {
      missing.clear();
      return op.apply(this, args);
    };
  }
  return counts;
}

/**
 * PGlite's own Node.js file system for a data folder, with `rememberMissingFiles` applied before the
 * engine starts.
 */
export class DataFolderFs extends NodeFS {
  /** Set once the engine's module is loaded; null if it did not look as expected. */
  missingFiles: MissingFiles | null = null;

  override async init(pg: PGlite, opts: PostgresModOptions) {
    const { emscriptenOpts } = await super.init(pg, opts);
    const remember = (mod: EmscriptenModule) => {
      this.missingFiles = rememberMissingFiles(mod);
    };
    const preRun = [...(emscriptenOpts.preRun ?? []), remember];
    return { emscriptenOpts: { ...emscriptenOpts, preRun } };
  }
}

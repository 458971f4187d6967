import type { PGlite } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";

type PostgresModOptions = Parameters<NodeFS["init"]>[1];

/** Emscripten's file-system node (only what is used here). */
type FsNode = { readonly id: number };
type NodeOps = Record<string, unknown> & { lookup: (parent: FsNode, name: string) => unknown };
type EmscriptenModule = {
  readonly NODEFS?: { readonly node_ops?: NodeOps };
  readonly FS?: { readonly ErrnoError?: new (errno: number) => Error };
};

/** Emscripten's errno for "no such file or directory". */
const ENOENT = 44;

/** The operations through which a name can come to exist in a folder of the data folder. */
const CREATING = ["mknod", "rename", "symlink", "link"] as const;

/**
 * Remembers which names were looked up and found missing in the data folder, until any file or
 * folder is created, renamed or linked there: the next lookup of such a name fails at once.
 *
 * Why: the engine asks again and again for files that do not exist. When a B-tree index needs a new
 * page, PostgreSQL first asks the index's free-space map for a reusable one, and an index that
 * never had a page freed has no free-space-map file: `smgrexists` opens it, the open fails, and
 * nothing remembers that (PostgreSQL caches only a found fork's size). Through Emscripten's NODEFS
 * every failed open walks the path in JavaScript, calls `lstat` and builds a Node.js error: ~15 µs
 * each, ~1.6 s of a 1,000,000-lead import (docs/import.md, "Ninth session").
 *
 * Names can only appear through the engine (no one else writes into a data folder it has open), and
 * the engine creates them through these operations, so a remembered miss is always still true. A
 * PGlite whose module does not look as expected is left as it is.
 */
export function rememberMissingNames(mod: EmscriptenModule): MissingNames | null {
  const ops = mod.NODEFS?.node_ops;
  const ErrnoError = mod.FS?.ErrnoError;
  if (!ops || typeof ops.lookup !== "function" || !ErrnoError) return null;
  const counts = { answered: 0 };
  const missing = new Set<string>();
  const lookup = ops.lookup;
  ops.lookup = function (this: unknown, parent: FsNode, name: string) {
    const key = `${parent.id}/${name}`;
    if (missing.has(key)) {
      counts.answered += 1;
      throw new ErrnoError(ENOENT);
    }
    try {
      return lookup.call(this, parent, name);
    } catch (error) {
      if ((error as { errno?: unknown }).errno === ENOENT) missing.add(key);
      throw error;
    }
  };
  for (const name of CREATING) {
    const op = ops[name];
    if (typeof op !== "function") continue;
    ops[name] = function (this: unknown, ...args: unknown[]) {
      missing.clear();
      return op.apply(this, args);
    };
  }
  return counts;
}

/** How many lookups a remembered miss answered (tests, and a check that it is in place at all). */
export type MissingNames = { readonly answered: number };

/**
 * PGlite's own Node.js file system for a data folder, with `rememberMissingNames` applied once the
 * folder is mounted.
 */
export class DataFolderFs extends NodeFS {
  /** Set once the engine's module is loaded; null if it did not look as expected. */
  missingNames: MissingNames | null = null;

  override async init(pg: PGlite, opts: PostgresModOptions) {
    const { emscriptenOpts } = await super.init(pg, opts);
    const remember = (mod: EmscriptenModule) => {
      this.missingNames = rememberMissingNames(mod);
    };
    const preRun = [...(emscriptenOpts.preRun ?? []), remember];
    return { emscriptenOpts: { ...emscriptenOpts, preRun } };
  }
}

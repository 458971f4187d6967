import type { PGlite } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";

type PostgresModOptions = Parameters<NodeFS["init"]>[1];

type Fn = (...args: unknown[]) => unknown;
/** Emscripten's file system in PGlite's module (only what is used here). */
type EmscriptenFs = Record<string, unknown> & { ErrnoError?: new (errno: number) => Error };
/** Emscripten's Node.js file system's operations (only what is used here). */
type NodeFsOps = {
  readonly stream_ops?: Record<string, unknown>;
  readonly node_ops?: Record<string, unknown>;
};
type EmscriptenModule = { readonly FS?: EmscriptenFs; readonly NODEFS?: NodeFsOps };
/** An open file of Emscripten's Node.js file system: its node (one per file) and Node.js descriptor. */
type NodeStream = { readonly node: object; readonly nfd?: unknown };

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

/** How much a read-ahead reads: PostgreSQL's own read streams combine 16 pages (io_combine_limit). */
const READ_AHEAD = 128 * 1024;

/** Reads that read-ahead answered, and the reads it made instead (tests). */
export type ReadAhead = { readonly answered: number; readonly made: number };

/**
 * Reads a file ahead when the engine reads it in order: the next read that starts where the last one
 * of the same file ended reads READ_AHEAD bytes at once, and the reads that follow are copied from
 * them while they fall inside.
 *
 * Why: PostgreSQL reads a table in order (a sequential scan, each index an import builds, ANALYZE)
 * 16 pages at a time with one `preadv`, but Emscripten makes it one `read` per page: ~140,000 system
 * calls in a 1,000,000-lead import (docs/import.md, "Tenth session").
 *
 * What was read ahead is forgotten at any write to that file and at any other operation on a file
 * but a lookup, a status or an open: a read never returns bytes older than the file's.
 */
export function readAhead(mod: EmscriptenModule): ReadAhead | null {
  const streamOps = mod.NODEFS?.stream_ops;
  const nodeOps = mod.NODEFS?.node_ops;
  const read = streamOps?.["read"];
  if (!streamOps || !nodeOps || typeof read !== "function") return null;
  const counts = { answered: 0, made: 0 };
  const ahead = new Uint8Array(READ_AHEAD);
  /** The file (node) whose bytes `ahead` holds, from `start` to `end`; then the file and the end of the last read. */
  let held: object | null = null;
  let start = 0;
  let end = 0;
  let lastNode: object | null = null;
  let lastEnd = -1;
  // The engine's memory as bytes (Emscripten passes its Int8Array view, a new one when memory grows):
  // copies between views of one type are plain byte copies.
  let heap: ArrayBufferView | null = null;
  let bytes: Uint8Array = ahead;
  const copy = (buffer: ArrayBufferView, offset: number, from: number, n: number) => {
    if (buffer !== heap) {
      heap = buffer;
      bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    }
    bytes.set(ahead.subarray(from, from + n), offset);
  };
  streamOps["read"] = function (
    this: unknown,
    stream: NodeStream,
    buffer: ArrayBufferView,
    offset: number,
    length: number,
    position: number,
  ) {
    if (typeof position !== "number" || position < 0 || length > READ_AHEAD || typeof stream.nfd !== "number")
      return read.call(this, stream, buffer, offset, length, position);
    const node = stream.node;
    if (held === node && position >= start && position + length <= end) {
      copy(buffer, offset, position - start, length);
      counts.answered += 1;
      lastEnd = position + length;
      return length;
    }
    const inOrder = lastNode === node && position === lastEnd;
    lastNode = node;
    if (!inOrder) {
      const n = read.call(this, stream, buffer, offset, length, position) as number;
      lastEnd = position + n;
      return n;
    }
    // The file's next bytes: read ahead from here (fewer at its end).
    held = null;
    const got = read.call(this, stream, ahead, 0, READ_AHEAD, position) as number;
    counts.made += 1;
    held = node;
    start = position;
    end = position + got;
    const n = Math.min(length, got);
    copy(buffer, offset, 0, n);
    lastEnd = position + n;
    return n;
  };
  const forget = () => {
    held = null;
    lastNode = null;
  };
  const write = streamOps["write"];
  if (typeof write === "function")
    streamOps["write"] = function (this: unknown, stream: NodeStream, ...rest: unknown[]) {
      if (held === stream.node) held = null;
      return write.apply(this, [stream, ...rest]);
    };
  const keeps = new Set(["read", "write", "open", "close", "llseek"]);
  for (const ops of [streamOps, nodeOps])
    for (const [name, op] of Object.entries(ops)) {
      if (typeof op !== "function" || (ops === streamOps && keeps.has(name))) continue;
      if (ops === nodeOps && (name === "lookup" || name === "getattr" || name === "readlink")) continue;
      ops[name] = function (this: unknown, ...args: unknown[]) {
        forget();
        return (op as Fn).apply(this, args);
      };
    }
  return counts;
}

/**
 * PGlite's own Node.js file system for a data folder, with `rememberMissingFiles` and `readAhead`
 * applied before the engine starts.
 */
export class DataFolderFs extends NodeFS {
  /** Set once the engine's module is loaded; null if it did not look as expected. */
  missingFiles: MissingFiles | null = null;
  /** Likewise. */
  readAhead: ReadAhead | null = null;

  override async init(pg: PGlite, opts: PostgresModOptions) {
    const { emscriptenOpts } = await super.init(pg, opts);
    const remember = (mod: EmscriptenModule) => {
      this.missingFiles = rememberMissingFiles(mod);
      this.readAhead = readAhead(mod);
    };
    const preRun = [...(emscriptenOpts.preRun ?? []), remember];
    return { emscriptenOpts: { ...emscriptenOpts, preRun } };
  }
}

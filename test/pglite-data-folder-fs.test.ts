// The embedded engine remembers the files it found missing (src/storage/pglite/data-folder-fs.ts)
// until something is created, and reads ahead of a file read in order. On a fake module: what is remembered and what forgets it. On the
// real engine: index page splits ask for free-space-map files that do not exist yet (answered from
// memory), VACUUM then creates them (forgetting), and the indexes stay whole across a reopening.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { amcheck } from "@electric-sql/pglite/contrib/amcheck";
import { afterAll, describe, expect, it } from "vitest";
import { DataFolderFs, readAhead, rememberMissingFiles } from "../src/storage/pglite/data-folder-fs.ts";
import { pgliteStartParams } from "../src/storage/pglite/engine-settings.ts";

class ErrnoError extends Error {
  readonly errno: number;
  constructor(errno: number) {
    super(`errno ${errno}`);
    this.errno = errno;
  }
}

type Fn = (...a: unknown[]) => unknown;

/** An Emscripten FS stand-in: `files` are the paths that exist; `calls` counts real opens. */
function fakeModule(files: Set<string>) {
  const calls = { open: 0 };
  const FS: Record<string, unknown> & { open: (path: unknown, flags: unknown) => unknown } = {
    ErrnoError,
    open(path: unknown, flags: unknown) {
      calls.open += 1;
      if (path === "/denied") throw new ErrnoError(2); // EACCES-like: not a miss
      // As Emscripten's FS.open: a missing path opened with O_CREAT is made through FS.mknod.
      if (typeof flags === "number" && flags & 0o100 && !files.has(String(path))) (FS["mknod"] as Fn)(path);
      if (!files.has(String(path))) throw new ErrnoError(44);
      return { path };
    },
    mknod(path: string) {
      files.add(path);
    },
    rename(_from: string, to: string) {
      files.add(to);
    },
    symlink(_target: string, path: string) {
      files.add(path);
    },
  };
  return { mod: { FS }, FS, calls };
}

const errnoOf = (f: () => unknown): number | undefined => {
  try {
    f();
  } catch (error) {
    return (error as { errno?: number }).errno;
  }
  return undefined;
};

describe("remembered missing files (fake module)", () => {
  it("answers a second open of a missing path without asking the file system", () => {
    const { mod, FS, calls } = fakeModule(new Set(["/d/here"]));
    const counts = rememberMissingFiles(mod);
    expect(counts).not.toBeNull();
    expect(errnoOf(() => FS.open("/d/gone", 2))).toBe(44);
    expect(errnoOf(() => FS.open("/d/gone", 2))).toBe(44);
    expect(calls.open).toBe(1);
    expect(counts?.answered).toBe(1);
    expect(errnoOf(() => FS.open("/d/other", 0))).toBe(44);
    expect(calls.open).toBe(2);
    // Paths that exist are always opened.
    FS.open("/d/here", 2);
    FS.open("/d/here", 2);
    expect(calls.open).toBe(4);
  });

  it("never answers an open that creates, nor one with flags given as a string", () => {
    const { mod, FS, calls } = fakeModule(new Set());
    rememberMissingFiles(mod);
    expect(errnoOf(() => FS.open("/d/gone", 2))).toBe(44);
    expect(FS.open("/d/gone", 2 | 0o100)).toEqual({ path: "/d/gone" });
    expect(FS.open("/d/gone", 2)).toEqual({ path: "/d/gone" });
    expect(errnoOf(() => FS.open("/d/new", "r"))).toBe(44);
    expect(errnoOf(() => FS.open("/d/new", "r"))).toBe(44);
    expect(calls.open).toBe(5);
  });

  type Ops = Record<string, (...a: unknown[]) => unknown>;
  it.each([
    ["mknod", (o: Ops) => o["mknod"]?.("/d/gone", 0o100644, 0)],
    ["rename", (o: Ops) => o["rename"]?.("/d/tmp", "/d/gone")],
    ["symlink", (o: Ops) => o["symlink"]?.("/x", "/d/gone")],
  ])("forgets every miss when a path is created by %s", (_op, create) => {
    const { mod, FS, calls } = fakeModule(new Set());
    rememberMissingFiles(mod);
    expect(errnoOf(() => FS.open("/d/gone", 2))).toBe(44);
    create(FS as unknown as Ops);
    expect(FS.open("/d/gone", 2)).toEqual({ path: "/d/gone" });
    expect(calls.open).toBe(2);
  });

  it("does not remember other errors", () => {
    const { mod, FS, calls } = fakeModule(new Set());
    rememberMissingFiles(mod);
    expect(errnoOf(() => FS.open("/denied", 0))).toBe(2);
    expect(errnoOf(() => FS.open("/denied", 0))).toBe(2);
    expect(calls.open).toBe(2);
  });

  it("leaves a module of another shape alone", () => {
    expect(rememberMissingFiles({})).toBeNull();
    expect(rememberMissingFiles({ FS: { open: () => null, ErrnoError } })).toBeNull();
  });
});

describe("remembered missing files (the engine, a data folder)", () => {
  const folder = mkdtempSync(join(tmpdir(), "winnow-fs-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const open = async () => {
    const fs = new DataFolderFs(folder);
    const db = await PGlite.create({ fs, startParams: pgliteStartParams(), extensions: { amcheck } });
    return { fs, db };
  };
  const checkIndexes = async (db: PGlite) => {
    await db.exec("CREATE EXTENSION IF NOT EXISTS amcheck");
    for (const index of ["t_pkey", "t_k"])
      await db.query("SELECT bt_index_check($1::regclass, true)", [index]);
  };

  it("index page splits are answered from memory; VACUUM's new free-space maps are found; nothing is lost", async () => {
    const first = await open();
    expect(first.fs.missingFiles).not.toBeNull();
    const db = first.db;
    await db.exec("CREATE TABLE t (id int PRIMARY KEY, k text NOT NULL)");
    await db.exec("CREATE INDEX t_k ON t (k)");
    // Random keys: splits all over t_k, each asking for its (missing) free-space map first.
    await db.exec("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 40000) g");
    const answered = first.fs.missingFiles?.answered ?? 0;
    expect(answered).toBeGreaterThan(50);
    const fsmSize = async () =>
      (await db.query<{ n: number }>("SELECT pg_relation_size('t_pkey', 'fsm')::int AS n")).rows[0]?.n;
    expect(await fsmSize()).toBe(0);
    // Emptied leaf pages are deleted by one VACUUM and, once no transaction can still see them (a
    // later transaction id), recorded as free by the next, in the index's free-space map: a file
    // created now, after its name was remembered as missing.
    await db.exec("DELETE FROM t WHERE id <= 35000");
    await db.exec("VACUUM t");
    await db.exec("CREATE TABLE later (a int)");
    await db.exec("VACUUM t");
    expect(await fsmSize()).toBeGreaterThan(0);
    // New rows go into those pages (found through the new map) instead of new ones at the end.
    const size = async () =>
      (await db.query<{ n: number }>("SELECT pg_relation_size('t_pkey')::int AS n")).rows[0]?.n ?? 0;
    const before = await size();
    await db.exec("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(40001, 70000) g");
    expect(await size()).toBe(before);
    await checkIndexes(db);
    await db.close();

    const second = await open();
    const count = await second.db.query<{ n: number }>("SELECT count(*)::int AS n FROM t");
    expect(count.rows[0]?.n).toBe(35000);
    await checkIndexes(second.db);
    await second.db.close();
  });
});

/** Emscripten's Node.js file system's read, write and truncate, on files held in memory. */
function fakeNodeFs(files: Map<object, Uint8Array>) {
  const calls = { read: 0 };
  const stream_ops: Ops = {
    read: (stream, buffer, offset, length, position) => {
      calls.read += 1;
      const data = files.get((stream as { node: object }).node) as Uint8Array;
      const from = Math.min(position as number, data.length);
      const n = Math.min(length as number, data.length - from);
      const target = buffer as ArrayBufferView;
      new Uint8Array(target.buffer, target.byteOffset).set(data.subarray(from, from + n), offset as number);
      return n;
    },
    write: (stream, buffer, offset, length, position) => {
      const data = files.get((stream as { node: object }).node) as Uint8Array;
      const source = buffer as Uint8Array;
      data.set(
        source.subarray(offset as number, (offset as number) + (length as number)),
        position as number,
      );
      return length;
    },
    llseek: (_stream, offset) => offset,
  };
  const node_ops: Ops = {
    lookup: () => null,
    // Truncation to zero, for the test: every byte becomes 0.
    setattr: (node) => (files.get(node as object) as Uint8Array).fill(0),
  };
  return { mod: { NODEFS: { stream_ops, node_ops } }, stream_ops, node_ops, calls };
}
type Ops = Record<string, (...a: unknown[]) => unknown>;

describe("read-ahead (fake module)", () => {
  const PAGE = 8192;
  // A 1 MB file whose every byte says where it is (bytes of 128 and more included).
  const file = () => Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7 + (i >> 13)) & 255);
  const setup = () => {
    const node = {};
    const data = file();
    const fake = fakeNodeFs(new Map([[node, data]]));
    const counts = readAhead(fake.mod);
    // What Emscripten passes: an Int8Array view of the engine's memory.
    const heap = new Int8Array(4 * PAGE);
    const read = (position: number, length = PAGE) => {
      const n = fake.stream_ops["read"]?.({ node, nfd: 3 }, heap, PAGE, length, position) as number;
      return { n, bytes: Uint8Array.from(new Uint8Array(heap.buffer, PAGE, n)) };
    };
    return { node, data, fake, counts, read };
  };

  it("answers the reads that follow an in-order read from one read of 128 kB, byte for byte", () => {
    const { data, fake, counts, read } = setup();
    for (let page = 0; page < 40; page++)
      expect(read(page * PAGE).bytes).toEqual(data.subarray(page * PAGE, (page + 1) * PAGE));
    // Page 0 as asked, then 16 pages at once from page 1 (it follows page 0), from 17 and from 33.
    expect(fake.calls.read).toBe(4);
    expect(counts?.made).toBe(3);
    expect(counts?.answered).toBe(40 - 4);
  });

  it("reads out of order as asked, and stops at the end of the file", () => {
    const { data, fake, read } = setup();
    for (const page of [9, 3, 100, 50, 7])
      expect(read(page * PAGE).bytes).toEqual(data.subarray(page * PAGE, (page + 1) * PAGE));
    expect(fake.calls.read).toBe(5);
    const last = data.length - PAGE;
    expect(read(last - PAGE).n).toBe(PAGE);
    expect(read(last).bytes).toEqual(data.subarray(last));
    expect(read(data.length)).toEqual({ n: 0, bytes: new Uint8Array(0) });
  });

  it("forgets what it read ahead when the file is written or truncated", () => {
    const { node, data, fake, read } = setup();
    read(0);
    read(PAGE);
    // Pages 2.. are held: a write into page 3 must be seen.
    const page = new Uint8Array(PAGE).fill(9);
    fake.stream_ops["write"]?.({ node, nfd: 3 }, page, 0, PAGE, 3 * PAGE);
    expect(read(2 * PAGE).bytes).toEqual(data.subarray(2 * PAGE, 3 * PAGE));
    expect(read(3 * PAGE).bytes).toEqual(page);
    read(4 * PAGE);
    fake.node_ops["setattr"]?.(node, { size: 0 });
    expect(read(5 * PAGE).bytes).toEqual(new Uint8Array(PAGE));
  });

  it("leaves a module of another shape alone", () => {
    expect(readAhead({})).toBeNull();
    expect(readAhead({ NODEFS: { stream_ops: {}, node_ops: {} } })).toBeNull();
  });
});

describe("read-ahead (the engine, a data folder)", () => {
  const folder = mkdtempSync(join(tmpdir(), "winnow-ra-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("whole-table reads are read ahead, and see every change", async () => {
    const fs = new DataFolderFs(folder);
    const db = await PGlite.create({ fs, startParams: pgliteStartParams(), extensions: { amcheck } });
    // ~30 MB, more than the 16 MB of shared buffers: scans read it from the files.
    await db.exec("CREATE TABLE r (id int PRIMARY KEY, v int NOT NULL, pad text NOT NULL)");
    await db.exec("INSERT INTO r SELECT g, g, repeat('x', 250) FROM generate_series(1, 100000) g");
    const sum = async () => (await db.query<{ s: string }>("SELECT sum(v)::text AS s FROM r")).rows[0]?.s;
    expect(await sum()).toBe(String((100000 * 100001) / 2));
    expect(fs.readAhead?.answered ?? 0).toBeGreaterThan(100);
    // Every row changed (new versions written all over the file), then read in order again.
    await db.exec("UPDATE r SET v = v + 1");
    expect(await sum()).toBe(String((100000 * 100001) / 2 + 100000));
    await db.exec("CREATE INDEX r_v ON r (v)");
    await db.exec("CREATE EXTENSION IF NOT EXISTS amcheck");
    await db.query("SELECT bt_index_check('r_v'::regclass, true)");
    await db.query("SELECT bt_index_check('r_pkey'::regclass, true)");
    await db.close();
  });
});

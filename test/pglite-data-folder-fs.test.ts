// The embedded engine remembers the files it found missing (src/storage/pglite/data-folder-fs.ts)
// until something is created. On a fake module: what is remembered and what forgets it. On the
// real engine: index page splits ask for free-space-map files that do not exist yet (answered from
// memory), VACUUM then creates them (forgetting), and the indexes stay whole across a reopening.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { amcheck } from "@electric-sql/pglite/contrib/amcheck";
import { afterAll, describe, expect, it } from "vitest";
import { DataFolderFs, rememberMissingFiles } from "../src/storage/pglite/data-folder-fs.ts";
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

// The embedded engine's data folder remembers names it found missing (src/storage/pglite/data-folder-fs.ts)
// until something is created there. On a fake module: what is remembered and what forgets it. On the
// real engine: index page splits ask for free-space-map files that do not exist yet (answered from
// memory), VACUUM then creates them (forgetting), and the indexes stay whole across a reopening.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { amcheck } from "@electric-sql/pglite/contrib/amcheck";
import { afterAll, describe, expect, it } from "vitest";
import { DataFolderFs, rememberMissingNames } from "../src/storage/pglite/data-folder-fs.ts";
import { pgliteStartParams } from "../src/storage/pglite/engine-settings.ts";

class ErrnoError extends Error {
  readonly errno: number;
  constructor(errno: number) {
    super(`errno ${errno}`);
    this.errno = errno;
  }
}

/** A NODEFS stand-in: `files` are the names that exist, per parent id; `calls` counts real lookups. */
function fakeModule(files: Map<number, Set<string>>) {
  const calls = { lookup: 0 };
  const node_ops: Record<string, unknown> & { lookup: (p: { id: number }, n: string) => unknown } = {
    lookup(parent: { id: number }, name: string) {
      calls.lookup += 1;
      if (name === "denied") throw new ErrnoError(2); // EACCES-like: not a miss
      if (!files.get(parent.id)?.has(name)) throw new ErrnoError(44);
      return { parent, name };
    },
    mknod(parent: { id: number }, name: string) {
      files.get(parent.id)?.add(name);
    },
    rename(_node: unknown, dir: { id: number }, name: string) {
      files.get(dir.id)?.add(name);
    },
    symlink(parent: { id: number }, name: string) {
      files.get(parent.id)?.add(name);
    },
  };
  return { mod: { NODEFS: { node_ops }, FS: { ErrnoError } }, node_ops, calls };
}

const errnoOf = (f: () => unknown): number | undefined => {
  try {
    f();
  } catch (error) {
    return (error as { errno?: number }).errno;
  }
  return undefined;
};

describe("remembered missing names (fake module)", () => {
  it("answers a second lookup of a missing name without asking the file system", () => {
    const { mod, node_ops, calls } = fakeModule(new Map([[7, new Set(["here"])]]));
    const counts = rememberMissingNames(mod);
    expect(counts).not.toBeNull();
    expect(errnoOf(() => node_ops.lookup({ id: 7 }, "gone"))).toBe(44);
    expect(errnoOf(() => node_ops.lookup({ id: 7 }, "gone"))).toBe(44);
    expect(calls.lookup).toBe(1);
    expect(counts?.answered).toBe(1);
    // The same name under another folder is another name.
    expect(errnoOf(() => node_ops.lookup({ id: 8 }, "gone"))).toBe(44);
    expect(calls.lookup).toBe(2);
    // Names that exist are always asked for (the engine's own table of nodes caches those).
    node_ops.lookup({ id: 7 }, "here");
    node_ops.lookup({ id: 7 }, "here");
    expect(calls.lookup).toBe(4);
  });

  type Ops = Record<string, (...a: unknown[]) => unknown>;
  it.each([
    ["mknod", (o: Ops) => o["mknod"]?.({ id: 7 }, "gone", 0o100644, 0)],
    ["rename", (o: Ops) => o["rename"]?.({ id: 3 }, { id: 7 }, "gone")],
    ["symlink", (o: Ops) => o["symlink"]?.({ id: 7 }, "gone", "/x")],
  ])("forgets every miss when a name is created by %s", (_op, create) => {
    const { mod, node_ops, calls } = fakeModule(new Map([[7, new Set<string>()]]));
    rememberMissingNames(mod);
    expect(errnoOf(() => node_ops.lookup({ id: 7 }, "gone"))).toBe(44);
    create(node_ops as unknown as Ops);
    expect(node_ops.lookup({ id: 7 }, "gone")).toEqual({ parent: { id: 7 }, name: "gone" });
    expect(calls.lookup).toBe(2);
  });

  it("does not remember other errors", () => {
    const { mod, node_ops, calls } = fakeModule(new Map([[7, new Set<string>()]]));
    rememberMissingNames(mod);
    expect(errnoOf(() => node_ops.lookup({ id: 7 }, "denied"))).toBe(2);
    expect(errnoOf(() => node_ops.lookup({ id: 7 }, "denied"))).toBe(2);
    expect(calls.lookup).toBe(2);
  });

  it("leaves a module of another shape alone", () => {
    expect(rememberMissingNames({})).toBeNull();
    expect(rememberMissingNames({ NODEFS: { node_ops: { lookup: () => null } } })).toBeNull();
  });
});

describe("remembered missing names (the engine, a data folder)", () => {
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
    expect(first.fs.missingNames).not.toBeNull();
    const db = first.db;
    await db.exec("CREATE TABLE t (id int PRIMARY KEY, k text NOT NULL)");
    await db.exec("CREATE INDEX t_k ON t (k)");
    // Random keys: splits all over t_k, each asking for its (missing) free-space map first.
    await db.exec("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 40000) g");
    const answered = first.fs.missingNames?.answered ?? 0;
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

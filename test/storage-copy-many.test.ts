import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isWinnowError } from "../src/core/errors.ts";
import type { CopyPart, Database, SqlClient } from "../src/storage/ports.ts";
import { freshDatabase } from "./helpers/db.ts";

// SqlClient.copyMany on PostgreSQL (open-postgres.ts, CopyBatch): several COPYs as one message with
// every COPY's rows sent right behind it, before the server answers. What must hold: each COPY takes
// exactly its own rows, in order; a failure reports the first error and leaves nothing, however much
// was sent after it; and the connection, back in the pool, runs what comes next as if nothing had
// been sent ahead.

const HAS_SERVER = Boolean(process.env["WINNOW_TEST_DATABASE_URL"]);
const enc = (text: string) => new TextEncoder().encode(text);
const part = (table: string, columns: string[], text: string): CopyPart => ({
  table,
  columns,
  bytes: enc(text),
});

describe.skipIf(!HAS_SERVER)("copyMany on PostgreSQL", () => {
  let db: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const fresh = await freshDatabase("postgres");
    db = fresh.db;
    close = fresh.close;
    await db.exec(`
      CREATE TABLE cm_parent (id text PRIMARY KEY, name text);
      CREATE TABLE cm_child (id text PRIMARY KEY, parent_id text REFERENCES cm_parent(id), note text);
      CREATE TABLE cm_log (n integer NOT NULL, at timestamptz)`);
  });
  afterAll(async () => {
    await close?.();
  });

  const many = (tx: SqlClient, parts: CopyPart[]) => {
    if (!tx.copyMany) throw new Error("a PostgreSQL transaction has copyMany");
    return tx.copyMany(parts);
  };
  const counts = async () => {
    const r = await db.query<{ p: number; c: number; l: number }>(
      "SELECT (SELECT count(*) FROM cm_parent)::int AS p, (SELECT count(*) FROM cm_child)::int AS c, (SELECT count(*) FROM cm_log)::int AS l",
    );
    return r.rows[0];
  };
  const reset = () => db.exec("TRUNCATE cm_child, cm_parent, cm_log");

  it("writes each COPY's own rows, in order (a row may refer to the COPY before it), empty parts included", async () => {
    await reset();
    await db.transaction(async (tx) => {
      await many(tx, [
        part("cm_parent", ["id", "name"], "p1\tTab\\there\np2\t\\N\np3\tünïcødé ✓\n"),
        part("cm_log", ["n", "at"], ""),
        part("cm_child", ["id", "parent_id", "note"], "c1\tp1\tline\\none\nc2\tp3\t\\\\N\n"),
        part("cm_log", ["n", "at"], "1\t2026-03-01T00:00:00Z\n2\t\\N\n"),
      ]);
      // The transaction goes on after it: the next statement sees every row.
      const r = await tx.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM cm_child c JOIN cm_parent p ON p.id = c.parent_id",
      );
      expect(r.rows[0]?.n).toBe(2);
    });
    const p = await db.query("SELECT id, name FROM cm_parent ORDER BY id");
    expect(p.rows).toEqual([
      { id: "p1", name: "Tab\there" },
      { id: "p2", name: null },
      { id: "p3", name: "ünïcødé ✓" },
    ]);
    const c = await db.query("SELECT id, parent_id, note FROM cm_child ORDER BY id");
    expect(c.rows).toEqual([
      { id: "c1", parent_id: "p1", note: "line\none" },
      { id: "c2", parent_id: "p3", note: "\\N" },
    ]);
    expect(await counts()).toEqual({ p: 3, c: 2, l: 2 });
  });

  it("reports the first failing COPY's error and writes nothing, with megabytes sent behind it", async () => {
    await reset();
    // 200,000 rows (~2.6 MB) after the failing COPY: more than the socket takes at once, all dropped
    // by the server, none taken for a statement.
    const big = Array.from({ length: 200_000 }, (_, i) => `${i}\t2026-03-01T00:00:00Z\n`).join("");
    const error = await db
      .transaction(async (tx) => {
        await many(tx, [
          part("cm_parent", ["id", "name"], "p1\ta\n"),
          part("cm_child", ["id", "parent_id", "note"], "c1\tp1\tx\nc1\tp1\tduplicate id\n"),
          part("cm_log", ["n", "at"], big),
          part("cm_parent", ["id", "name"], "p9\tz\n"),
        ]);
      })
      .catch((e: unknown) => e);
    expect(isWinnowError(error) && error.code).toBe("WINNOW_ERR_DUPLICATE");
    expect(String((error as Error).message)).toContain("c1");
    expect(await counts()).toEqual({ p: 0, c: 0, l: 0 });
    // The pool's connections (the failed one among them) run the next statements and COPYs as usual.
    for (let i = 0; i < 3; i++) {
      await db.transaction(async (tx) => {
        await many(tx, [
          part("cm_parent", ["id", "name"], `q${i}\tok\n`),
          part("cm_log", ["n", "at"], `${i}\t\\N\n`),
        ]);
        await tx.copyFrom?.("cm_child", ["id", "parent_id", "note"], `d${i}\tq${i}\tafter\n`);
      });
    }
    expect(await counts()).toEqual({ p: 3, c: 3, l: 3 });
  });

  it("a COPY the server refuses before reading rows (no such column) drops the rows sent for it and after it", async () => {
    await reset();
    const error = await db
      .transaction(async (tx) => {
        await many(tx, [
          part("cm_parent", ["id", "no_such_column"], "p1\ta\n"),
          part("cm_log", ["n", "at"], "1\t\\N\n"),
        ]);
      })
      .catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/no_such_column/);
    expect(await counts()).toEqual({ p: 0, c: 0, l: 0 });
    const r = await db.query<{ one: number }>("SELECT 1 AS one");
    expect(r.rows).toEqual([{ one: 1 }]);
  });

  it("a malformed row fails with the server's message naming the COPY and its line", async () => {
    await reset();
    const error = await db
      .transaction(async (tx) => {
        await many(tx, [part("cm_log", ["n", "at"], "1\t\\N\n2\t\\N\nthree\t\\N\n")]);
      })
      .catch((e: unknown) => e);
    const cause = (isWinnowError(error) ? error.cause : error) as { where?: string };
    expect(cause.where).toMatch(/COPY cm_log, line 3/);
    expect(await counts()).toEqual({ p: 0, c: 0, l: 0 });
  });
});

// PGlite, an initial load (import-session.ts, truncateIfEmpty): the written tables and every table
// referring to them are truncated when all are empty — no row removed, new files in the import's
// transaction, so that the copied rows skip the WAL (wal_level minimal). A table of the list that
// holds a row keeps everything as it is; a rollback leaves the old files. The crash cases (a process
// killed after the commit or mid-import) are test/pglite-durability.test.ts's, on this same path.
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { importCsv } from "../src/app/import/index.ts";
import { openImportSession } from "../src/storage/import-session.ts";
import type { Storage } from "../src/storage/ports.ts";
import { freshStorage } from "./helpers/db.ts";

const LEAD_TABLES = ["accounts", "contacts", "leads", "lead_history"];
const SESSION = {
  tables: LEAD_TABLES,
  skipForeignKeyTriggers: true,
  rebuildIndexes: true,
  initialLoad: true,
};
const filenode = async (s: Storage | { sql: Storage["sql"] }, table: string) =>
  (await s.sql.query<{ f: string }>("SELECT pg_relation_filenode($1::regclass)::text AS f", [table])).rows[0]
    ?.f;

describe("an initial load on PGlite truncates the empty tables it writes", () => {
  let s: Storage | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it("truncates the written tables and those referring to them, with new files only inside the transaction", async () => {
    s = await freshStorage("pglite");
    const before = await filenode(s, "leads");
    const during = await s
      .transaction(async (tx) => {
        const session = await openImportSession(tx.sql, "pglite", SESSION);
        const seen = { truncated: session.truncated, leads: await filenode(tx, "leads") };
        throw Object.assign(new Error("roll back"), { seen });
      })
      .catch((e: { seen?: { truncated: readonly string[]; leads: string } }) => e.seen);
    expect(during?.truncated).toEqual(expect.arrayContaining([...LEAD_TABLES, "deals", "events"]));
    expect(during?.leads).not.toBe(before);
    expect(await filenode(s, "leads")).toBe(before);
  });

  it("truncates nothing when a table of the list holds a row (a deal with no account or lead)", async () => {
    s = await freshStorage("pglite");
    await s.sql.query("INSERT INTO deals (name, created_at) VALUES ('kept', now())");
    const storage = s;
    const truncated = await s.transaction(async (tx) => {
      const session = await openImportSession(tx.sql, "pglite", SESSION);
      await session.finish();
      return session.truncated;
    });
    expect(truncated).toEqual([]);
    const r = await importCsv(storage, Readable.from(["email,domain\na@one.example,one.example\n"]), {
      as: "leads",
      now: "2026-03-02T09:00:00.000Z",
      actor: "test",
    });
    expect(r.counts["leads"]?.created).toBe(1);
    const deals = await s.sql.query<{ name: string }>("SELECT name FROM deals");
    expect(deals.rows).toEqual([{ name: "kept" }]);
  });

  it("imports into the truncated tables: every row there after the commit, a second import merges", async () => {
    s = await freshStorage("pglite");
    const before = await filenode(s, "contacts");
    const lines = ["email,domain,stage"];
    for (let i = 0; i < 300; i++) lines.push(`p${i}@co${i % 30}.example,co${i % 30}.example,mql`);
    const opts = { as: "leads" as const, now: "2026-03-02T09:00:00.000Z", actor: "test", batchSize: 50 };
    const first = await importCsv(s, Readable.from([`${lines.join("\n")}\n`]), opts);
    expect(first.counts["leads"]?.created).toBe(300);
    expect(await filenode(s, "contacts")).not.toBe(before);
    const count = async (t: string) =>
      (await s?.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))?.rows[0]?.n;
    expect([
      await count("accounts"),
      await count("contacts"),
      await count("leads"),
      await count("lead_history"),
    ]).toEqual([30, 300, 300, 300]);
    // Not empty any more: the second import neither truncates nor loses the first one's rows.
    const again = await filenode(s, "contacts");
    const second = await importCsv(
      s,
      Readable.from(["email,domain\np1@co1.example,co1.example\nnew@co1.example,co1.example\n"]),
      opts,
    );
    expect(second.counts["leads"]?.created).toBe(1);
    expect(await filenode(s, "contacts")).toBe(again);
    expect(await count("contacts")).toBe(301);
    expect(await count("accounts")).toBe(30);
  });
});

import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImportOptions, importCsv } from "../src/app/import/index.ts";
import { isWinnowError } from "../src/core/errors.ts";
import { CopyBinary, fillInt8 } from "../src/storage/copy-binary.ts";
import type { SqlClient, Storage } from "../src/storage/ports.ts";
import { fillHistoryIds } from "../src/storage/repositories/bulk-lead-batch.ts";
import { repositories } from "../src/storage/storage.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";
import { recording } from "./helpers/import-storage.ts";

// On PGlite a leads import's new history rows carry their ids, taken from the identity a block per
// batch (fillHistoryIds) instead of a nextval per row, and leave kind, actor and reason to defaults
// its session gives the table for the transaction. The ids must still be the identity's own: unique,
// in the order the rows were written, and never handed out again afterwards; the rows must hold what
// they always held, and the table keep no default after the import.

const HEADER = "email,first_name,company,domain,stage,created_at";
/** Rows `from` to `to`, their domains d0 to d(domains - 1) in turn. */
const rows = (from: number, to: number, domains = Number.POSITIVE_INFINITY) =>
  Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    const d = `d${i % domains}.example`;
    return `u${i}@${d},F${i},Co,${d},new,2026-02-01T10:00:00Z`;
  });
const file = (lines: readonly string[]) => [HEADER, ...lines].join("\n");
const opts = (extra: Partial<ImportOptions> = {}): ImportOptions => ({
  as: "leads",
  now: "2026-03-02T09:00:00.000Z",
  actor: "test",
  batchSize: 3,
  ...extra,
});

/** The int8 values at `offsets` of `bytes`. */
const int8s = (bytes: Uint8Array, offsets: Int32Array) => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [...offsets].map((at) => Number(view.getBigInt64(at)));
};

describe("fillInt8", () => {
  it("fills consecutive values or a list, and refuses what is not an identity's value", () => {
    const w = new CopyBinary(16);
    const at: number[] = [];
    for (let i = 0; i < 3; i++) {
      w.row(2);
      at.push(w.int8Later());
      w.text(`row ${i}`);
    }
    const bytes = w.take();
    const offsets = Int32Array.from(at);
    expect(int8s(bytes, offsets)).toEqual([0, 0, 0]);
    fillInt8(bytes, offsets, 2 ** 40 - 1);
    expect(int8s(bytes, offsets)).toEqual([2 ** 40 - 1, 2 ** 40, 2 ** 40 + 1]);
    fillInt8(bytes, offsets, [7, 9, Number.MAX_SAFE_INTEGER]);
    expect(int8s(bytes, offsets)).toEqual([7, 9, Number.MAX_SAFE_INTEGER]);
    expect(() => fillInt8(bytes, offsets, [1, 2])).toThrow(/value 3 of 3/);
    expect(() => fillInt8(bytes, offsets, 0)).toThrow(/value 1 of 3: 0 is not/);
    expect(() => fillInt8(bytes, offsets, Number.MAX_SAFE_INTEGER - 1)).toThrow(/value 3 of 3/);
    expect(() => fillInt8(bytes, offsets, [1, 2.5, 3])).toThrow(/value 2 of 3/);
  });
});

describe.each(ENGINES)("history ids of a leads import on %s", (engine) => {
  let s: Storage;
  beforeAll(async () => {
    s = await freshStorage(engine);
  });
  afterAll(async () => {
    await s?.close();
  });

  const history = async () =>
    (
      await s.sql.query<{
        id: string;
        email: string;
        kind: string;
        actor: string;
        reason: string;
        before: unknown;
      }>(
        `SELECT h.id::text AS id, c.email, h.kind, h.actor, h.reason, h.before FROM lead_history h
         JOIN leads l ON l.id = h.lead_id JOIN contacts c ON c.id = l.contact_id ORDER BY h.id`,
      )
    ).rows;
  /** lead_history's column defaults (the identity's aside): none, as migrated. */
  const defaults = async () =>
    (
      await s.sql.query<{ column_name: string; column_default: string }>(
        `SELECT column_name, column_default FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = 'lead_history' AND column_default IS NOT NULL`,
      )
    ).rows;

  // Every batch of new keys (a block each on PGlite), or batches 2-4 naming batch 1's domains (those
  // are written by the upserts, whose history takes the identity's default).
  for (const [readInWorker, domains, blocks] of [
    [false, Number.POSITIVE_INFINITY, 4],
    [true, Number.POSITIVE_INFINITY, 4],
    [true, 4, 1],
  ] as const) {
    it(`are the identity's, in the order written (${readInWorker ? "prepared in the reader's worker" : "prepared here"}, ${blocks} of 4 batches new)`, async () => {
      await s.sql.exec("TRUNCATE accounts, contacts, leads, lead_history CASCADE");
      // A value taken before the import: its ids come after it.
      const before = await s.sql.query<{ n: string }>(
        "SELECT nextval(pg_get_serial_sequence('lead_history', 'id'))::text AS n",
      );
      const texts: string[] = [];
      const r = await importCsv(
        recording(s, texts),
        Readable.from([file(rows(0, 10, domains))]),
        opts({ readInWorker, actor: "O'Brien \\ import" }),
      );
      // PGlite: one block per batch of new keys, no nextval per row; PostgreSQL: the identity's default.
      const pglite = engine === "pglite";
      expect(texts.filter((t) => t.includes("setval(")).length).toBe(pglite ? blocks : 0);
      // PGlite: the defaults set at the start, put back at the end (none left).
      expect(
        texts.filter((t) => t.startsWith("ALTER TABLE lead_history") && t.includes("DEFAULT")).length,
      ).toBe(pglite ? 2 : 0);
      expect(await defaults()).toEqual([]);
      expect(r.counts["leads"]?.created).toBe(10);
      const h = await history();
      expect(h).toHaveLength(10);
      for (const x of h)
        expect(x).toMatchObject({
          kind: "stage",
          actor: "O'Brien \\ import",
          reason: "imported",
          before: null,
        });
      const ids = h.map((x) => Number(x.id));
      expect(Math.min(...ids)).toBeGreaterThan(Number(before.rows[0]?.n));
      // Batches of three, each written in email order: the ids follow (u0 u1 u2 | u3 u4 u5 | u6 u7 u8 | u9).
      expect(h.map((x) => x.email)).toEqual(rows(0, 10, domains).map((l) => l.split(",")[0]));
      // On PGlite, one block per batch and nothing else drew from the identity: no gaps.
      if (pglite) expect(Math.max(...ids) - Math.min(...ids) + 1).toBe(10);
      // And the identity goes on after them: an entry written by the app gets a later id.
      const lead = await s.sql.query<{ id: string }>("SELECT id FROM leads LIMIT 1");
      const next = await s.history.append({
        leadId: lead.rows[0]?.id as string,
        kind: "owner",
        actor: "test",
        at: "2026-03-02T10:00:00.000Z",
        reason: "after the import",
        before: null,
        after: { owner: "u1" },
      });
      expect(Number(next.id)).toBeGreaterThan(Math.max(...ids));
      // The primary key, dropped for the import on PGlite, is back.
      const pk = await s.sql.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'lead_history'::regclass AND contype = 'p'",
      );
      expect(pk.rows[0]?.n).toBe(1);
    });
  }

  it("a dry run, and an import that fails half-way, leave lead_history without defaults", async () => {
    await s.sql.exec("TRUNCATE accounts, contacts, leads, lead_history CASCADE");
    const dry = await importCsv(s, Readable.from([file(rows(0, 10))]), opts({ dryRun: true }));
    expect(dry.written).toBe(false);
    expect(await defaults()).toEqual([]);
    // A bad row after two batches were written: the import throws and everything rolls back, the
    // defaults too.
    const bad = [...rows(0, 6), "not-an-email,Z,Co,dz.example,new,2026-02-01T10:00:00Z"];
    const failed = await importCsv(s, Readable.from([file(bad)]), opts()).catch((e: unknown) => e);
    expect(isWinnowError(failed) && failed.code).toBe("WINNOW_ERR_IMPORT_INVALID_ROWS");
    expect(await defaults()).toEqual([]);
  });

  it("fillHistoryIds takes unique, increasing values by either way (a block, or a nextval each)", async () => {
    for (const way of ["pglite", "postgres"] as const) {
      // The block is only safe with one session: on a server, only the nextval-each way is used.
      if (way === "pglite" && engine !== "pglite") continue;
      const w = new CopyBinary(16);
      const at: number[] = [];
      for (let i = 0; i < 5; i++) {
        w.row(1);
        at.push(w.int8Later());
      }
      const bytes = w.take();
      const offsets = Int32Array.from(at);
      const taken = await s.transaction(async (tx) => {
        await fillHistoryIds(tx.sql, way, bytes, offsets);
        return int8s(bytes, offsets);
      });
      expect(taken.every((n, i) => i === 0 || n > (taken[i - 1] as number))).toBe(true);
      const next = await s.sql.query<{ n: string }>(
        "SELECT nextval(pg_get_serial_sequence('lead_history', 'id'))::text AS n",
      );
      expect(Number(next.rows[0]?.n)).toBeGreaterThan(taken[4] as number);
    }
  });
});

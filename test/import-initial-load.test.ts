import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImportOptions, importCsv } from "../src/app/import/index.ts";
import { isWinnowError } from "../src/core/errors.ts";
import { openStorage } from "../src/storage/open.ts";
import type { PreparedLeadBatch, SqlClient, Storage } from "../src/storage/ports.ts";
import {
  ANY_STORED,
  KeyFilter,
  preparedLeadBatchSender,
} from "../src/storage/repositories/bulk-lead-batch.ts";
import { repositories } from "../src/storage/storage.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";
import { recording, storedImport } from "./helpers/import-storage.ts";

// An initial load (import-session.ts, bulk-lead-batch.ts; docs/import.md#bulk-mode): a leads import
// into empty accounts and contacts skips a batch's lookup when none of its keys was in an earlier
// batch. Held here to a bulkMode-false import (statements only, no initial load): same reports, same
// stored rows; and on PostgreSQL to what the lock promises other connections.

const NOW = "2026-03-02T09:00:00.000Z";
const HEADER = "email,first_name,company,domain,industry,stage,created_at";
const opts = (extra: Partial<ImportOptions> = {}): ImportOptions => ({
  as: "leads",
  now: NOW,
  actor: "test",
  batchSize: 3,
  ...extra,
});

/** Rows u{from}..u{to-1}, each at domain d{i mod domains}, or a personal mailbox every 7th. */
function rows(from: number, to: number, domains = 1000, tag = "u"): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) {
    const d = `d${i % domains}.example`;
    out.push(
      i % 7 === 3
        ? `${tag}${i}@gmail.com,F${i},,,,new,2026-02-03T10:00:00Z`
        : `${tag}${i}@${d},F${i},Co ${i % domains},${d},software,${i % 2 ? "mql" : "new"},2026-02-0${1 + (i % 9)}T10:00:00Z`,
    );
  }
  return out;
}
const file = (lines: readonly string[]) => [HEADER, ...lines].join("\n");

const lookups = (texts: readonly string[]) => texts.filter((t) => t === ANY_STORED).length;

async function empty(s: Storage): Promise<void> {
  await s.sql.exec("TRUNCATE accounts, contacts, leads, lead_history CASCADE");
}

describe("KeyFilter", () => {
  it("has every key added, and few false positives at 1.1M keys", () => {
    const f = new KeyFilter();
    let early = 0;
    for (let i = 0; i < 1_100_000; i++) if (f.add(`k${i}@x${i % 1000}.example`)) early++;
    expect(early).toBe(0);
    let again = 0;
    for (let i = 0; i < 1_100_000; i += 97) if (f.add(`k${i}@x${i % 1000}.example`)) again++;
    expect(again).toBe(Math.ceil(1_100_000 / 97));
    // A batch asks about ~5,500 keys: per key well under 1e-5, or most batches would look up anyway
    // (these keys go in too: the filter holds 1.1M to 2.1M keys meanwhile). Deterministic: 6 now; a
    // position pattern of one start and step per key gave 229, a 2 MB filter thousands.
    let false_ = 0;
    for (let i = 0; i < 1_000_000; i++) if (f.add(`other${i}@y.example`)) false_++;
    expect(false_).toBeLessThan(20);
  });
});

describe("preparedLeadBatchSender: whose filter", () => {
  const none = new Uint8Array(0);
  /** A prepared batch of no rows but these keys (nothing is copied), with the preparer's word or not. */
  const batch = (emails: string[], keysSeen?: boolean): PreparedLeadBatch => ({
    accounts: none,
    contacts: none,
    leads: none,
    history: none,
    attributes: { accounts: false, contacts: false },
    domains: [],
    emails,
    ...(keysSeen === undefined ? {} : { keysSeen }),
    counts: { accounts: 0, contacts: 0, leads: 0, leadsSkipped: 0 },
  });
  /** Which of `batches` (by index) looked up. */
  async function lookedUp(batches: PreparedLeadBatch[], initialLoad = true): Promise<number[]> {
    const looked: number[] = [];
    let at = 0;
    const sql = {
      query: async () => {
        looked.push(at);
        return { rows: [], rowCount: 0 };
      },
      exec: async () => undefined,
      sendsInOrder: true,
    } as unknown as SqlClient;
    const sender = preparedLeadBatchSender(sql, async () => undefined, "postgres");
    if (initialLoad) sender.initialLoad();
    for (const [i, b] of batches.entries()) {
      at = i;
      await (await sender.send(b))?.done;
    }
    return looked;
  }

  it("no initial load: every batch looks up", async () => {
    expect(await lookedUp([batch(["a"]), batch(["b"], false)], false)).toEqual([0, 1]);
  });

  it("its own filter when the first batch comes without the preparer's word", async () => {
    expect(await lookedUp([batch(["a"]), batch(["b"]), batch(["a", "c"]), batch(["d"], false)])).toEqual([2]);
  });

  it("the preparer's word while every batch has it; after one without, every batch looks up", async () => {
    expect(await lookedUp([batch(["a"], false), batch(["a"], false), batch(["b"], true)])).toEqual([2]);
    expect(
      await lookedUp([batch(["a"], false), batch(["b"]), batch(["c"], false), batch(["d"], false)]),
    ).toEqual([1, 2, 3]);
  });
});

describe.each(ENGINES)("initial load on %s", (engine) => {
  let s: Storage;
  let base: Storage;
  beforeAll(async () => {
    s = await freshStorage(engine);
    base = await freshStorage(engine);
  });
  afterAll(async () => {
    await s?.close();
    await base?.close();
  });

  /** Imports `csv` into both (emptied first unless `keep`): bulk mode recorded, and bulkMode false. */
  async function both(csv: string, extra: Partial<ImportOptions> = {}, keep = false) {
    if (!keep) {
      await empty(s);
      await empty(base);
    }
    const texts: string[] = [];
    const a = await importCsv(recording(s, texts), Readable.from([csv]), opts(extra));
    const b = await importCsv(base, Readable.from([csv]), opts({ ...extra, bulkMode: false }));
    expect(a).toEqual(b);
    expect(await storedImport(s)).toEqual(await storedImport(base));
    return { report: a, lookups: lookups(texts), texts };
  }

  for (const readInWorker of [false, true]) {
    it(`into empty tables sends no lookup, and stores what bulkMode false stores (readInWorker ${readInWorker})`, async () => {
      const { report, lookups: n, texts } = await both(file(rows(0, 30)), { readInWorker });
      expect(report.counts["leads"]?.created).toBe(30);
      expect(n).toBe(0);
      if (engine === "postgres")
        expect(texts).toContain("LOCK TABLE accounts, contacts IN SHARE ROW EXCLUSIVE MODE NOWAIT");
    });

    it(`batches repeating earlier batches' emails or domains look up and merge (readInWorker ${readInWorker})`, async () => {
      // Batches of 3: [0,1,2] [3,4,5] [6,7,8] new; then u1 again (email), then a new email at d4's
      // domain (domain only), then new rows; then u8 again with new rows around it.
      const lines = [
        ...rows(0, 9, 1000),
        ...rows(100, 101, 1000),
        "u1@d1.example,Again,Co 1b,d1.example,fintech,sql,2026-02-05T10:00:00Z",
        ...rows(200, 201, 1000),
        ...rows(300, 303, 1000),
        "x@d4.example,X,Co 4b,d4.example,retail,new,2026-02-06T10:00:00Z",
        ...rows(400, 402, 1000),
        ...rows(500, 503, 1000),
        ...rows(600, 601, 1000),
        "u8@d8.example,Eight,,d8.example,,,",
        ...rows(700, 701, 1000),
      ];
      const { report, lookups: n } = await both(file(lines), { readInWorker });
      // Three batches hold a key an earlier batch had: each looks up (and finds it: upserts).
      expect(n).toBe(3);
      expect(report.counts["contacts"]).toEqual({ created: 22, updated: 2, skipped: 0 });
      expect(report.counts["leads"]).toEqual({ created: 22, updated: 0, skipped: 2 });
      const stored = await storedImport(s);
      expect(stored.contacts.find((c) => c["email"] === "u1@d1.example")).toMatchObject({
        first_name: "Again",
      });
    });
  }

  it("bulkMode false, and imports of other targets, are no initial load", async () => {
    await empty(s);
    const texts: string[] = [];
    await importCsv(recording(s, texts), Readable.from([file(rows(0, 12))]), opts({ bulkMode: false }));
    expect(lookups(texts)).toBe(4);
    await empty(s);
    const other: string[] = [];
    const r = await importCsv(
      recording(s, other),
      Readable.from(["email,first_name\na@b.example,A\nc@d.example,C\n"]),
      opts({ as: "contacts" }),
    );
    expect(r.counts["contacts"]?.created).toBe(2);
    expect(other.some((t) => t.startsWith("LOCK TABLE") || t.includes("transaction_isolation"))).toBe(false);
  });

  it("a non-empty database imports as before: every batch looks up", async () => {
    await both(file(rows(0, 6)));
    const { lookups: n, report } = await both(file(rows(1000, 1012)), {}, true);
    expect(report.counts["leads"]?.created).toBe(12);
    expect(n).toBe(4);
  });

  it("statistics: after batches 1, 4, 16; an initial load after batch 1 and, on PGlite, at the end", async () => {
    const analyzes = (texts: readonly string[]) =>
      texts.filter((t) => t.startsWith("ANALYZE ")).map((t) => t.slice("ANALYZE ".length));
    await empty(s);
    // 17 batches of 3 rows, into empty tables: an initial load.
    const first: string[] = [];
    await importCsv(recording(s, first), Readable.from([file(rows(0, 51))]), opts());
    const tables = "accounts, contacts, leads";
    // PGlite: after batch 1, then (batch 64 not reached) once at the end: 17 batches is more than four
    // times the one analyzed.
    expect(analyzes(first)).toEqual(engine === "postgres" ? [tables] : [tables, tables]);
    // Not empty any more: every batch looks up, and the statistics follow the tables as they grow.
    const again: string[] = [];
    await importCsv(recording(s, again), Readable.from([file(rows(1000, 1051))]), opts());
    expect(lookups(again)).toBe(17);
    expect(analyzes(again)).toEqual([tables, tables, tables]);
    // And so does a statements-only import into empty tables (no initial load there).
    await empty(s);
    const plain: string[] = [];
    await importCsv(recording(s, plain), Readable.from([file(rows(0, 51))]), opts({ bulkMode: false }));
    expect(analyzes(plain)).toEqual([tables, tables, tables]);
    // An initial load of four batches (not more than four times batch 1): batch 1's statistics stay.
    await empty(s);
    const four: string[] = [];
    await importCsv(recording(s, four), Readable.from([file(rows(0, 12))]), opts());
    expect(analyzes(four)).toEqual([tables]);
    // 65 batches: after batch 1 and batch 64; at the end the tables are not four times batch 64's.
    await empty(s);
    const many: string[] = [];
    await importCsv(recording(s, many), Readable.from([file(rows(0, 195))]), opts());
    expect(analyzes(many)).toEqual(engine === "postgres" ? [tables] : [tables, tables]);
    // Nor is a dry run analyzed at its end (it is rolled back).
    await empty(s);
    const dry: string[] = [];
    await importCsv(recording(s, dry), Readable.from([file(rows(0, 51))]), opts({ dryRun: true }));
    expect(analyzes(dry)).toEqual([tables]);
  });

  it("a rejected row still rolls everything back; a dry run writes nothing", async () => {
    await empty(s);
    const bad = file([...rows(0, 10), "not-an-email,X,,,,,", ...rows(20, 25)]);
    const texts: string[] = [];
    const e = await importCsv(recording(s, texts), Readable.from([bad]), opts()).catch((x) => x);
    expect(isWinnowError(e) && e.code).toBe("WINNOW_ERR_IMPORT_INVALID_ROWS");
    expect(lookups(texts)).toBe(0);
    const n = await s.sql.query<{ n: number }>(
      "SELECT ((SELECT count(*) FROM accounts) + (SELECT count(*) FROM contacts) + (SELECT count(*) FROM leads) + (SELECT count(*) FROM lead_history))::int AS n",
    );
    expect(n.rows[0]?.n).toBe(0);
    const { report } = await both(file(rows(0, 12)), { dryRun: true });
    expect(report.written).toBe(false);
    expect(report.counts["leads"]?.created).toBe(12);
    expect((await storedImport(s)).contacts).toEqual([]);
  });
});

const ADMIN = process.env["WINNOW_TEST_DATABASE_URL"];

describe.skipIf(!ADMIN)("initial load on PostgreSQL, with other connections", () => {
  const database = `h15k_initial_${randomBytes(4).toString("hex")}`;
  let s: Storage;
  const clients: pg.Client[] = [];
  const url = () => {
    const u = new URL(ADMIN as string);
    u.pathname = `/${database}`;
    return u.toString();
  };
  const client = async () => {
    const c = new pg.Client({ connectionString: url() });
    await c.connect();
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    const c = new pg.Client({ connectionString: ADMIN });
    await c.connect();
    await c.query(`CREATE DATABASE ${database}`);
    await c.end();
    s = await openStorage({ engine: "postgres", url: url() });
  });
  afterAll(async () => {
    for (const c of clients) await c.end();
    await s?.close();
    const c = new pg.Client({ connectionString: ADMIN });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await c.end();
  });

  /** Polls `ready` until it holds (at most ~20 s). */
  async function until(ready: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      if (await ready()) return;
      await new Promise((ok) => setTimeout(ok, 20));
    }
    throw new Error(`never happened: ${ready.toString()}`);
  }

  it("other connections read during an initial load, and their writes to contacts wait for its commit", async () => {
    await empty(s);
    const watcher = await client();
    const writer = await client();
    const reader = await client();
    // The file's first part, then a pause (the import's transaction open, its first batches written).
    let resume = () => {};
    const paused = new Promise<void>((ok) => {
      resume = ok;
    });
    async function* source() {
      yield `${file(rows(0, 9))}\n`;
      await paused;
      yield `${rows(9, 12).join("\n")}\ntaken@d1.example,Taken,,d1.example,,,\n`;
    }
    const texts: string[] = [];
    const importing = importCsv(recording(s, texts), Readable.from(source()), opts());
    await until(async () => {
      const r = await watcher.query(
        "SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'contacts' AND l.mode = 'ShareRowExclusiveLock' AND l.granted",
      );
      return r.rows[0].n === 1;
    });
    // Reads go on (and see nothing of the import's); a write waits.
    expect((await reader.query("SELECT count(*)::int AS n FROM contacts")).rows[0].n).toBe(0);
    const writerPid = (await writer.query("SELECT pg_backend_pid() AS pid")).rows[0].pid;
    const insert = writer
      .query("INSERT INTO contacts (email) VALUES ('taken@d1.example')")
      .then(() => "inserted")
      .catch((e: { code?: string }) => e.code ?? "?");
    await until(async () => {
      const r = await watcher.query("SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1", [
        writerPid,
      ]);
      return r.rows[0]?.wait_event_type === "Lock";
    });
    const other = await client();
    const otherInsert = other
      .query("INSERT INTO accounts (name, domain) VALUES ('Free', 'free.example')")
      .then(() => "inserted")
      .catch((e: { code?: string }) => e.code ?? "?");
    // Still waiting a while later, as long as the import runs.
    await new Promise((ok) => setTimeout(ok, 200));
    const still = await watcher.query("SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1", [
      writerPid,
    ]);
    expect(still.rows[0]?.wait_event_type).toBe("Lock");
    resume();
    const report = await importing;
    expect(report.counts["contacts"]?.created).toBe(13);
    // The last batch only: its taken@d1.example names the first batch's domain.
    expect(lookups(texts)).toBe(1);
    // The import committed: the colliding insert fails on the unique email, the other goes in.
    expect(await insert).toBe("23505");
    expect(await otherInsert).toBe("inserted");
    expect((await reader.query("SELECT count(*)::int AS n FROM contacts")).rows[0].n).toBe(13);
  });

  it("an import started while another transaction has written to contacts does not wait: it looks up as before", async () => {
    await empty(s);
    const open = await client();
    await open.query("BEGIN");
    await open.query("INSERT INTO contacts (email) VALUES ('pending@d2.example')");
    const texts: string[] = [];
    // It must finish while that transaction is still open (else it waited for it).
    const report = await importCsv(recording(s, texts), Readable.from([file(rows(0, 12))]), opts());
    expect(report.counts["leads"]?.created).toBe(12);
    expect(lookups(texts)).toBe(4);
    expect(texts).toContain("ROLLBACK TO SAVEPOINT winnow_initial_load");
    await open.query("COMMIT");
    const n = await open.query("SELECT count(*)::int AS n FROM contacts");
    expect(n.rows[0].n).toBe(13);
    // And the stored rows are what a bulkMode-false import stores.
    const base = await freshStorage("postgres");
    try {
      await importCsv(base, Readable.from([file(rows(0, 12))]), opts({ bulkMode: false }));
      await s.sql.exec("DELETE FROM contacts WHERE email = 'pending@d2.example'");
      expect(await storedImport(s)).toEqual(await storedImport(base));
    } finally {
      await base.close();
    }
  });
});

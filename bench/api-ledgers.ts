// node bin/run-ts.js bench/api-ledgers.ts [--rounds N] — what the background rescore after ingest
// reads, on PostgreSQL (WINNOW_BENCH_DATABASE_URL, a throw-away database): 200 leads whose ledgers
// grow by ~12 events each between reads (2,500 events a round, as in bench:api at ~5,000 req/s and
// a run every 0.5 s), read whole (readLedgerTexts, decoded) and through the ledger cache
// (ledger-cache.ts), each on a connection of its own. CPU milliseconds per read of 200 leads of the
// Node process and of that connection's PostgreSQL backend (from /proc: Linux and a local server),
// at ~100, ~300 and ~650 events a lead (the mean over N rounds, default 10). JSON lines on stdout.
import pg from "pg";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { createLedgerCache } from "../src/storage/ledger-cache.ts";
import { openStorage } from "../src/storage/open.ts";
import type { SqlClient, SqlRow } from "../src/storage/ports.ts";
import { readLedgerTexts } from "../src/storage/rescore-pages.ts";
import { scratchPostgres } from "./engines.ts";
import { cpuMs } from "./proc-cpu.ts";

const i = process.argv.indexOf("--rounds");
const ROUNDS = i >= 0 ? Number(process.argv[i + 1]) : 10;
const serverUrl = process.env["WINNOW_BENCH_DATABASE_URL"];
if (!serverUrl) throw new Error("set WINNOW_BENCH_DATABASE_URL=postgres://... (a local server)");

const ownMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** A SqlClient on one connection of its own, and its backend's pid. */
async function connection(url: string): Promise<{ sql: SqlClient; pid: number; end: () => Promise<void> }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const pid = Number((await c.query<{ p: number }>("SELECT pg_backend_pid() AS p")).rows[0]?.p);
  const sql: SqlClient = {
    query: async <R extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]) => {
      const r = await c.query(text, params as unknown[]);
      return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    },
    exec: async (text) => {
      await c.query(text);
    },
    transaction: () => {
      throw new Error("not used");
    },
  };
  return { sql, pid, end: () => c.end() };
}

const db = await scratchPostgres(serverUrl);
try {
  const storage = await openStorage({ engine: "postgres", url: db.url });
  await seedDemoWorkspace(storage, { leads: 500, accounts: 100 });
  const ids = (
    await storage.sql.query<{ id: string }>("SELECT id FROM leads ORDER BY id LIMIT 200")
  ).rows.map((r) => r.id);
  let n = 0;
  const t0 = Date.now();
  const ingest = (count: number) =>
    storage.events.ingest(
      Array.from({ length: count }, () => {
        const k = n++;
        return {
          key: `l${k}`,
          leadId: ids[k % ids.length] as string,
          type: "page_view",
          occurredAt: new Date(t0 + k).toISOString(),
          properties: { path: "/pricing" },
        };
      }),
    );
  const whole = await connection(db.url);
  const cached = await connection(db.url);
  const cache = createLedgerCache(cached.sql);
  await cache.read(ids);
  let perLead = 10;
  for (const target of [50, 250, 600]) {
    while (perLead < target) {
      await ingest(10_000);
      perLead += 10_000 / ids.length;
    }
    await cache.read(ids);
    let wholePg = 0;
    let wholeNode = 0;
    let cachedPg = 0;
    let cachedNode = 0;
    for (let r = 0; r < ROUNDS; r++) {
      await ingest(2500);
      let pg0 = cpuMs(whole.pid);
      let node0 = ownMs();
      for (const text of await readLedgerTexts(whole.sql, ids)) JSON.parse(text);
      wholePg += cpuMs(whole.pid) - pg0;
      wholeNode += ownMs() - node0;
      pg0 = cpuMs(cached.pid);
      node0 = ownMs();
      await cache.read(ids);
      cachedPg += cpuMs(cached.pid) - pg0;
      cachedNode += ownMs() - node0;
    }
    perLead += (ROUNDS * 2500) / ids.length;
    const per = (ms: number) => +(ms / ROUNDS).toFixed(1);
    process.stdout.write(
      `${JSON.stringify({
        bench: "api-ledgers",
        leads: ids.length,
        events_per_lead: Math.round(perLead - (ROUNDS * 2500) / ids.length / 2),
        whole_pg_cpu_ms: per(wholePg),
        whole_node_cpu_ms: per(wholeNode),
        cached_pg_cpu_ms: per(cachedPg),
        cached_node_cpu_ms: per(cachedNode),
        held_events: cache.size().events,
      })}\n`,
    );
  }
  await whole.end();
  await cached.end();
  await storage.close();
} finally {
  await db.drop();
}

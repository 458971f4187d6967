// node bin/run-ts.js bench/api-ingest.ts — the storage side of POST /v1/events without HTTP: group
// writes (what the event batcher sends) of 1, 10 and 50 events to 200 leads, repeated, on PGlite (a
// folder, as `winnow serve` uses) and on PostgreSQL when WINNOW_BENCH_DATABASE_URL is set (a
// throw-away database). Wall and CPU milliseconds per write (this process's, and on PostgreSQL the
// backends' of that database, read from /proc: Linux and a local server only) and events/s of the
// write path alone: the ceiling the HTTP layer cannot beat. JSON lines on stdout.
//
// Flags: --writes N per size and round (default 200), --sizes 1,10,50, --engines pglite,postgres,
// --rounds R (default 1; the figures are medians over rounds), --trees DIR,DIR: an in-process A/B of
// the code of several trees (`git worktree`s of other commits; default this one), each on a database
// of its own, their rounds alternated (every other round in reverse order), so that they share the
// machine's load alike.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import type { Storage } from "../src/storage/ports.ts";
import { scratchPostgres } from "./engines.ts";
import { cpuMs } from "./proc-cpu.ts";

const flag = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const WRITES = Number(flag("writes", "200"));
const SIZES = flag("sizes", "1,10,50").split(",").map(Number);
const ROUNDS = Number(flag("rounds", "1"));
const TREES = flag("trees", ".")
  .split(",")
  .map((t) => resolve(t));
const serverUrl = process.env["WINNOW_BENCH_DATABASE_URL"];
const ENGINES = flag("engines", serverUrl ? "pglite,postgres" : "pglite").split(",");

type Subject = {
  tree: string;
  storage: Storage;
  leads: string[];
  /** CPU ms of the database's backends so far (PostgreSQL), else null. */
  serverCpu: () => Promise<number | null>;
  close: () => Promise<void>;
  seq: number;
  figures: Map<number, { wall: number[]; cpu: number[]; server: number[] }>;
};

async function open(tree: string, engine: string): Promise<Subject> {
  const { openStorage } = await import(join(tree, "src/storage/open.ts"));
  const { seedDemoWorkspace } = await import(join(tree, "src/app/demo-workspace.ts"));
  let storage: Storage;
  let serverCpu: Subject["serverCpu"] = async () => null;
  let close: () => Promise<void>;
  if (engine === "postgres") {
    if (!serverUrl) throw new Error("set WINNOW_BENCH_DATABASE_URL=postgres://... for --engines postgres");
    const db = await scratchPostgres(serverUrl);
    storage = await openStorage({ engine: "postgres", url: db.url });
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    serverCpu = async () => {
      const r = await admin.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
      );
      return r.rows.reduce((sum, x) => sum + cpuMs(x.pid), 0);
    };
    close = async () => {
      await storage.close();
      await admin.end();
      await db.drop();
    };
  } else {
    const dir = await mkdtemp(join(tmpdir(), "winnow-bench-ingest-"));
    storage = await openStorage({ engine: "pglite", dataDir: join(dir, "db") });
    close = async () => {
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    };
  }
  await seedDemoWorkspace(storage, { leads: 200, accounts: 40 });
  const leads = (await storage.sql.query<{ id: string }>("SELECT id FROM leads LIMIT 200")).rows.map(
    (r) => r.id,
  );
  return { tree, storage, leads, serverCpu, close, seq: 0, figures: new Map() };
}

const batch = (s: Subject, n: number) =>
  Array.from({ length: n }, () => ({
    key: `bench-ingest:${s.seq}`,
    leadId: s.leads[s.seq++ % s.leads.length] as string,
    type: "page_view",
    occurredAt: new Date().toISOString(),
    properties: { path: "/pricing" },
  }));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

for (const engine of ENGINES) {
  const subjects: Subject[] = [];
  try {
    for (const tree of TREES) subjects.push(await open(tree, engine));
    for (const s of subjects) for (let w = 0; w < 20; w++) await s.storage.events.ingest(batch(s, 10)); // warm up
    for (let round = 0; round < ROUNDS; round++)
      // Every other round in reverse order, so that no tree always runs first.
      for (const size of SIZES)
        for (const s of round % 2 === 0 ? subjects : [...subjects].reverse()) {
          const server0 = await s.serverCpu();
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          for (let w = 0; w < WRITES; w++) await s.storage.events.ingest(batch(s, size));
          const wall = performance.now() - t0;
          const c = process.cpuUsage(c0);
          const server1 = await s.serverCpu();
          const f = s.figures.get(size) ?? { wall: [], cpu: [], server: [] };
          f.wall.push(wall / WRITES);
          f.cpu.push((c.user + c.system) / 1000 / WRITES);
          if (server0 !== null && server1 !== null) f.server.push((server1 - server0) / WRITES);
          s.figures.set(size, f);
        }
    for (const s of subjects)
      for (const [size, f] of s.figures)
        process.stdout.write(
          `${JSON.stringify({
            bench: "api-ingest",
            engine,
            ...(TREES.length > 1 ? { tree: s.tree } : {}),
            events_per_write: size,
            writes: WRITES,
            rounds: ROUNDS,
            ms_per_write: +median(f.wall).toFixed(3),
            cpu_ms_per_write: +median(f.cpu).toFixed(3),
            ...(f.server.length > 0 ? { server_cpu_ms_per_write: +median(f.server).toFixed(3) } : {}),
            events_per_s: Math.round((size * 1000) / median(f.wall)),
          })}\n`,
        );
  } finally {
    for (const s of subjects) await s.close();
  }
}

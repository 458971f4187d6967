// node bin/run-ts.js bench/api-ingest.ts — the storage side of POST /v1/events without HTTP: one
// group write (what the event batcher sends) of 1, 10 and 50 events, repeated, on PGlite (a folder,
// as `winnow serve` uses) and on PostgreSQL when WINNOW_BENCH_DATABASE_URL is set (a throw-away
// database). Wall and CPU milliseconds per write and events/s of the write path alone: the ceiling
// the HTTP layer cannot beat. JSON lines on stdout. Flags: --writes N per size (default 200).
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import type { Storage } from "../src/storage/ports.ts";
import { onEachEngine } from "./engines.ts";

const i = process.argv.indexOf("--writes");
const WRITES = i >= 0 ? Number(process.argv[i + 1]) : 200;

async function run(storage: Storage, engine: string): Promise<void> {
  await seedDemoWorkspace(storage, { leads: 200, accounts: 40 });
  const leads = (await storage.sql.query<{ id: string }>("SELECT id FROM leads LIMIT 200")).rows.map(
    (r) => r.id,
  );
  let seq = 0;
  const batch = (n: number) =>
    Array.from({ length: n }, () => ({
      key: `bench-ingest:${seq}`,
      leadId: leads[seq++ % leads.length] as string,
      type: "page_view",
      occurredAt: new Date().toISOString(),
      properties: { path: "/pricing" },
    }));
  for (let w = 0; w < 20; w++) await storage.events.ingest(batch(10)); // warm up
  for (const size of [1, 10, 50]) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let w = 0; w < WRITES; w++) await storage.events.ingest(batch(size));
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    process.stdout.write(
      `${JSON.stringify({
        bench: "api-ingest",
        engine,
        events_per_write: size,
        writes: WRITES,
        ms_per_write: +(wall / WRITES).toFixed(3),
        cpu_ms_per_write: +((c.user + c.system) / 1000 / WRITES).toFixed(3),
        events_per_s: Math.round((WRITES * size * 1000) / wall),
      })}\n`,
    );
  }
}

await onEachEngine("winnow-bench-ingest-", run);

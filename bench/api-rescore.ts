// node bin/run-ts.js bench/api-rescore.ts — the rescore that follows each event group write in
// `winnow serve` (rescoreLeads with the default model), without HTTP: groups touching 1, 10 and 50
// leads, repeated, on PGlite (a folder) and on PostgreSQL when WINNOW_BENCH_DATABASE_URL is set (a
// throw-away database). Each lead has ~10 events. Wall and CPU ms per group and leads/s. JSON lines
// on stdout. Flags: --groups N per size (default 100).
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { rescoreLeads, type ScorerCache } from "../src/app/rescore-leads.ts";
import type { Storage } from "../src/storage/ports.ts";
import { onEachEngine } from "./engines.ts";

const i = process.argv.indexOf("--groups");
const GROUPS = i >= 0 ? Number(process.argv[i + 1]) : 100;

async function run(storage: Storage, engine: string): Promise<void> {
  await seedDemoWorkspace(storage, { leads: 500, accounts: 100 });
  const leads = (await storage.sql.query<{ id: string }>("SELECT id FROM leads ORDER BY id")).rows.map(
    (r) => r.id,
  );
  const cache: ScorerCache = new Map();
  let seq = 0;
  const group = (n: number) => Array.from({ length: n }, () => leads[seq++ % leads.length] as string);
  for (let w = 0; w < 10; w++) await rescoreLeads(storage, group(10), new Date().toISOString(), cache); // warm up
  for (const size of [1, 10, 50]) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let w = 0; w < GROUPS; w++)
      await rescoreLeads(storage, group(size), new Date().toISOString(), cache);
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    process.stdout.write(
      `${JSON.stringify({
        bench: "api-rescore",
        engine,
        leads_per_group: size,
        groups: GROUPS,
        ms_per_group: +(wall / GROUPS).toFixed(3),
        cpu_ms_per_group: +((c.user + c.system) / 1000 / GROUPS).toFixed(3),
        leads_per_s: Math.round((GROUPS * size * 1000) / wall),
      })}\n`,
    );
  }
}

await onEachEngine("winnow-bench-rescore-", run);

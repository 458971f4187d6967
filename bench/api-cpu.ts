// node bin/run-ts.js bench/api-cpu.ts [--seconds N] [--tree DIR] [--cpu-prof DIR] — where the CPU of
// POST /v1/events goes on PostgreSQL: bench/api-server.ts (from DIR, default this tree: pass a
// `git worktree` of another commit for an A/B) on a throw-away database of WINNOW_BENCH_DATABASE_URL,
// 2 s of warm-up then N s (default 6) of autocannon at 50 connections; prints req/s, p50/p99 and CPU
// milliseconds per request of the Node server, of the PostgreSQL backends of that database (from
// /proc, so Linux and a local server only) and of autocannon, and the load average around the run.
// `--cpu-prof DIR` runs the server under `node --cpu-prof` (the profile covers its whole life:
// seeding, warm-up and load).
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import pg from "pg";
import { scratchPostgres } from "./engines.ts";
import { backendPids, cpuMs } from "./proc-cpu.ts";

const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SECONDS = Number(flag("seconds") ?? 6);
const tree = flag("tree") ?? ".";
const profDir = flag("cpu-prof");
const serverUrl = process.env["WINNOW_BENCH_DATABASE_URL"];
if (!serverUrl) throw new Error("set WINNOW_BENCH_DATABASE_URL=postgres://... (a local server)");

const db = await scratchPostgres(serverUrl);
try {
  const name = new URL(db.url).pathname.slice(1);
  const backends = () => backendPids(serverUrl, name);
  const server = spawn(
    process.execPath,
    [
      ...(profDir ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []),
      "bin/run-ts.js",
      "bench/api-server.ts",
      "winnow",
      db.url,
    ],
    { cwd: tree, stdio: ["ignore", "pipe", "inherit"] },
  );
  const ready = await new Promise<{ port: number; keys: { ingest: string }; leadIds: string[] }>(
    (resolve, reject) => {
      createInterface({ input: server.stdout as NodeJS.ReadableStream }).once("line", (l) =>
        resolve(JSON.parse(l)),
      );
      server.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    },
  );
  const run = Date.now().toString(36);
  const t0 = Date.now();
  let seq = 0;
  const load = (duration: number) =>
    autocannon({
      url: `http://127.0.0.1:${ready.port}`,
      connections: 50,
      duration,
      requests: [
        {
          method: "POST",
          path: "/v1/events",
          headers: { authorization: `Bearer ${ready.keys.ingest}`, "content-type": "application/json" },
          setupRequest: (req) => {
            const n = seq++;
            return {
              ...req,
              body: JSON.stringify({
                key: `cpu:${run}:${n}`,
                leadId: ready.leadIds[n % ready.leadIds.length],
                type: "page_view",
                occurredAt: new Date(t0 + n).toISOString(),
                properties: { path: "/pricing" },
              }),
            };
          },
        },
      ],
    });
  await load(2);
  const pid = server.pid as number;
  const commits = async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    const r = await c.query<{ n: string }>(
      "SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = $1",
      [name],
    );
    await c.end();
    return Number(r.rows[0]?.n ?? 0);
  };
  const commits0 = await commits();
  const before = new Map((await backends()).map((p) => [p, cpuMs(p)]));
  const node0 = cpuMs(pid);
  const own0 = process.cpuUsage();
  const load0 = loadavg()[0] ?? 0;
  const r = await load(SECONDS);
  const load1 = loadavg()[0] ?? 0;
  const own = process.cpuUsage(own0);
  const node = cpuMs(pid) - node0;
  // Backends that were there at the start or are there now (the pool may open more under load).
  let pgMs = 0;
  const seen = new Set([...before.keys(), ...(await backends())]);
  for (const p of seen) pgMs += cpuMs(p) - (before.get(p) ?? 0);
  // Transactions committed in that database during the load (group writes, rescore runs, and a few
  // of this script's own statistics reads): requests per commit says how well writes are grouped.
  const committed = (await commits()) - commits0;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGTERM");
  await exited;
  const per = (ms: number) => +(ms / r.requests.total).toFixed(4);
  process.stdout.write(
    `${JSON.stringify({
      bench: "api-cpu",
      tree,
      rps: Math.round(r.requests.average),
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      errors: r.errors + r.timeouts + r.non2xx,
      requests: r.requests.total,
      node_cpu_ms_per_req: per(node),
      postgres_cpu_ms_per_req: per(pgMs),
      postgres_backends: seen.size,
      requests_per_commit: +(r.requests.total / Math.max(1, committed)).toFixed(1),
      autocannon_cpu_ms_per_req: per((own.user + own.system) / 1000),
      // The machine's 1-minute load average before and after the measured load (figures from
      // different loads do not compare).
      load: [+load0.toFixed(2), +load1.toFixed(2)],
    })}\n`,
  );
} finally {
  await db.drop();
}

// node bin/run-ts.js bench/api-reads.ts — GET /v1/leads/:id alone (bench:api runs it right after its
// ingest case, whose background rescore can still be draining), beside a bare Fastify hello-world
// ceiling in the same run. PGlite always; PostgreSQL when WINNOW_BENCH_DATABASE_URL is set (a
// throw-away database). The servers are bench/api-server.ts (500 demo leads, 200 of them read in
// turn) of `--root DIR` (default: this checkout), so an older commit's worktree can be measured
// against this one, alternated. Before the reads, `--events N` page views (default 400) are posted
// to each of the 200 leads through POST /v1/events/batch and scored as `winnow serve` scores them, so
// the leads have several hundred events each as after bench:api's ingest case (`--events 0`: the
// demo's ~10). Flags: --seconds N (default 8), --connections N (default 50), --root DIR,
// --engines pglite|postgres (default: both when the database URL is set). After 1 s of warm-up, the
// reads are measured with the CPU per read of the Node server and, on PostgreSQL, of its backends
// (from /proc: Linux, local server), steadier than req/s on a shared machine. One JSON line per case.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import { scratchPostgres } from "./engines.ts";
import { backendPids, cpuMs } from "./proc-cpu.ts";

const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SECONDS = Number(flag("seconds") ?? 8);
const CONNECTIONS = Number(flag("connections") ?? 50);
const ROOT = resolve(flag("root") ?? ".");
const EVENTS_PER_LEAD = Number(flag("events") ?? 400);
const BATCH = 1000;

type Ready = { port: number; keys?: { manager: string; ingest: string }; leadIds?: string[] };

async function child(args: string[]): Promise<{ proc: ChildProcess; ready: Ready }> {
  const proc = spawn(process.execPath, ["bin/run-ts.js", "bench/api-server.ts", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
  const ready = await new Promise<Ready>((res, rej) => {
    lines.once("line", (l) => res(JSON.parse(l) as Ready));
    proc.once("exit", (code) => rej(new Error(`server exited with ${code}`)));
  });
  return { proc, ready };
}

async function stop(proc: ChildProcess): Promise<void> {
  const exited = new Promise((r) => proc.once("exit", r));
  proc.kill("SIGTERM");
  await exited;
}

/** Page views for every read lead, in batches (the server rescores them in the background). */
async function grow(port: number, key: string, ids: string[]): Promise<void> {
  const t0 = Date.parse("2026-06-01T00:00:00Z");
  const all = ids.flatMap((leadId, i) =>
    Array.from({ length: EVENTS_PER_LEAD }, (_, j) => ({
      key: `reads:${i}:${j}`,
      leadId,
      type: "page_view",
      occurredAt: new Date(t0 + j * 60_000 + i).toISOString(),
      properties: { path: "/pricing" },
    })),
  );
  for (let at = 0; at < all.length; at += BATCH) {
    const res = await fetch(`http://127.0.0.1:${port}/v1/events/batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ events: all.slice(at, at + BATCH) }),
    });
    if (!res.ok) throw new Error(`events batch: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }
}

const line = (l: Record<string, unknown>) =>
  process.stdout.write(
    `${JSON.stringify({ bench: "api-reads", root: ROOT, load: loadavg()[0]?.toFixed(2), ...l })}\n`,
  );

const hello = await child(["hello"]);
const ceiling = await autocannon({
  url: `http://127.0.0.1:${hello.ready.port}/hello`,
  connections: CONNECTIONS,
  duration: SECONDS,
});
await stop(hello.proc);
const helloRps = ceiling.requests.average;
line({ route: "hello", rps: Math.round(helloRps) });

const pgUrl = process.env["WINNOW_BENCH_DATABASE_URL"];
const engines = (flag("engines") ?? (pgUrl ? "pglite,postgres" : "pglite")).split(",");
if (engines.includes("postgres") && !pgUrl)
  throw new Error("--engines postgres needs WINNOW_BENCH_DATABASE_URL");
for (const engine of engines) {
  const folder = engine === "pglite" ? mkdtempSync(join(tmpdir(), "winnow-api-reads-")) : null;
  const scratch = engine === "postgres" ? await scratchPostgres(pgUrl as string) : null;
  try {
    const target = folder ?? (scratch?.url as string);
    let { proc, ready } = await child(["winnow", target]);
    const ids = ready.leadIds as string[];
    if (EVENTS_PER_LEAD > 0) {
      // Stopping the server drains its background rescore; the reads then run on a fresh server
      // (it seeds nothing when leads exist) with every score up to date and nothing else going on.
      await grow(ready.port, (ready.keys as { ingest: string }).ingest, ids);
      await stop(proc);
      ({ proc, ready } = await child(["winnow", target]));
    }
    let n = 0;
    const reads = (duration: number) =>
      autocannon({
        url: `http://127.0.0.1:${ready.port}`,
        connections: CONNECTIONS,
        duration,
        requests: [
          {
            method: "GET",
            headers: { authorization: `Bearer ${ready.keys?.manager}` },
            setupRequest: (req) => ({ ...req, path: `/v1/leads/${ids[n++ % ids.length]}` }),
          },
        ],
      });
    await reads(1); // warm-up: key cache, JIT, the database's caches
    const pids = scratch ? await backendPids(pgUrl as string, new URL(scratch.url).pathname.slice(1)) : [];
    const cpu0 = [cpuMs(proc.pid as number), ...pids.map(cpuMs)];
    const r = await reads(SECONDS);
    const cpu1 = [cpuMs(proc.pid as number), ...pids.map(cpuMs)];
    await stop(proc);
    const per = (ms: number) => Number((ms / Math.max(1, r.requests.total)).toFixed(3));
    line({
      route: "GET /leads/:id",
      engine,
      rps: Math.round(r.requests.average),
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      errors: r.errors + r.timeouts + r.non2xx,
      of_hello: Number((r.requests.average / helloRps).toFixed(4)),
      events_per_lead: EVENTS_PER_LEAD,
      bytes_per_read: Math.round(r.throughput.total / Math.max(1, r.requests.total)),
      // CPU ms per read: the Node server, and on PostgreSQL its backends (from /proc; 10 ms ticks).
      node_cpu_ms: per((cpu1[0] ?? 0) - (cpu0[0] ?? 0)),
      ...(scratch
        ? {
            db_cpu_ms: per(
              cpu1.slice(1).reduce((a, b) => a + b, 0) - cpu0.slice(1).reduce((a, b) => a + b, 0),
            ),
          }
        : {}),
    });
  } finally {
    if (folder) rmSync(folder, { recursive: true, force: true });
    await scratch?.drop();
  }
}

// node bin/run-ts.js bench/api-reads.ts — GET /v1/leads/:id alone (bench:api runs it right after its
// ingest case, whose background rescore can still be draining), beside a bare Fastify hello-world
// ceiling in the same run. PGlite always; PostgreSQL when WINNOW_BENCH_DATABASE_URL is set (a
// throw-away database). The servers are bench/api-server.ts (500 demo leads, 200 of them read in
// turn) of `--root DIR` (default: this checkout), so an older commit's worktree can be measured
// against this one, alternated. Flags: --seconds N (default 8), --connections N (default 50),
// --root DIR. One JSON line per case on stdout.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import { scratchPostgres } from "./engines.ts";

const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SECONDS = Number(flag("seconds") ?? 8);
const CONNECTIONS = Number(flag("connections") ?? 50);
const ROOT = resolve(flag("root") ?? ".");

type Ready = { port: number; keys?: { manager: string }; leadIds?: string[] };

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
for (const engine of pgUrl ? ["pglite", "postgres"] : ["pglite"]) {
  const folder = engine === "pglite" ? mkdtempSync(join(tmpdir(), "winnow-api-reads-")) : null;
  const scratch = engine === "postgres" ? await scratchPostgres(pgUrl as string) : null;
  try {
    const { proc, ready } = await child(["winnow", folder ?? (scratch?.url as string)]);
    const ids = ready.leadIds as string[];
    let n = 0;
    const r = await autocannon({
      url: `http://127.0.0.1:${ready.port}`,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [
        {
          method: "GET",
          headers: { authorization: `Bearer ${ready.keys?.manager}` },
          setupRequest: (req) => ({ ...req, path: `/v1/leads/${ids[n++ % ids.length]}` }),
        },
      ],
    });
    await stop(proc);
    line({
      route: "GET /leads/:id",
      engine,
      rps: Math.round(r.requests.average),
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      errors: r.errors + r.timeouts + r.non2xx,
      of_hello: Number((r.requests.average / helloRps).toFixed(4)),
    });
  } finally {
    if (folder) rmSync(folder, { recursive: true, force: true });
    await scratch?.drop();
  }
}

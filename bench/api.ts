// npm run bench:api — the API under load (BENCHMARKS.md §3): autocannon at 50 connections against
// a server on 127.0.0.1 in a child process, bounded in time per case. Cases: POST /v1/events
// (durable, idempotent; afterwards every acknowledged event is counted in the database: none lost,
// none duplicated, re-sending acknowledged keys stores nothing new, and once the server has stopped
// — draining its background rescore — no lead's score is older than its events: stale_scores 0),
// GET /v1/leads/:id, and a bare Fastify hello-world as the ceiling. PGlite always; PostgreSQL when
// WINNOW_BENCH_DATABASE_URL is set (a throw-away database is created on that server and dropped afterwards).
// Flags: --seconds N (default 10), --connections N (default 50), --engines pglite,postgres. JSON lines on stdout.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import { openStorage } from "../src/storage/open.ts";
import { scratchPostgres } from "./engines.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg("seconds", 10);
const CONNECTIONS = arg("connections", 50);
// --engines postgres (or pglite; comma-separated): only those engines (hello always runs: the ceiling).
const ENGINES = process.argv.includes("--engines")
  ? process.argv[process.argv.indexOf("--engines") + 1]?.split(",")
  : null;
const log = (s: string) => process.stderr.write(`bench:api ${s}\n`);

type Ready = { port: number; keys?: { ingest: string; manager: string }; leadIds?: string[] };

async function child(args: string[]): Promise<{ proc: ChildProcess; ready: Ready }> {
  const proc = spawn(process.execPath, ["bin/run-ts.js", "bench/api-server.ts", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
  const ready = await new Promise<Ready>((resolve, reject) => {
    lines.once("line", (l) => resolve(JSON.parse(l) as Ready));
    proc.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { proc, ready };
}

async function stop(proc: ChildProcess): Promise<void> {
  const exited = new Promise((r) => proc.once("exit", r));
  proc.kill("SIGTERM");
  await exited;
}

type Line = Record<string, string | number>;
function summarise(route: string, engine: string, r: autocannon.Result, extra: Line = {}): Line {
  return {
    bench: "api",
    route,
    engine,
    rps: Math.round(r.requests.average),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    requests: r.requests.total,
    connections: CONNECTIONS,
    seconds: SECONDS,
    ...extra,
  };
}

type Database =
  | { readonly engine: "pglite"; readonly dataDir: string }
  | { readonly engine: "postgres"; readonly url: string };

/** Runs the Winnow cases on one engine; the server runs in a child, the checks read the database after it stopped. */
async function benchEngine(db: Database): Promise<Line[]> {
  const { engine } = db;
  const { proc, ready } = await child(["winnow", db.engine === "postgres" ? db.url : db.dataDir]);
  const base = `http://127.0.0.1:${ready.port}`;
  const keys = ready.keys as { ingest: string; manager: string };
  const leadIds = ready.leadIds as string[];
  const run = Date.now().toString(36);
  const acked = new Set<string>();
  // A retry must be the same event: the time is a function of n (a key sent again with another
  // time is a different event, answered 409 WINNOW_ERR_EVENT_KEY_CONFLICT since 9c13e70).
  const t0 = Date.now();
  const body = (key: string, n: number) =>
    JSON.stringify({
      key,
      leadId: leadIds[n % leadIds.length],
      type: "page_view",
      occurredAt: new Date(t0 + n).toISOString(),
      properties: { path: "/pricing" },
    });
  let seq = 0;
  log(`${engine}: POST /v1/events for ${SECONDS}s at ${CONNECTIONS} connections`);
  const events = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: "POST",
        path: "/v1/events",
        headers: { authorization: `Bearer ${keys.ingest}`, "content-type": "application/json" },
        setupRequest: (req, context) => {
          const n = seq++;
          const key = `bench:${run}:${n}`;
          (context as { key?: string }).key = key;
          return { ...req, body: body(key, n) };
        },
        onResponse: (status, _body, context) => {
          if (status === 201) acked.add((context as { key: string }).key);
        },
      },
    ],
  });
  // A client retrying acknowledged events must get 200 "duplicate" and store nothing new.
  const sample = [...acked].slice(0, 300);
  let retryErrors = 0;
  for (const key of sample) {
    const res = await fetch(`${base}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${keys.ingest}`, "content-type": "application/json" },
      body: body(key, Number(key.split(":")[2])),
    });
    if (res.status !== 200) retryErrors++;
    await res.arrayBuffer();
  }
  log(`${engine}: GET /v1/leads/:id for ${SECONDS}s`);
  let read = 0;
  const reads = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: "GET",
        headers: { authorization: `Bearer ${keys.manager}` },
        setupRequest: (req) => ({ ...req, path: `/v1/leads/${leadIds[read++ % leadIds.length]}` }),
      },
    ],
  });
  await stop(proc);

  const storage = await openStorage(db);
  const rows = await storage.sql.query<{ idempotency_key: string; n: number }>(
    "SELECT idempotency_key, count(*)::int AS n FROM events WHERE idempotency_key LIKE $1 GROUP BY idempotency_key",
    [`bench:${run}:%`],
  );
  // The server rescores in the background and drains that work when stopped (SIGTERM): every lead
  // that got bench events must now hold a score computed after the last of them was stored.
  const stale = await storage.sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT lead_id, max(received_at) AS last FROM events WHERE idempotency_key LIKE $1 GROUP BY lead_id
     ) t LEFT JOIN lead_scores s ON s.lead_id = t.lead_id
     WHERE s.computed_at IS NULL OR s.computed_at < t.last`,
    [`bench:${run}:%`],
  );
  await storage.close();
  const stored = new Map(rows.rows.map((r) => [r.idempotency_key, r.n]));
  const lost = [...acked].filter((k) => !stored.has(k)).length;
  const duplicated = rows.rows.reduce((sum, r) => sum + r.n - 1, 0);
  return [
    summarise("POST /events", engine, events, {
      lost,
      duplicated,
      acked: acked.size,
      stored: stored.size,
      retry_errors: retryErrors,
      stale_scores: stale.rows[0]?.n ?? -1,
    }),
    summarise("GET /leads/:id", engine, reads),
  ];
}

async function hello(): Promise<Line> {
  const { proc, ready } = await child(["hello"]);
  log(`hello: GET /hello for ${SECONDS}s`);
  const r = await autocannon({
    url: `http://127.0.0.1:${ready.port}/hello`,
    connections: CONNECTIONS,
    duration: SECONDS,
  });
  await stop(proc);
  return summarise("hello", "none", r);
}

const lines: Line[] = [await hello()];
const dir = mkdtempSync(join(tmpdir(), "winnow-bench-api-"));
try {
  if (!ENGINES || ENGINES.includes("pglite"))
    lines.push(...(await benchEngine({ engine: "pglite", dataDir: join(dir, "db") })));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const pgUrl = process.env["WINNOW_BENCH_DATABASE_URL"];
if (pgUrl && (!ENGINES || ENGINES.includes("postgres"))) {
  const db = await scratchPostgres(pgUrl);
  try {
    lines.push(...(await benchEngine({ engine: "postgres", url: db.url })));
  } finally {
    await db.drop();
  }
} else log("postgres skipped: set WINNOW_BENCH_DATABASE_URL=postgres://... to run it");
const ceiling = Number(lines[0]?.["rps"] ?? 0);
for (const line of lines) {
  const rps = Number(line["rps"]);
  process.stdout.write(
    `${JSON.stringify(line["route"] === "hello" ? line : { ...line, of_hello: ceiling ? Number((rps / ceiling).toFixed(3)) : null })}\n`,
  );
}

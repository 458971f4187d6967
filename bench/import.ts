// npm run bench:import [-- --rows N] — imports a generated CSV of leads on PGlite and, when
// WINNOW_BENCH_DATABASE_URL or DATABASE_URL is set, on PostgreSQL (in a throw-away database on that
// server). Prints JSON lines (BENCHMARKS.md §4); the parse-only line is the ceiling measured in the
// same run, so `vs_parse` reads as a ratio whatever the machine.
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { parse } from "csv-parse";
import pg from "pg";
import { DEFAULT_BATCH_SIZE, importCsv } from "../src/app/import/index.ts";
import { openStorage } from "../src/storage/open.ts";
import type { Storage } from "../src/storage/ports.ts";
import { benchLeadLines } from "./import-rows.ts";
import { backendPids, cpuMs } from "./proc-cpu.ts";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    batch: { type: "string", default: String(DEFAULT_BATCH_SIZE) },
    // Also import on PGlite with bulkMode off (foreign-key triggers and indexes as in any transaction).
    compare: { type: "boolean", default: false },
    // Which engines to import on (comma-separated): one engine's A/B runs go quicker.
    engines: { type: "string", default: "pglite,postgres" },
    // Read, map and check the CSV in a worker thread (ImportOptions.readInWorker).
    "read-in-worker": { type: "boolean", default: false },
    // PostgreSQL: sample what the import's server process is doing every 10 ms (from a worker thread,
    // whose CPU then counts in cpu_s): how much of the import it spent waiting for this process.
    "sample-server": { type: "boolean", default: false },
  },
});
const ROWS = Number(values.rows);
const BATCH = Number(values.batch);
const ENGINES = new Set(values.engines.split(","));
const log = (text: string) => process.stderr.write(`${text}\n`);

/** bench/import-rows.ts's leads file, written to `path`. */
async function generate(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  for (const line of benchLeadLines(rows))
    if (!out.write(line)) await new Promise<void>((ok) => out.once("drain", () => ok()));
  await new Promise<void>((ok) => out.end(() => ok()));
}

/** Runs `fn` while sampling RSS; returns its duration and the peak RSS seen. */
async function measured<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; seconds: number; cpuSeconds: number; peakRssMb: number; startRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const startRssMb = Math.round(peak / 1048576);
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  try {
    const result = await fn();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const used = process.cpuUsage(cpu);
    peak = Math.max(peak, process.memoryUsage.rss());
    return {
      result,
      seconds,
      cpuSeconds: (used.user + used.system) / 1e6,
      peakRssMb: Math.round(peak / 1048576),
      startRssMb,
    };
  } finally {
    clearInterval(timer);
  }
}

/**
 * CPU seconds (user + system) used so far by the server processes of database `name`, read from
 * /proc: only when the server runs on this machine, else null. Steadier than wall time under load.
 */
async function serverCpuSeconds(url: string, name: string): Promise<number | null> {
  try {
    let ms = 0;
    for (const pid of await backendPids(url, name)) {
      if (!existsSync(`/proc/${pid}`)) return null; // the server runs on another machine
      ms += cpuMs(pid);
    }
    return ms / 1000;
  } catch {
    return null;
  }
}

/**
 * Samples, every 10 ms until stopped, the state of the server process running the import's
 * transaction (pg_stat_activity; in a worker thread, so that a busy main thread does not skew when
 * samples are taken). `waiting` is the share of samples in which it waited for the client: idle in
 * the transaction between statements, or reading from the client (a COPY's rows).
 */
function sampleServer(url: string, name: string): () => Promise<{ samples: number; waiting: number }> {
  const code = `
const { parentPort, workerData } = require("node:worker_threads");
const pg = require("pg");
const c = new pg.Client({ connectionString: workerData.url });
let stop = false, samples = 0, waiting = 0;
parentPort.on("message", () => { stop = true; });
(async () => {
  await c.connect();
  while (!stop) {
    const r = await c.query(
      "SELECT state, wait_event FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND xact_start IS NOT NULL AND state <> 'idle'",
      [workerData.name],
    );
    const x = r.rows[0];
    if (x) {
      samples += 1;
      if (x.state === "idle in transaction" || x.wait_event === "ClientRead") waiting += 1;
    }
    await new Promise((ok) => setTimeout(ok, 10));
  }
  await c.end();
  parentPort.postMessage({ samples, waiting });
})();`;
  const worker = new Worker(code, { eval: true, workerData: { url, name } });
  return () =>
    new Promise((ok, fail) => {
      worker.once("message", (m: { samples: number; waiting: number }) => {
        ok(m);
        void worker.terminate();
      });
      worker.once("error", fail);
      worker.postMessage("stop");
    });
}

async function parseOnly(path: string): Promise<number> {
  let n = 0;
  for await (const _ of createReadStream(path).pipe(parse({ bom: true }))) n += 1;
  return n - 1;
}

async function importOn(storage: Storage, path: string, bulkMode: boolean) {
  return importCsv(storage, createReadStream(path), {
    as: "leads",
    now: "2026-03-01T00:00:00.000Z",
    actor: "bench",
    batchSize: BATCH,
    bulkMode,
    ...(values["read-in-worker"] ? { readInWorker: true } : {}),
  });
}

const dir = mkdtempSync(join(tmpdir(), "winnow-bench-import-"));
const file = join(dir, "leads.csv");
try {
  log(`generating ${ROWS} rows in ${file}`);
  await generate(file, ROWS);

  const base = await measured(() => parseOnly(file));
  const parseRate = ROWS / base.seconds;
  console.log(
    JSON.stringify({
      bench: "import",
      case: "parse-only",
      rows: base.result,
      rows_per_s: Math.round(parseRate),
      peak_rss_mb: base.peakRssMb,
      cpu_s: Math.round(base.cpuSeconds * 10) / 10,
    }),
  );

  const engines: {
    name: "pglite" | "postgres";
    bulkMode: boolean;
    open: () => Promise<{
      storage: Storage;
      drop: () => Promise<void>;
      serverCpu?: () => Promise<number | null>;
      sample?: () => () => Promise<{ samples: number; waiting: number }>;
    }>;
  }[] = (ENGINES.has("pglite") ? [true, ...(values.compare ? [false] : [])] : []).map((bulkMode) => ({
    name: "pglite",
    bulkMode,
    open: async () => {
      const dataDir = join(dir, `pglite-${bulkMode}`);
      return {
        storage: await openStorage({ engine: "pglite", dataDir }),
        drop: async () => rmSync(dataDir, { recursive: true, force: true }),
      };
    },
  }));
  const url = process.env["WINNOW_BENCH_DATABASE_URL"] ?? process.env["DATABASE_URL"];
  if (url && ENGINES.has("postgres")) {
    engines.push({
      name: "postgres",
      bulkMode: true,
      open: async () => {
        const name = `winnow_bench_${process.pid}`;
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        const target = new URL(url);
        target.pathname = `/${name}`;
        const storage = await openStorage({ engine: "postgres", url: target.toString() });
        return {
          storage,
          serverCpu: () => serverCpuSeconds(url, name),
          sample: () => sampleServer(url, name),
          drop: async () => {
            const c = new pg.Client({ connectionString: url });
            await c.connect();
            await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            await c.end();
          },
        };
      },
    });
  } else if (ENGINES.has("postgres"))
    log("postgres: skipped (set WINNOW_BENCH_DATABASE_URL or DATABASE_URL)");

  for (const engine of engines) {
    const { storage, drop, serverCpu, sample } = await engine.open();
    try {
      log(`${engine.name}${engine.bulkMode ? "" : " (bulkMode off)"}: importing`);
      const serverBefore = (await serverCpu?.()) ?? null;
      const stopSampling = values["sample-server"] ? (sample?.() ?? null) : null;
      const run = await measured(() => importOn(storage, file, engine.bulkMode));
      const sampled = stopSampling ? await stopSampling() : null;
      const serverAfter = (await serverCpu?.()) ?? null;
      const rate = ROWS / run.seconds;
      console.log(
        JSON.stringify({
          bench: "import",
          engine: engine.name,
          ...(engine.bulkMode ? {} : { bulk_mode: false }),
          rows: run.result.rows,
          rows_per_s: Math.round(rate),
          peak_rss_mb: run.peakRssMb,
          // RSS with the engine open, before the first row: peak minus this is what the import added.
          start_rss_mb: run.startRssMb,
          seconds: Math.round(run.seconds * 10) / 10,
          // CPU time of this process (on PGlite the whole import; on PostgreSQL the client side only):
          // steadier than wall time on a shared machine.
          cpu_s: Math.round(run.cpuSeconds * 10) / 10,
          // PostgreSQL on this machine: CPU time of the server processes serving the bench's database.
          ...(serverBefore !== null && serverAfter !== null
            ? {
                server_cpu_s: Math.round((serverAfter - serverBefore) * 10) / 10,
                // The server's CPU per second of import: how busy the one process writing was.
                server_busy: Math.round(((serverAfter - serverBefore) / run.seconds) * 100) / 100,
              }
            : {}),
          // --sample-server: the share of samples in which the server waited for this process.
          ...(sampled && sampled.samples > 0
            ? {
                server_waits_for_client: Math.round((sampled.waiting / sampled.samples) * 100) / 100,
                server_samples: sampled.samples,
              }
            : {}),
          leads_created: run.result.counts["leads"]?.created ?? 0,
          vs_parse: Math.round((rate / parseRate) * 1000) / 1000,
          cpu_vs_parse: Math.round((base.cpuSeconds / run.cpuSeconds) * 1000) / 1000,
        }),
      );
    } finally {
      await storage.close();
      await drop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// npm run bench:web — the lead list behind the inbox at 1,000 and at 100,000 leads, in the same run
// and on the same database: 1,000 synthetic leads are written first and measured, then 99,000 more
// (set-based, src/demo/many-leads.ts) and measured again. Cases: the inbox's first page
// (stage=mql,sal, sort=priority, limit=25), its 5th page by cursor, and the newest 25 (sort=createdAt).
// Requests go through the real Fastify app in process (app.inject: routing, auth, validation,
// SQL, serialisation; no sockets), one at a time, after 3 warm-up requests per case.
// PGlite always; PostgreSQL when WINNOW_BENCH_DATABASE_URL is set (a throw-away database on it).
// Flags: --requests N (per case and size, default 40), --engine pglite|postgres (default both).
// JSON lines on stdout, progress on stderr.
import { randomBytes } from "node:crypto";
import { createApiKey } from "../src/app/auth/create-key.ts";
import { seedManyLeads } from "../src/demo/many-leads.ts";
import { buildApp } from "../src/http/build-app.ts";
import { apiDeps } from "../src/http/deps.ts";
import { serverConfig } from "../src/http/server-config.ts";
import { openStorage } from "../src/storage/open.ts";
import type { Storage } from "../src/storage/ports.ts";
import { scratchPostgres } from "./engines.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const REQUESTS = Number(arg("requests") ?? 40);
const ONLY = arg("engine");
const log = (s: string) => process.stderr.write(`bench:web ${s}\n`);

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
const ms = (x: number) => Math.round(x * 10) / 10;

async function run(engine: "pglite" | "postgres", storage: Storage): Promise<void> {
  const deps = apiDeps(storage);
  const app = await buildApp(serverConfig({ rateLimit: false }), deps);
  const key = (
    await createApiKey(deps.keys, { name: "bench", role: "manager", subject: null }, new Date(), () =>
      randomBytes(16).toString("hex"),
    )
  ).key;
  const headers = { authorization: `Bearer ${key}` };
  const get = async (url: string) => {
    const res = await app.inject({ url, headers });
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`);
    return res.json() as { data: unknown[]; nextCursor: string | null };
  };
  const inbox = "/v1/leads?stage=mql,sal&sort=priority&limit=25";
  const cases: Record<string, () => Promise<string>> = {
    "inbox first page": async () => inbox,
    "inbox page 5 (cursor)": async () => {
      let url = inbox;
      for (let i = 0; i < 4; i++) {
        const page = await get(url);
        url = `${inbox}&cursor=${page.nextCursor}`;
      }
      return url;
    },
    "newest 25": async () => "/v1/leads?sort=createdAt&limit=25",
  };
  const measure = async (leads: number) => {
    for (const [name, urlOf] of Object.entries(cases)) {
      const url = await urlOf();
      for (let i = 0; i < 3; i++) await get(url);
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const t0 = performance.now();
        rows = (await get(url)).data.length;
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const line = {
        bench: "web",
        route: "GET /v1/leads",
        case: name,
        engine,
        leads,
        rows,
        requests: REQUESTS,
        p50_ms: ms(quantile(times, 0.5)),
        p99_ms: ms(quantile(times, 0.99)),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  };
  let t = performance.now();
  await seedManyLeads(storage.sql, { leads: 1_000, prefix: "a-" });
  log(`${engine}: 1,000 leads written in ${ms((performance.now() - t) / 1000)} s`);
  await measure(1_000);
  t = performance.now();
  await seedManyLeads(storage.sql, { leads: 99_000, prefix: "b-", start: "2026-02-01T00:00:00.000Z" });
  log(`${engine}: 99,000 more leads written in ${ms((performance.now() - t) / 1000)} s`);
  await measure(100_000);
  await app.close();
}

if (!ONLY || ONLY === "pglite") {
  const storage = await openStorage({ engine: "pglite", dataDir: "memory://" });
  try {
    await run("pglite", storage);
  } finally {
    await storage.close();
  }
}
const pgUrl = process.env["WINNOW_BENCH_DATABASE_URL"];
if ((!ONLY || ONLY === "postgres") && pgUrl) {
  const db = await scratchPostgres(pgUrl);
  const storage = await openStorage({ engine: "postgres", url: db.url });
  try {
    await run("postgres", storage);
  } finally {
    await storage.close();
    await db.drop();
  }
} else if (ONLY === "postgres") log("set WINNOW_BENCH_DATABASE_URL to measure PostgreSQL");

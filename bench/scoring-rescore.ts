// The "rescore" case of bench/scoring.ts: load N demo leads with their events into a database, then
// time a full rescore after a model change with the app's own rescoreAll (src/app/rescore-all.ts:
// keyset pages of leads with their ledgers, scored in process, one upsert per page), reporting
// seconds, peak RSS and where the time went (read / score / write).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { rescoreAll } from "../src/app/rescore-all.ts";
import type { Account, Contact, Lead } from "../src/core/records.ts";
import { DEMO_DEFAULTS, generateLeads, type LeadBundle } from "../src/demo/generate.ts";
import { REFERENCE_MODEL, REFERENCE_MODEL_DOCUMENT } from "../src/demo/reference-model.ts";
import { migrate } from "../src/storage/migrate.ts";
import { type DatabaseConfig, openDatabase, openStorage } from "../src/storage/open.ts";
import type { Database, SqlClient } from "../src/storage/ports.ts";

type Options = {
  readonly leads: number;
  readonly eventsPerLead: number;
  readonly emit: (o: Record<string, unknown>) => void;
  readonly log: (s: string) => void;
};

const LOAD_BATCH = 2_000;
const MODEL_ID = "bench-reference";

/**
 * Runs the rescore case on PGlite and, when WINNOW_BENCH_DATABASE_URL is set, on PostgreSQL (in a
 * scratch database created and dropped here). Loading and rescoring each run in their own child
 * process, so the peak RSS reported is the rescore's alone.
 */
export async function runRescoreCases(o: Options): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "winnow-bench-"));
  try {
    await runEngine("pglite", join(dir, "pglite"), o);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env["WINNOW_BENCH_DATABASE_URL"];
  if (!url) {
    o.log(
      "rescore on PostgreSQL skipped: set WINNOW_BENCH_DATABASE_URL (a server where a scratch database may be created)",
    );
    return;
  }
  const admin = await openDatabase({ engine: "postgres", url });
  const name = `winnow_bench_${process.pid}`;
  await admin.exec(`CREATE DATABASE ${name}`);
  try {
    const scratch = new URL(url);
    scratch.pathname = `/${name}`;
    await runEngine("postgres", scratch.toString(), o);
  } finally {
    await admin.exec(`DROP DATABASE IF EXISTS ${name}`);
    await admin.close();
  }
}

async function runEngine(engine: "pglite" | "postgres", target: string, o: Options): Promise<void> {
  const child = (phase: string) => {
    const r = spawnSync(
      process.execPath,
      [
        "bin/run-ts.js",
        "bench/scoring-rescore.ts",
        phase,
        engine,
        target,
        String(o.leads),
        String(o.eventsPerLead),
      ],
      {
        stdio: ["ignore", "pipe", "inherit"],
        encoding: "utf8",
        maxBuffer: 1 << 20,
      },
    );
    if (r.status !== 0)
      throw new Error(`bench/scoring-rescore.ts ${phase} ${engine} failed (exit ${r.status})`);
    return JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;
  };
  const loaded = child("load");
  // Scores only, as the app stores them: the explanation is derived from the ledger when a score is
  // read (src/app/score-explanations.ts). Every lead is new here, so every score and a history entry
  // per lead are written: a model change's worst case.
  const rescored = child("rescore");
  o.emit({ case: "rescore", engine, ...rescored, load_seconds: loaded["load_seconds"] });
}

const configOf = (engine: string, target: string): DatabaseConfig =>
  engine === "postgres" ? { engine: "postgres", url: target } : { engine: "pglite", dataDir: target };
const demoOf = (leads: number, eventsPerLead: number) => ({
  ...DEMO_DEFAULTS,
  leads,
  accounts: Math.max(300, Math.round(leads / 7)),
  eventsPerLead,
});

async function loadPhase(
  engine: string,
  target: string,
  leads: number,
  eventsPerLead: number,
): Promise<Record<string, unknown>> {
  const db = await openDatabase(configOf(engine, target));
  try {
    await migrate(db);
    const t0 = performance.now();
    const events = await load(db, generateLeads(demoOf(leads, eventsPerLead)));
    await db.query(
      `INSERT INTO scoring_models (id, name, version, status, is_default, document, created_by, created_at, published_by, published_at)
       VALUES ($1, $2, 1, 'published', true, $3::jsonb, 'bench', now(), 'bench', now())`,
      [MODEL_ID, REFERENCE_MODEL.name, JSON.stringify(REFERENCE_MODEL_DOCUMENT)],
    );
    process.stderr.write(`[${engine}] loaded ${leads} leads and ${events} events\n`);
    return { load_seconds: Math.round((performance.now() - t0) / 100) / 10, events };
  } finally {
    await db.close();
  }
}

async function rescorePhase(
  engine: string,
  target: string,
  leads: number,
  eventsPerLead: number,
): Promise<Record<string, unknown>> {
  const storage = await openStorage(configOf(engine, target), { migrate: false });
  const demo = demoOf(leads, eventsPerLead);
  try {
    const model = await storage.scoringModels.get(MODEL_ID);
    if (!model) throw new Error(`${MODEL_ID} is not loaded`);
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const t1 = performance.now();
    // The app's own full rescore (what publishing a default model runs), not a copy of it.
    const scored = await rescoreAll(storage, model, {
      now: new Date(Date.parse(demo.start) + demo.days * 86_400_000).toISOString(),
      // PostgreSQL pages built at once (default 1, as before); WINNOW_BENCH_READ_AHEAD=2 builds two in parallel.
      ...(process.env["WINNOW_BENCH_READ_AHEAD"]
        ? { readAhead: Number(process.env["WINNOW_BENCH_READ_AHEAD"]) }
        : {}),
    });
    const seconds = (performance.now() - t1) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss, highWaterRss());
    return {
      leads: scored.leads,
      written: scored.written,
      events: scored.events,
      seconds: Math.round(seconds * 100) / 100,
      leads_per_s: Math.round(scored.leads / seconds),
      peak_rss_mb: Math.round(peak / 1e6),
      phase_ms: scored.phaseMs,
      crossings: scored.crossings,
    };
  } finally {
    await storage.close();
  }
}

/**
 * The kernel's peak RSS of this process (VmHWM; 0 where there is no /proc). The 50 ms sampler alone
 * misses peaks on PGlite: the engine runs in this thread, so the timer seldom fires during a page.
 */
function highWaterRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Bulk-loads lead bundles with unnest() batches (setup, not timed as the rescore). */
async function load(db: Database, bundles: Iterable<LeadBundle>): Promise<number> {
  let batch: LeadBundle[] = [];
  let events = 0;
  const seenAccounts = new Set<string>();
  const flush = async () => {
    const accounts = batch
      .map((b) => b.account)
      .filter((a) => !seenAccounts.has(a.id) && seenAccounts.add(a.id));
    await db.transaction(async (tx) => {
      await insertAccounts(tx, accounts);
      await insertContacts(
        tx,
        batch.map((b) => b.contact),
      );
      await insertLeads(
        tx,
        batch.map((b) => b.lead),
      );
      const evs = batch.flatMap((b) => b.events);
      events += evs.length;
      await tx.query(
        `INSERT INTO events (id, lead_id, type, occurred_at, properties)
         SELECT id, lead_id, type, at::timestamptz, props::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(id, lead_id, type, at, props)`,
        [
          evs.map((e) => e.id),
          evs.map((e) => e.leadId),
          evs.map((e) => e.type),
          evs.map((e) => e.occurredAt),
          evs.map((e) => JSON.stringify(e.properties)),
        ],
      );
    });
    batch = [];
  };
  for (const b of bundles) {
    batch.push(b);
    if (batch.length === LOAD_BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return events;
}

const col = <T, V>(rows: readonly T[], f: (r: T) => V) => rows.map(f);

async function insertAccounts(tx: SqlClient, a: readonly Account[]): Promise<void> {
  if (a.length === 0) return;
  await tx.query(
    `INSERT INTO accounts (id, name, domain, industry, employees, annual_revenue, country, region, attributes)
     SELECT id, name, domain, industry, employees, revenue, country, region, attrs::jsonb
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::float8[], $7::text[], $8::text[], $9::text[])
       AS t(id, name, domain, industry, employees, revenue, country, region, attrs)`,
    [
      col(a, (x) => x.id),
      col(a, (x) => x.name),
      col(a, (x) => x.domain),
      col(a, (x) => x.industry),
      col(a, (x) => x.employees),
      col(a, (x) => x.annualRevenue),
      col(a, (x) => x.country),
      col(a, (x) => x.region),
      col(a, (x) => JSON.stringify(x.attributes)),
    ],
  );
}

async function insertContacts(tx: SqlClient, c: readonly Contact[]): Promise<void> {
  await tx.query(
    `INSERT INTO contacts (id, account_id, email, first_name, last_name, title, seniority, buying_role, phone, email_status, unsubscribed, attributes)
     SELECT id, account_id, email, first_name, last_name, title, seniority, buying_role, phone, email_status, unsub, attrs::jsonb
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bool[], $12::text[])
       AS t(id, account_id, email, first_name, last_name, title, seniority, buying_role, phone, email_status, unsub, attrs)`,
    [
      col(c, (x) => x.id),
      col(c, (x) => x.accountId),
      col(c, (x) => x.email),
      col(c, (x) => x.firstName),
      col(c, (x) => x.lastName),
      col(c, (x) => x.title),
      col(c, (x) => x.seniority),
      col(c, (x) => x.buyingRole),
      col(c, (x) => x.phone),
      col(c, (x) => x.emailStatus),
      col(c, (x) => x.unsubscribed),
      col(c, (x) => JSON.stringify(x.attributes)),
    ],
  );
}

async function insertLeads(tx: SqlClient, l: readonly Lead[]): Promise<void> {
  await tx.query(
    `INSERT INTO leads (id, contact_id, account_id, source, entry_path, owner_id, stage, stage_entered_at, created_at)
     SELECT id, contact_id, account_id, source, entry_path, owner_id, stage, entered::timestamptz, created::timestamptz
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
       AS t(id, contact_id, account_id, source, entry_path, owner_id, stage, entered, created)`,
    [
      col(l, (x) => x.id),
      col(l, (x) => x.contactId),
      col(l, (x) => x.accountId),
      col(l, (x) => x.source),
      col(l, (x) => x.entryPath),
      col(l, (x) => x.ownerId),
      col(l, (x) => x.stage),
      col(l, (x) => x.stageEnteredAt),
      col(l, (x) => x.createdAt),
    ],
  );
}

// Run as a child: `bench/scoring-rescore.ts <load|rescore> <engine> <dataDir|url> <leads> <eventsPerLead>`.
if (process.argv[1]?.endsWith("scoring-rescore.ts")) {
  const [phase, engine, target, leads, perLead] = process.argv.slice(2);
  const args = [engine ?? "pglite", target ?? "", Number(leads), Number(perLead)] as const;
  const result = phase === "load" ? await loadPhase(...args) : await rescorePhase(...args);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

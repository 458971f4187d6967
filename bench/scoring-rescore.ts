// The "rescore" case of bench/scoring.ts: load N demo leads with their events into a database, then
// time a full rescore after a model change — stream leads and events out in keyset pages, recompute
// every score from the ledger, upsert lead_scores in batches — reporting seconds and peak RSS.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Account, Contact, Lead } from "../src/core/records.ts";
import {
  compileModel,
  type MutableScore,
  type PreparedEvent,
  type PreparedLead,
} from "../src/core/scoring/index.ts";
import { DEMO_DEFAULTS, generateLeads, type LeadBundle } from "../src/demo/generate.ts";
import { REFERENCE_MODEL, REFERENCE_MODEL_DOCUMENT } from "../src/demo/reference-model.ts";
import { migrate } from "../src/storage/migrate.ts";
import { type DatabaseConfig, openDatabase } from "../src/storage/open.ts";
import type { Database, SqlClient } from "../src/storage/ports.ts";

type Options = {
  readonly leads: number;
  readonly eventsPerLead: number;
  readonly emit: (o: Record<string, unknown>) => void;
  readonly log: (s: string) => void;
};

const LOAD_BATCH = 2_000;
const PAGE = 5_000;
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
  // Scores only (the explanation is re-derived from the ledger when a lead is read), then again
  // storing every explanation as jsonb, to show what persisting explanations costs.
  for (const phase of ["rescore", "rescore-explained"]) {
    const rescored = child(phase);
    o.emit({ case: "rescore", engine, ...rescored, load_seconds: loaded["load_seconds"] });
  }
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
  explanations: boolean,
): Promise<Record<string, unknown>> {
  const db = await openDatabase(configOf(engine, target));
  const demo = demoOf(leads, eventsPerLead);
  try {
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const t1 = performance.now();
    const scored = await rescore(db, Date.parse(demo.start) + demo.days * 86_400_000, explanations);
    const seconds = (performance.now() - t1) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    return {
      explanations,
      leads: scored.leads,
      events: scored.events,
      seconds: Math.round(seconds * 100) / 100,
      leads_per_s: Math.round(scored.leads / seconds),
      peak_rss_mb: Math.round(peak / 1e6),
      phase_ms: scored.phase_ms,
    };
  } finally {
    await db.close();
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

/**
 * One keyset page: each lead with its contact, account and whole event ledger as ONE json text
 * column (events aggregated in ledger order). Decoding a single text column per lead is what makes
 * PGlite fast here (per-column, per-row decoding dominated the old join + events queries), and on
 * PostgreSQL it replaces two round trips per page with one.
 */
const PAGE_SQL = `SELECT json_build_array(
    l.id, l.contact_id, l.account_id, l.source, l.entry_path, l.owner_id, l.stage, l.stage_entered_at, l.created_at,
    c.email, c.first_name, c.last_name, c.title, c.seniority, c.buying_role, c.phone, c.email_status, c.unsubscribed, c.attributes,
    a.name, a.domain, a.industry, a.employees, a.annual_revenue, a.country, a.region, a.attributes,
    (SELECT json_agg(json_build_array(e.id, e.type, e.occurred_at, e.properties) ORDER BY e.occurred_at, e.id)
       FROM events e WHERE e.lead_id = l.id))::text AS j
  FROM leads l JOIN contacts c ON c.id = l.contact_id LEFT JOIN accounts a ON a.id = l.account_id
  WHERE l.id > $1 ORDER BY l.id LIMIT $2`;

/** The positions of PAGE_SQL's json array. */
type PageRow = [
  id: string,
  contactId: string,
  accountId: string | null,
  source: string | null,
  entryPath: string,
  ownerId: string | null,
  stage: string,
  stageEnteredAt: string,
  createdAt: string,
  email: string | null,
  firstName: string | null,
  lastName: string | null,
  title: string | null,
  seniority: string | null,
  buyingRole: string | null,
  phone: string | null,
  emailStatus: string,
  unsubscribed: boolean | null,
  contactAttributes: Record<string, never> | null,
  name: string | null,
  domain: string | null,
  industry: string | null,
  employees: number | null,
  annualRevenue: number | null,
  country: string | null,
  region: string | null,
  accountAttributes: Record<string, never> | null,
  events: [id: string, type: string, occurredAt: string, properties: Record<string, never> | null][] | null,
];

const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const obj = (v: Record<string, never> | null | undefined) => v ?? {};

type ScoreRow = { id: string; fit: number; eng: number; grade: string; expl: unknown };

/**
 * The timed part: keyset pages of leads with their ledgers (one query per page), scored (with the
 * explanation only when it is stored), upserted into lead_scores with one set-based statement per page.
 */
async function rescore(
  db: Database,
  nowMs: number,
  explanations: boolean,
): Promise<{ leads: number; events: number; phase_ms: Record<string, number> }> {
  const scorer = compileModel(REFERENCE_MODEL);
  const computedAt = new Date(nowMs).toISOString();
  const out: MutableScore = { fit: 0, engagement: 0, total: 0, grade: "D4" };
  let after = "";
  let leads = 0;
  let events = 0;
  const phase = { read: 0, score: 0, write: 0 };
  let t = performance.now();
  const lap = (k: keyof typeof phase) => {
    const now = performance.now();
    phase[k] += now - t;
    t = now;
  };
  // On PostgreSQL the next page is requested as soon as the current one is in, so that the server
  // builds it while this process scores and writes (two pages in memory at most). PGlite runs in
  // this thread, so prefetching there would only hold a second page in memory.
  const prefetch = db.engine === "postgres";
  let next = readPage(db, after);
  for (;;) {
    t = performance.now();
    const page = await next;
    if (page.length === 0) break;
    after = (JSON.parse(page[page.length - 1]!) as PageRow)[0];
    if (prefetch) next = readPage(db, after);
    const prepared = page.map((j) => toPrepared(JSON.parse(j) as PageRow));
    lap("read");
    const rows: ScoreRow[] = [];
    for (const p of prepared) {
      events += p.events.length;
      if (explanations) {
        const score = scorer.scorePrepared(p, nowMs);
        rows.push({
          id: p.lead!.id,
          fit: score.fit,
          eng: score.engagement,
          grade: score.grade,
          expl: score.explanation,
        });
      } else {
        scorer.scoreInto(p, nowMs, out);
        rows.push({ id: p.lead!.id, fit: out.fit, eng: out.engagement, grade: out.grade, expl: null });
      }
    }
    lap("score");
    await writeScores(db, rows, computedAt, explanations);
    lap("write");
    if (!prefetch) next = readPage(db, after);
    leads += prepared.length;
  }
  return {
    leads,
    events,
    phase_ms: Object.fromEntries(Object.entries(phase).map(([k, v]) => [k, Math.round(v)])),
  };
}

/** A page of PAGE_SQL's json texts; JIT is off for it (compiling costs ~45 ms a page and saves nothing here). */
function readPage(db: Database, after: string): Promise<string[]> {
  const read = async (c: SqlClient) =>
    (await c.query<{ j: string }>(PAGE_SQL, [after, PAGE])).rows.map((r) => r.j);
  const page =
    db.engine === "postgres"
      ? db.transaction(async (tx) => {
          await tx.exec("SET LOCAL jit = off");
          return read(tx);
        })
      : read(db);
  page.catch(() => undefined); // awaited by the loop; this only keeps an early failure from being "unhandled"
  return page;
}

function toPrepared(r: PageRow): PreparedLead {
  const email = s(r[9]);
  const at = email ? email.lastIndexOf("@") : -1;
  const accountId = s(r[2]);
  const events: PreparedEvent[] = (r[27] ?? []).map((e) => ({
    id: String(e[0]),
    type: String(e[1]),
    atMs: Date.parse(e[2]),
    properties: obj(e[3]),
  }));
  return {
    account: accountId
      ? {
          id: accountId,
          name: String(r[19]),
          domain: s(r[20]),
          industry: s(r[21]),
          employees: n(r[22]),
          annualRevenue: n(r[23]),
          country: s(r[24]),
          region: s(r[25]),
          attributes: obj(r[26]),
        }
      : null,
    contact: {
      id: String(r[1]),
      accountId,
      email,
      firstName: s(r[10]),
      lastName: s(r[11]),
      title: s(r[12]),
      seniority: s(r[13]) as Contact["seniority"],
      buyingRole: s(r[14]) as Contact["buyingRole"],
      phone: s(r[15]),
      emailStatus: String(r[16]) as Contact["emailStatus"],
      unsubscribed: Boolean(r[17]),
      attributes: obj(r[18]),
    },
    lead: {
      id: String(r[0]),
      contactId: String(r[1]),
      accountId,
      source: s(r[3]),
      entryPath: String(r[4]) as Lead["entryPath"],
      ownerId: s(r[5]),
      stage: String(r[6]) as Lead["stage"],
      stageEnteredAt: new Date(Date.parse(r[7])).toISOString(),
      createdAt: new Date(Date.parse(r[8])).toISOString(),
    },
    emailDomain: email && at >= 0 ? email.slice(at + 1) : null,
    events,
  };
}

const UPSERT = `ON CONFLICT (lead_id) DO UPDATE SET model_id = excluded.model_id, fit = excluded.fit, engagement = excluded.engagement,
  grade = excluded.grade, explanation = excluded.explanation, computed_at = excluded.computed_at`;

/**
 * Upserts a page of scores. Scores only: one statement per page, four typed arrays through
 * unnest() (measured fastest on both engines: ~110 ms per 5,000 on PGlite, ~40 ms on PostgreSQL,
 * against ~240/115 ms for VALUES lists and ~130/50 ms for one json_to_recordset document). With
 * explanations, 1,000-row VALUES lists of jsonb parameters in one transaction stay fastest: a
 * text[] of documents cast to jsonb or a json_to_recordset document are 2-4x slower there.
 */
async function writeScores(
  db: Database,
  rows: readonly ScoreRow[],
  computedAt: string,
  explained: boolean,
): Promise<void> {
  if (!explained) {
    await db.query(
      `INSERT INTO lead_scores (lead_id, model_id, fit, engagement, grade, explanation, computed_at)
       SELECT t.id, $1, t.fit, t.eng, t.grade, NULL, $2::timestamptz
       FROM unnest($3::text[], $4::float8[], $5::float8[], $6::text[]) AS t(id, fit, eng, grade) ${UPSERT}`,
      [
        MODEL_ID,
        computedAt,
        rows.map((r) => r.id),
        rows.map((r) => r.fit),
        rows.map((r) => r.eng),
        rows.map((r) => r.grade),
      ],
    );
    return;
  }
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      const params: unknown[] = [MODEL_ID, computedAt];
      const tuples = chunk.map((r) => {
        const b = params.length;
        params.push(r.id, r.fit, r.eng, r.grade, JSON.stringify(r.expl));
        return `($${b + 1}, $1, $${b + 2}::float8, $${b + 3}::float8, $${b + 4}, $${b + 5}::jsonb, $2::timestamptz)`;
      });
      await tx.query(
        `INSERT INTO lead_scores (lead_id, model_id, fit, engagement, grade, explanation, computed_at) VALUES ${tuples.join(",")} ${UPSERT}`,
        params,
      );
    }
  });
}

// Run as a child: `bench/scoring-rescore.ts <load|rescore|rescore-explained> <engine> <dataDir|url> <leads> <eventsPerLead>`.
if (process.argv[1]?.endsWith("scoring-rescore.ts")) {
  const [phase, engine, target, leads, perLead] = process.argv.slice(2);
  const args = [engine ?? "pglite", target ?? "", Number(leads), Number(perLead)] as const;
  const result =
    phase === "load" ? await loadPhase(...args) : await rescorePhase(...args, phase === "rescore-explained");
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// Streaming every lead with its whole event ledger out of the database, and writing scores back,
// for a full rescore (after a model is published or made the default). Set-based both ways: one
// query per keyset page, one upsert per page; no per-lead round trip.
import type { Contact, Lead } from "../core/records.ts";
import type { PreparedEvent, PreparedLead } from "../core/scoring/prepare.ts";
import type { Engine, SqlClient } from "./ports.ts";

/**
 * Each lead with its contact, account, current score and whole event ledger as ONE json text
 * column. Decoding one text column per lead instead of ~30 columns and ten event rows is what makes
 * PGlite fast, and on PostgreSQL one query per page replaces a join plus an events query. The
 * ledger comes as four parallel arrays (ids, types, times, properties) rather than an array per
 * event: the server builds it in ~30% less time (measured on PostgreSQL, 50,000 events a page). Events
 * come in index order (lead, time) without an ORDER BY in the aggregate (that sort cost a third of
 * the query); the reader checks the order and sorts when needed.
 */
export const ledgerSelect = (events: string, more = "", from = "", scoreOn = "") => `SELECT json_build_array(
    l.id, l.contact_id, l.account_id, l.source, l.entry_path, l.owner_id, l.stage, l.stage_entered_at, l.created_at,
    c.email, c.first_name, c.last_name, c.title, c.seniority, c.buying_role, c.phone, c.email_status, c.unsubscribed, c.attributes,
    a.name, a.domain, a.industry, a.employees, a.annual_revenue, a.country, a.region, a.attributes,
    ${events},
    s.fit, s.engagement, s.model_id${more})::text AS j
  FROM leads l JOIN contacts c ON c.id = l.contact_id LEFT JOIN accounts a ON a.id = l.account_id
  LEFT JOIN lead_scores s ON s.lead_id = l.id${scoreOn}${from}`;
/** The ledger of `l` (all its events) as PageRow's four parallel arrays, given a filter on `e`. */
export const ledgerEvents = (where = "") =>
  `(SELECT json_build_array(array_agg(e.id), array_agg(e.type), array_agg(e.occurred_at), array_agg(e.properties))
       FROM events e WHERE e.lead_id = l.id${where})`;
const LEDGER_SELECT = ledgerSelect(ledgerEvents());

/**
 * A keyset page (full rescore): leads with id in ($1, $2] ($2 null: no upper bound), at most $3.
 * The page's range is repeated in the join to lead_scores: the planner does not carry `l.id > $1`
 * across an outer join, and when a page's range was estimated large (ids are text, so estimates
 * vary from page to page and with each ANALYZE) it merge-joined an index scan of lead_scores from
 * its FIRST row up to the page, so a page in the middle read half the table. At 1,000,000 leads
 * that was 34.8 million lead_scores rows for 200 pages instead of 1 million (docs/scoring.md,
 * "The read phase at 1,000,000 leads"); with the range there, every plan reads only the page's scores.
 */
export const PAGE_SQL = `${ledgerSelect(ledgerEvents(), "", "", " AND s.lead_id > $1 AND ($2::text IS NULL OR s.lead_id <= $2)")}
  WHERE l.id > $1 AND ($2::text IS NULL OR l.id <= $2) ORDER BY l.id LIMIT $3`;

/**
 * An explicit set of leads (live rescore after ingest): ids in $1 (unknown ids are simply absent).
 * One lateral lookup per id (OFFSET 0 keeps it from being flattened) so that every table is probed
 * by primary key whatever the statistics say: with `l.id = ANY($1)` and PGlite's missing
 * statistics (no autovacuum) the planner hashed a full scan of accounts or contacts per call.
 */
const IDS_SQL = `SELECT x.j FROM unnest($1::text[]) AS q(id) CROSS JOIN LATERAL (${LEDGER_SELECT}
  WHERE l.id = q.id OFFSET 0) x`;

type Json = Record<string, never> | null;
/** The positions of PAGE_SQL's json array (ledgerSelect's `more` columns follow). */
export type PageRow = [
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
  contactAttributes: Json,
  name: string | null,
  domain: string | null,
  industry: string | null,
  employees: number | null,
  annualRevenue: number | null,
  country: string | null,
  region: string | null,
  accountAttributes: Json,
  events:
    | [ids: string[] | null, types: string[] | null, occurredAt: string[] | null, properties: Json[] | null]
    | null,
  fit: number | null,
  engagement: number | null,
  modelId: string | null,
];

/** A lead of a page: ready to score, with the score stored before this rescore (null: never scored). */
export type LedgerLead = {
  readonly lead: PreparedLead & { readonly lead: Lead };
  readonly previous: {
    readonly fit: number;
    readonly engagement: number;
    /** The model that made the stored score (null: its model was deleted). */
    readonly modelId: string | null;
  } | null;
};

/**
 * Leads in id order after `after` ("" for the first page) up to `upTo` included (null: no bound), at
 * most `limit`: one json text per lead, for parseLedgerLead. The caller decodes one lead at a time
 * and lets it go: decoding a whole page up front kept every lead's objects alive until the page was
 * written, and on PGlite (engine and heap in one process) that page of objects and its garbage were
 * most of the rescore's peak RSS (docs/scoring.md, "PGlite memory").
 */
export async function readLedgerPage(
  sql: SqlClient,
  engine: Engine,
  after: string,
  upTo: string | null,
  limit: number,
): Promise<string[]> {
  // JIT off on PostgreSQL: compiling this query cost ~45 ms a page and saved nothing.
  const rows = await withoutJit(
    sql,
    engine,
    async (c) => (await c.query<{ j: string }>(PAGE_SQL, [after, upTo, limit])).rows,
  );
  return rows.map((r) => r.j);
}

/**
 * Runs `fn` with PostgreSQL's JIT compilation off (SET LOCAL in a transaction of its own, or of the
 * caller's); PGlite has no JIT and runs `fn` as is. For the full rescore's page statements, whose
 * estimated costs are over jit_above_cost: the JIT work is paid on every page and saves nothing
 * (read: ~45 ms a page; the page write: 45 of 439 ms in EXPLAIN ANALYZE, 5,000 new scores).
 */
export async function withoutJit<T>(
  sql: SqlClient,
  engine: Engine,
  fn: (c: SqlClient) => Promise<T>,
): Promise<T> {
  if (engine !== "postgres") return fn(sql);
  return sql.transaction(async (tx) => {
    await tx.exec("SET LOCAL jit = off");
    return fn(tx);
  });
}

/**
 * The leads of `ids` (duplicates and unknown ids ignored) with their ledgers and stored scores, in
 * ONE query whatever their number: what the live rescore after an event write reads. No JIT
 * setting here (an extra round trip): a lookup by primary key stays far under PostgreSQL's JIT cost.
 */
export async function readLedgerLeads(sql: SqlClient, ids: readonly string[]): Promise<LedgerLead[]> {
  return (await readLedgerTexts(sql, ids)).map(parseLedgerLead);
}

/**
 * What readLedgerLeads reads, left undecoded: one json text per lead, for parseLedgerLead. A caller
 * that decodes and scores big ledgers in slices (the live rescore, yielding to requests between
 * slices) needs the query's result without decoding all of it in one synchronous stretch.
 */
export async function readLedgerTexts(sql: SqlClient, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const r = await sql.query<{ j: string }>(IDS_SQL, [ids]);
  return r.rows.map((row) => row.j);
}

/** One text of readLedgerTexts decoded: the lead ready to score, with its stored score. */
export function parseLedgerLead(text: string): LedgerLead {
  return toLedgerLead(JSON.parse(text) as PageRow);
}

/**
 * Page boundaries for reading pages in parallel: the id of every `pageSize`-th lead in id order.
 * Pages are then (previous boundary, boundary], and the last one everything after the last boundary.
 */
export async function pageBoundaries(sql: SqlClient, pageSize: number): Promise<string[]> {
  const r = await sql.query<{ id: string }>(
    `SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM leads) t WHERE n % $1 = 0 ORDER BY id`,
    [pageSize],
  );
  return r.rows.map((x) => x.id);
}

/**
 * Refreshes the planner's statistics of the tables a rescore reads. PGlite has no autovacuum, so
 * after bulk loads or API ingest its statistics can be empty, and the page query then joins
 * contacts and accounts by scanning them once per lead (measured: 70 s instead of 3 s for 5,000
 * leads of 20,000). Sampling makes this cheap (about a second for millions of rows).
 */
export async function analyzeForRescore(sql: SqlClient): Promise<void> {
  await sql.exec("ANALYZE leads, contacts, accounts, events, lead_scores");
}

export async function countLeads(sql: SqlClient): Promise<number> {
  const r = await sql.query<{ n: string | number }>("SELECT count(*) AS n FROM leads");
  return Number(r.rows[0]?.n ?? 0);
}

const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const obj = (v: Json | undefined) => v ?? {};

export function toLedgerLead(r: PageRow): LedgerLead {
  const email = s(r[9]);
  const at = email ? email.lastIndexOf("@") : -1;
  const accountId = s(r[2]);
  const [ids, types, times, props] = r[27] ?? [null, null, null, null];
  const count = ids?.length ?? 0;
  const events: PreparedEvent[] = new Array(count);
  let sorted = true;
  for (let i = 0; i < count; i++) {
    events[i] = {
      id: String(ids![i]),
      type: String(types![i]),
      atMs: Date.parse(times![i]!),
      properties: obj(props![i]),
    };
    if (i > 0 && events[i - 1]!.atMs > events[i]!.atMs) sorted = false;
  }
  // Ledger order is time order; events of the same instant score the same whatever their order.
  if (!sorted) events.sort((x, y) => x.atMs - y.atMs);
  const lead: Lead = {
    id: String(r[0]),
    contactId: String(r[1]),
    accountId,
    source: s(r[3]),
    entryPath: String(r[4]) as Lead["entryPath"],
    ownerId: s(r[5]),
    stage: String(r[6]) as Lead["stage"],
    stageEnteredAt: new Date(Date.parse(r[7])).toISOString(),
    createdAt: new Date(Date.parse(r[8])).toISOString(),
  };
  return {
    lead: {
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
      lead,
      emailDomain: email && at >= 0 ? email.slice(at + 1).toLowerCase() : null,
      events,
    },
    previous:
      r[28] === null || r[28] === undefined
        ? null
        : { fit: Number(r[28]), engagement: Number(r[29]), modelId: s(r[30]) },
  };
}

/** One new score of a page. `explanation` undefined: store NULL (scores only). */
export type ScoreRow = {
  readonly leadId: string;
  readonly fit: number;
  readonly engagement: number;
  readonly grade: string;
  readonly explanation?: unknown;
};

/** Who and why, for the `score` history entries a page of changed scores appends. */
export type ScoreAudit = { readonly actor: string; readonly reason: string | null };

const SCORE_VIEW = (t: string) =>
  `jsonb_build_object('fit', ${t}.fit, 'engagement', ${t}.engagement, 'grade', ${t}.grade, 'modelId', ${t}.model_id)`;

/**
 * One statement: upsert the page's scores and append a `score` history entry (before/after fit,
 * engagement, grade, model) for every lead whose score was written and differs from the stored one.
 * A score written live (new events) after this one was computed is newer: the upsert keeps it, and
 * no history is written for that lead. All parts of the statement see the scores as they were
 * before it, so `old` is the replaced score. `old` is read by primary key, one probe per input row
 * (the lateral OFFSET 0 keeps it so): a hash join scanned the whole of lead_scores once per page,
 * which made a full rescore quadratic (≈150 ms a page at 100,000 leads, ten times that at 1,000,000).
 */
function upsertWithHistory(input: string): string {
  return `WITH input AS (${input}),
  old AS (SELECT s.* FROM input i CROSS JOIN LATERAL
    (SELECT * FROM lead_scores s WHERE s.lead_id = i.lead_id OFFSET 0) s),
  up AS (
    INSERT INTO lead_scores (lead_id, model_id, fit, engagement, grade, explanation, computed_at)
    SELECT lead_id, model_id, fit, engagement, grade, explanation, computed_at FROM input
    ON CONFLICT (lead_id) DO UPDATE SET model_id = excluded.model_id, fit = excluded.fit,
      engagement = excluded.engagement, grade = excluded.grade, explanation = excluded.explanation,
      computed_at = excluded.computed_at
    WHERE lead_scores.computed_at <= excluded.computed_at
    RETURNING lead_id)
  INSERT INTO lead_history (lead_id, kind, actor, at, reason, before, after)
  SELECT i.lead_id, 'score', $3::text, i.computed_at, $4::text,
         CASE WHEN o.lead_id IS NULL THEN NULL ELSE ${SCORE_VIEW("o")} END, ${SCORE_VIEW("i")}
  FROM input i JOIN up ON up.lead_id = i.lead_id LEFT JOIN old o ON o.lead_id = i.lead_id
  WHERE o.lead_id IS NULL OR o.fit IS DISTINCT FROM i.fit OR o.engagement IS DISTINCT FROM i.engagement
     OR o.grade IS DISTINCT FROM i.grade OR o.model_id IS DISTINCT FROM i.model_id`;
}

/**
 * Upserts a page of scores, with a `score` history entry per changed lead, in one transaction.
 * Scores only: one statement, four typed arrays through unnest() (measured fastest on both
 * engines). With explanations, 1,000-row VALUES lists of jsonb parameters stay fastest: a text[] of
 * documents cast to jsonb or one json_to_recordset document measured 2-4x slower.
 */
export async function writeScorePage(
  sql: SqlClient,
  rows: readonly ScoreRow[],
  modelId: string,
  computedAt: string,
  audit: ScoreAudit = { actor: "scoring", reason: null },
): Promise<void> {
  if (rows.length === 0) return;
  const explained = rows.some((r) => r.explanation !== undefined);
  if (!explained) {
    await sql.query(
      upsertWithHistory(
        `SELECT t.id AS lead_id, $1::text AS model_id, t.fit, t.eng AS engagement, t.grade,
                NULL::jsonb AS explanation, $2::timestamptz AS computed_at
         FROM unnest($5::text[], $6::float8[], $7::float8[], $8::text[]) AS t(id, fit, eng, grade)`,
      ),
      [
        modelId,
        computedAt,
        audit.actor,
        audit.reason,
        rows.map((r) => r.leadId),
        rows.map((r) => r.fit),
        rows.map((r) => r.engagement),
        rows.map((r) => r.grade),
      ],
    );
    return;
  }
  // One chunk is one statement (atomic by itself): no BEGIN/COMMIT round trips.
  const write = async (tx: SqlClient) => {
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      const params: unknown[] = [modelId, computedAt, audit.actor, audit.reason];
      const tuples = chunk.map((r) => {
        const b = params.length;
        params.push(r.leadId, r.fit, r.engagement, r.grade, JSON.stringify(r.explanation ?? null));
        return `($${b + 1}, $1::text, $${b + 2}::float8, $${b + 3}::float8, $${b + 4}, $${b + 5}::jsonb, $2::timestamptz)`;
      });
      await tx.query(
        upsertWithHistory(
          `SELECT * FROM (VALUES ${tuples.join(",")}) AS v(lead_id, model_id, fit, engagement, grade, explanation, computed_at)`,
        ),
        params,
      );
    }
  };
  if (rows.length <= 1000) await write(sql);
  else await sql.transaction(write);
}

import { WinnowError } from "../../core/errors.ts";
import type { Stage } from "../../core/lifecycle/stages.ts";
import {
  type Conversion,
  type FunnelStep,
  INLINE_EVENTS,
  INLINE_HISTORY,
  type InboxItem,
  type LeadDetail,
  MAX_INLINE_EVENTS,
  MAX_INLINE_HISTORY,
  type Page,
  type QueryRepository,
  type SqlClient,
  type SqlRow,
} from "../ports.ts";
import { toAccount } from "./accounts.ts";
import { toActivity } from "./activities.ts";
import { toContact } from "./contacts.ts";
import { toDeal } from "./deals.ts";
import { toEvent } from "./events.ts";
import { toBreach, toHistory } from "./history.ts";
import { listLeads } from "./lead-list.ts";
import { toLead } from "./leads.ts";
import { toScorecard } from "./scorecards.ts";
import { toLeadScore } from "./scoring.ts";
import { json } from "./values.ts";

/** The main path of the funnel, in order (side states are not steps). */
const FUNNEL: readonly Stage[] = ["new", "mql", "sal", "sql", "opportunity", "won"];

/** Prefixed columns (`a__name`) back into a plain row. */
function part(row: SqlRow, prefix: string): SqlRow | null {
  const out: SqlRow = {};
  let any = false;
  for (const [k, v] of Object.entries(row)) {
    if (!k.startsWith(prefix)) continue;
    out[k.slice(prefix.length)] = v;
    if (v !== null) any = true;
  }
  return any ? out : null;
}

const PREFIXED = (alias: string, table: string, columns: readonly string[]) =>
  columns.map((c) => `${alias}.${c} AS ${table}__${c}`).join(", ");
const ACCOUNT_COLS = [
  "id",
  "name",
  "domain",
  "industry",
  "employees",
  "annual_revenue",
  "country",
  "region",
  "attributes",
  "version",
  "updated_at",
];
const CONTACT_COLS = [
  "id",
  "account_id",
  "email",
  "first_name",
  "last_name",
  "title",
  "seniority",
  "buying_role",
  "phone",
  "email_status",
  "unsubscribed",
  "attributes",
  "version",
  "updated_at",
];
const SCORE_COLS = ["lead_id", "model_id", "fit", "engagement", "grade", "explanation", "computed_at"];

/**
 * A lead's detail in ONE statement: `winnow_lead_detail` (migration 0405) builds it as one JSON
 * object (the lead, contact, account, score, latest scorecard, most recent events and history
 * entries with their counts, last 200 activities, deals and SLA breaches; migration 0420); the row mappers read its JSON rows as they
 * read driver rows (timestamps through `iso`, numbers through `Number`). It was one plain statement
 * (and 10 before that); as a function its plan is kept per connection, and the statement calling it
 * is named, so PostgreSQL neither parses nor plans per read. A lead of hundreds of events used to
 * come with its last 200 inline: ~45 KB of JSON built, parsed, mapped, validated and serialised per
 * read (issue 5). The caller checks access on the lead it returns.
 */
const DETAIL_SQL = "SELECT winnow_lead_detail($1, $2, $3) AS detail";

/**
 * A page of a lead's events, newest first (ties by id), after a cursor: one more than the page is
 * read to know whether another follows. The cursor is the last shown event's exact instant (JSON
 * text, microseconds) and id, so the next page is a backward scan of events_lead_time from that
 * instant (`occurred_at <= $t` is the index condition; the tie rule filters the instant itself).
 */
function eventsPageQuery(
  leadId: string,
  since: string | undefined,
  after: { at: string; id: string } | null,
  limit: number,
): { text: string; params: unknown[] } {
  const params: unknown[] = [leadId, limit];
  const where = ["e.lead_id = $1"];
  if (since !== undefined) where.push(`e.occurred_at >= $${params.push(since)}`);
  if (after) {
    const at = `$${params.push(after.at)}::timestamptz`;
    where.push(`e.occurred_at <= ${at} AND (e.occurred_at < ${at} OR e.id > $${params.push(after.id)})`);
  }
  const text = `SELECT e.*, to_json(e.occurred_at) #>> '{}' AS occurred_at_text FROM events e
WHERE ${where.join(" AND ")} ORDER BY e.occurred_at DESC, e.id LIMIT $2::int + 1`;
  return { text, params };
}

/** The position after an event: its exact stored instant (as PostgreSQL writes it in JSON) and id. */
export function encodeEventCursor(occurredAtText: string, id: string): string {
  return Buffer.from(JSON.stringify([occurredAtText, id]), "utf8").toString("base64url");
}

/** The position after a history entry: its exact stored instant and its (numeric) id. */
function encodeHistoryCursor(atText: string, id: number): string {
  return Buffer.from(JSON.stringify([atText, id]), "utf8").toString("base64url");
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:\d{2})?|Z)$/;

/**
 * A cursor back into `[instant, id]`, or WINNOW_ERR_INVALID_CURSOR saying which cursors fit. Event
 * ids are strings and history ids integers, so neither kind of cursor passes for the other.
 */
function decodeCursor<I>(text: string, isId: (v: unknown) => v is I, which: string): { at: string; id: I } {
  try {
    const c = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown;
    if (
      Array.isArray(c) &&
      c.length === 2 &&
      typeof c[0] === "string" &&
      ISO_INSTANT.test(c[0]) &&
      !Number.isNaN(Date.parse(c[0])) &&
      isId(c[1])
    )
      return { at: c[0], id: c[1] };
  } catch {
    // not base64url JSON: refused below
  }
  throw new WinnowError("WINNOW_ERR_INVALID_CURSOR", {
    message: `The cursor is not ${which}; start again without it`,
  });
}

const isEventId = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const isHistoryId = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v > 0;

const decodeEventCursor = (text: string) =>
  decodeCursor(text, isEventId, "an events cursor (`eventsNextCursor` or `nextCursor` of a previous page)");

/**
 * A page of a lead's history, newest first (ties by id, newest first), after a cursor: one more than
 * the page is read to know whether another follows. `(at, id) < (t, id)` is a backward scan of
 * lead_history_lead (lead_id, at, id) from the cursor on; kinds filter the rows it meets.
 */
function historyPageQuery(
  leadId: string,
  kinds: readonly string[] | undefined,
  after: { at: string; id: number } | null,
  limit: number,
): { text: string; params: unknown[] } {
  const params: unknown[] = [leadId, limit];
  const where = ["h.lead_id = $1"];
  if (kinds !== undefined) where.push(`h.kind = ANY($${params.push(kinds)}::text[])`);
  if (after)
    where.push(`(h.at, h.id) < ($${params.push(after.at)}::timestamptz, $${params.push(after.id)}::bigint)`);
  const text = `SELECT h.*, to_json(h.at) #>> '{}' AS at_text FROM lead_history h
WHERE ${where.join(" AND ")} ORDER BY h.at DESC, h.id DESC LIMIT $2::int + 1`;
  return { text, params };
}

/**
 * Rows read one past `limit` (to know whether more follow): the first `limit` of them mapped, and
 * the cursor after the last one shown when more follow (none when nothing is shown).
 */
function pageOf<T>(
  rows: SqlRow[],
  limit: number,
  map: (r: SqlRow) => T,
  cursorAfter: (r: SqlRow) => string,
): Page<T> {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return { items: shown.map(map), nextCursor: more && last ? cursorAfter(last) : null };
}

export function queryRepository(sql: SqlClient): QueryRepository {
  return {
    async leadDetail(id, options = {}) {
      const shown = options.events ?? INLINE_EVENTS;
      if (!Number.isInteger(shown) || shown < 0 || shown > MAX_INLINE_EVENTS)
        throw new RangeError(`events must be an integer from 0 to ${MAX_INLINE_EVENTS}, not ${shown}`);
      const shownHistory = options.history ?? INLINE_HISTORY;
      if (!Number.isInteger(shownHistory) || shownHistory < 0 || shownHistory > MAX_INLINE_HISTORY)
        throw new RangeError(
          `history must be an integer from 0 to ${MAX_INLINE_HISTORY}, not ${shownHistory}`,
        );
      const r = await sql.query(DETAIL_SQL, [id, shown, shownHistory], { name: "winnow_lead_detail" });
      const d = json<Record<string, unknown> | null>(r.rows[0]?.["detail"] ?? null);
      if (!d) return null;
      const list = (v: unknown) => json<SqlRow[] | null>(v ?? null) ?? [];
      const row = (v: unknown) => json<SqlRow | null>(v ?? null);
      const account = row(d["account"]);
      const score = row(d["score"]);
      const scorecard = row(d["scorecard"]);
      // One more than shown comes when more follow the last shown one. The cursors take the exact
      // instants as PostgreSQL wrote them (microseconds), not the millisecond ISO strings.
      const events = pageOf(list(d["events"]), shown, toEvent, (last) =>
        encodeEventCursor(String(last["occurred_at"]), String(last["id"])),
      );
      const history = pageOf(list(d["history"]), shownHistory, toHistory, (last) =>
        encodeHistoryCursor(String(last["at"]), Number(last["id"])),
      );
      const detail: LeadDetail = {
        lead: toLead(row(d["lead"]) as SqlRow),
        contact: toContact(row(d["contact"]) as SqlRow),
        account: account ? toAccount(account) : null,
        score: score ? toLeadScore(score) : null,
        scorecard: scorecard ? toScorecard(scorecard) : null,
        events: events.items,
        eventCount: Number(d["event_count"]),
        eventsNextCursor: events.nextCursor,
        activities: list(d["activities"]).map(toActivity),
        deals: list(d["deals"]).map(toDeal),
        history: history.items,
        historyCount: Number(d["history_count"]),
        historyNextCursor: history.nextCursor,
        slaBreaches: list(d["breaches"]).map(toBreach),
      };
      return detail;
    },

    async leadEvents(leadId, options = {}) {
      const limit = options.limit ?? 100;
      const after = options.cursor ? decodeEventCursor(options.cursor) : null;
      const page = eventsPageQuery(leadId, options.since, after, limit);
      const r = await sql.query(page.text, page.params);
      return pageOf(r.rows, limit, toEvent, (last) =>
        encodeEventCursor(String(last["occurred_at_text"]), String(last["id"])),
      );
    },

    async leadHistory(leadId, options = {}) {
      const limit = options.limit ?? 100;
      const after = options.cursor
        ? decodeCursor(
            options.cursor,
            isHistoryId,
            "a history cursor (`historyNextCursor` or `nextCursor` of a previous page)",
          )
        : null;
      const page = historyPageQuery(leadId, options.kinds, after, limit);
      const r = await sql.query(page.text, page.params);
      return pageOf(r.rows, limit, toHistory, (last) =>
        encodeHistoryCursor(String(last["at_text"]), Number(last["id"])),
      );
    },

    async inbox(ownerId, options = {}) {
      const now = options.now ?? null;
      // Priority: leads whose SLA clock runs come first (soonest due, overdue at the top), then the
      // best scored, then the longest waiting.
      const r = await sql.query(
        `SELECT l.*, ${PREFIXED("c", "contact", CONTACT_COLS)}, ${PREFIXED("a", "account", ACCOUNT_COLS)}, ${PREFIXED("s", "score", SCORE_COLS)},
                CASE WHEN l.sla_due_at IS NULL OR $3::timestamptz IS NULL THEN NULL
                     ELSE extract(epoch FROM (l.sla_due_at - $3::timestamptz))::float8 END AS sla_seconds_left
         FROM leads l JOIN contacts c ON c.id = l.contact_id LEFT JOIN accounts a ON a.id = l.account_id
         LEFT JOIN lead_scores s ON s.lead_id = l.id
         WHERE l.owner_id = $1 AND l.stage IN ('new', 'mql', 'sal', 'sql')
         ORDER BY (l.sla_due_at IS NULL), l.sla_due_at, (coalesce(s.fit, 0) + coalesce(s.engagement, 0)) DESC, l.stage_entered_at, l.id
         LIMIT $2`,
        [ownerId, options.limit ?? 100, now],
      );
      return r.rows.map((row): InboxItem => {
        const account = part(row, "account__");
        const score = part(row, "score__");
        return {
          lead: toLead(row),
          contact: toContact(part(row, "contact__") as SqlRow),
          account: account ? toAccount(account) : null,
          score: score ? toLeadScore(score) : null,
          slaSecondsLeft:
            row["sla_seconds_left"] === null ? null : Math.round(Number(row["sla_seconds_left"])),
        };
      });
    },

    listLeads: (query) => listLeads(sql, query),

    async funnel(period) {
      const entered = await sql.query<{ stage: string; n: number }>(
        `SELECT after->>'stage' AS stage, count(DISTINCT lead_id)::int AS n FROM lead_history
         WHERE kind = 'stage' AND at >= $1 AND at < $2 GROUP BY 1`,
        [period.from, period.to],
      );
      const count = new Map(entered.rows.map((r) => [r.stage, r.n]));
      const steps: FunnelStep[] = FUNNEL.map((stage) => ({ stage, entered: count.get(stage) ?? 0 }));
      // Of the leads that entered `from` in the period, how many reached `to` by the period's end.
      const moved = await sql.query<{ from_stage: string; to_stage: string; n: number }>(
        `WITH steps(from_stage, to_stage) AS (VALUES ('new', 'mql'), ('mql', 'sal'), ('sal', 'sql'), ('sql', 'opportunity'), ('opportunity', 'won'))
         SELECT steps.from_stage, steps.to_stage, count(DISTINCT f.lead_id)::int AS n
         FROM steps JOIN lead_history f ON f.kind = 'stage' AND f.after->>'stage' = steps.from_stage AND f.at >= $1 AND f.at < $2
         WHERE EXISTS (SELECT 1 FROM lead_history t WHERE t.lead_id = f.lead_id AND t.kind = 'stage'
                       AND t.after->>'stage' = steps.to_stage AND t.at >= f.at AND t.at < $2)
         GROUP BY 1, 2`,
        [period.from, period.to],
      );
      const movedCount = new Map(moved.rows.map((r) => [`${r.from_stage}>${r.to_stage}`, r.n]));
      const conversions: Conversion[] = FUNNEL.slice(0, -1).map((from, i) => {
        const to = FUNNEL[i + 1] as Stage;
        const n = movedCount.get(`${from}>${to}`) ?? 0;
        const base = count.get(from) ?? 0;
        return { from, to, count: n, rate: base === 0 ? null : n / base };
      });
      return { period, steps, conversions };
    },

    async timeInStage(period) {
      const r = await sql.query<{ stage: Stage; exits: number; mean_h: number; median_h: number }>(
        `WITH moves AS (
           SELECT lead_id, after->>'stage' AS stage, at, lead(at) OVER (PARTITION BY lead_id ORDER BY at, id) AS left_at
           FROM lead_history WHERE kind = 'stage')
         SELECT stage, count(*)::int AS exits,
                avg(extract(epoch FROM left_at - at) / 3600)::float8 AS mean_h,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - at) / 3600)::float8 AS median_h
         FROM moves WHERE left_at IS NOT NULL AND left_at >= $1 AND left_at < $2
         GROUP BY stage ORDER BY stage`,
        [period.from, period.to],
      );
      return r.rows.map((row) => ({
        stage: row.stage,
        exits: row.exits,
        meanHours: Number(row.mean_h),
        medianHours: Number(row.median_h),
      }));
    },

    async rejectionReasons(period) {
      const r = await sql.query<{ reason: string; n: number }>(
        `SELECT reason, count(*)::int AS n FROM lead_history
         WHERE kind = 'stage' AND after->>'stage' IN ('recycled', 'disqualified', 'lost') AND reason IS NOT NULL AND at >= $1 AND at < $2
         GROUP BY reason ORDER BY n DESC, reason`,
        [period.from, period.to],
      );
      return r.rows.map((row) => ({ reason: row.reason, count: row.n }));
    },
  };
}

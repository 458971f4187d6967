import type { Stage } from "../../core/lifecycle/stages.ts";
import type {
  Conversion,
  FunnelStep,
  InboxItem,
  LeadDetail,
  QueryRepository,
  SqlClient,
  SqlRow,
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
 * A lead's detail in ONE statement: the lead with its contact, account and score joined (as the
 * inbox reads them, driver-typed), and its latest scorecard, last 200 events and activities, deals,
 * history and SLA breaches as JSON subselects. It was 10 statements (one per table, ~2 ms each on
 * PGlite); the row mappers read the JSON rows as they read driver rows (timestamps through `iso`,
 * numbers through `Number`), so the answer is the same. The caller checks access on the lead it returns.
 */
const DETAIL_SQL = `
SELECT l.*, ${PREFIXED("c", "contact", CONTACT_COLS)}, ${PREFIXED("a", "account", ACCOUNT_COLS)}, ${PREFIXED("s", "score", SCORE_COLS)},
  (SELECT row_to_json(x) FROM (SELECT * FROM scorecards WHERE lead_id = l.id ORDER BY version DESC LIMIT 1) x) AS j_scorecard,
  (SELECT json_agg(x ORDER BY x.occurred_at DESC, x.id) FROM
     (SELECT * FROM events WHERE lead_id = l.id ORDER BY occurred_at DESC, id LIMIT 200) x) AS j_events,
  (SELECT json_agg(x ORDER BY x.occurred_at DESC, x.id) FROM
     (SELECT * FROM activities WHERE lead_id = l.id ORDER BY occurred_at DESC, id LIMIT 200) x) AS j_activities,
  (SELECT json_agg(x ORDER BY x.created_at, x.id) FROM deals x WHERE x.lead_id = l.id) AS j_deals,
  (SELECT json_agg(x ORDER BY x.at, x.id) FROM lead_history x WHERE x.lead_id = l.id) AS j_history,
  (SELECT json_agg(x ORDER BY x.detected_at, x.id) FROM sla_breaches x WHERE x.lead_id = l.id) AS j_breaches
FROM leads l JOIN contacts c ON c.id = l.contact_id LEFT JOIN accounts a ON a.id = l.account_id
LEFT JOIN lead_scores s ON s.lead_id = l.id
WHERE l.id = $1`;

export function queryRepository(sql: SqlClient): QueryRepository {
  return {
    async leadDetail(id) {
      const r = await sql.query(DETAIL_SQL, [id]);
      const row = r.rows[0];
      if (!row) return null;
      const account = part(row, "account__");
      const score = part(row, "score__");
      const list = (v: unknown) => json<SqlRow[] | null>(v) ?? [];
      const scorecard = json<SqlRow | null>(row["j_scorecard"] ?? null);
      const detail: LeadDetail = {
        lead: toLead(row),
        contact: toContact(part(row, "contact__") as SqlRow),
        account: account ? toAccount(account) : null,
        score: score ? toLeadScore(score) : null,
        scorecard: scorecard ? toScorecard(scorecard) : null,
        events: list(row["j_events"]).map(toEvent),
        activities: list(row["j_activities"]).map(toActivity),
        deals: list(row["j_deals"]).map(toDeal),
        history: list(row["j_history"]).map(toHistory),
        slaBreaches: list(row["j_breaches"]).map(toBreach),
      };
      return detail;
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

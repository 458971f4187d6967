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

export function queryRepository(sql: SqlClient): QueryRepository {
  return {
    async leadDetail(id) {
      const lead = await sql.query("SELECT * FROM leads WHERE id = $1", [id]);
      const row = lead.rows[0];
      if (!row) return null;
      const contactId = String(row["contact_id"]);
      const accountId = row["account_id"] === null ? null : String(row["account_id"]);
      const [contact, account, score, scorecard, events, activities, deals, history, breaches] =
        await Promise.all([
          sql.query("SELECT * FROM contacts WHERE id = $1", [contactId]),
          sql.query("SELECT * FROM accounts WHERE id = $1", [accountId]),
          sql.query("SELECT * FROM lead_scores WHERE lead_id = $1", [id]),
          sql.query("SELECT * FROM scorecards WHERE lead_id = $1 ORDER BY version DESC LIMIT 1", [id]),
          sql.query("SELECT * FROM events WHERE lead_id = $1 ORDER BY occurred_at DESC, id LIMIT 200", [id]),
          sql.query("SELECT * FROM activities WHERE lead_id = $1 ORDER BY occurred_at DESC, id LIMIT 200", [
            id,
          ]),
          sql.query("SELECT * FROM deals WHERE lead_id = $1 ORDER BY created_at, id", [id]),
          sql.query("SELECT * FROM lead_history WHERE lead_id = $1 ORDER BY at, id", [id]),
          sql.query("SELECT * FROM sla_breaches WHERE lead_id = $1 ORDER BY detected_at, id", [id]),
        ]);
      const detail: LeadDetail = {
        lead: toLead(row),
        contact: toContact(contact.rows[0] as SqlRow),
        account: account.rows[0] ? toAccount(account.rows[0]) : null,
        score: score.rows[0] ? toLeadScore(score.rows[0]) : null,
        scorecard: scorecard.rows[0] ? toScorecard(scorecard.rows[0]) : null,
        events: events.rows.map(toEvent),
        activities: activities.rows.map(toActivity),
        deals: deals.rows.map(toDeal),
        history: history.rows.map(toHistory),
        slaBreaches: breaches.rows.map(toBreach),
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

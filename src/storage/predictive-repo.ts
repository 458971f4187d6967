import type { Id, Instant } from "../core/records.ts";
import type { SqlClient, SqlRow } from "./ports.ts";
import { iso, isoOrNull, json, numOrNull, str, strOrNull } from "./repositories/values.ts";

/**
 * Ports and SQL of predictive scoring (migration 0200): versioned models learned from the
 * workspace's closed deals, the probability each open lead was given, and the facts about leads the
 * app turns into features. Kept apart from ports.ts like the HTTP API's own tables.
 */

export const PREDICTIVE_MODEL_STATUSES = ["active", "retired"] as const;
export type PredictiveModelStatus = (typeof PREDICTIVE_MODEL_STATUSES)[number];

/** A stored model without its (large) model file. */
export type PredictiveModelSummary = {
  readonly id: Id;
  readonly version: number;
  readonly learner: string;
  readonly status: PredictiveModelStatus;
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly trainedAt: Instant;
  readonly trainedBy: string;
};
export type StoredPredictiveModel = PredictiveModelSummary & { readonly model: unknown };

export type PredictiveModelInput = {
  readonly learner: string;
  readonly model: unknown;
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly trainedAt: Instant;
  readonly trainedBy: string;
};

export type LeadPrediction = {
  readonly leadId: Id;
  readonly modelId: Id;
  readonly probability: number;
  readonly reasons: readonly unknown[];
  readonly computedAt: Instant;
};

/**
 * What is known about a lead at its cutoff: when its deal opened (`dealCreatedAt`) for a lead with
 * a closed deal, when it left the funnel for one closed by its stage (so that nothing after the
 * decision leaks into training), `now` for an open one.
 */
export type LeadFacts = {
  readonly leadId: Id;
  readonly stage: string;
  readonly createdAt: Instant;
  readonly source: string | null;
  readonly entryPath: string;
  readonly seniority: string | null;
  readonly buyingRole: string | null;
  readonly industry: string | null;
  readonly employees: number | null;
  readonly annualRevenue: number | null;
  readonly country: string | null;
  readonly region: string | null;
  /** Won, or lost (a lost deal, else the stage lost, disqualified or recycled); null while open. */
  readonly outcome: "won" | "lost" | null;
  readonly dealAmount: number | null;
  readonly dealCreatedAt: Instant | null;
  /** The deal's (expected or actual) close date. */
  readonly dealCloseDate: Instant | null;
  readonly closedAt: Instant | null;
  readonly cutoff: Instant;
  /** Behaviour events before the cutoff, by type. */
  readonly eventCounts: Readonly<Record<string, number>>;
  readonly eventsLast14Days: number;
  readonly lastEventAt: Instant | null;
  readonly activities: number;
  readonly connected: number;
  readonly meetings: number;
};

/**
 * `closed-deals`: leads whose deal (or stage) is won or lost. `closed-leads`: every lead whose fate
 * is known — won, or lost, disqualified or recycled (label 0). `open`: neither, and not recycled.
 */
export type LeadFactsScope = "closed-deals" | "closed-leads" | "open";

export interface PredictiveRepository {
  /** Stores a new model as the active one (the previous active model is retired), version = last + 1. */
  saveModel(input: PredictiveModelInput): Promise<StoredPredictiveModel>;
  getModel(id: Id): Promise<StoredPredictiveModel | null>;
  activeModel(): Promise<StoredPredictiveModel | null>;
  /** Newest first, without model files. */
  listModels(limit?: number): Promise<PredictiveModelSummary[]>;
  /** Writes (or rewrites) predictions of one model; one statement per call. */
  putPredictions(rows: readonly LeadPrediction[]): Promise<number>;
  prediction(leadId: Id, modelId: Id): Promise<LeadPrediction | null>;
  /** Predictions of a model, highest probability first. */
  listPredictions(modelId: Id, limit?: number): Promise<LeadPrediction[]>;
  /** Every prediction (of any model) made for these leads, oldest first. */
  predictionsForLeads(leadIds: readonly Id[]): Promise<LeadPrediction[]>;
  /** Facts of the leads in `scope`, in id order (all of them, or those in `leadIds`). */
  leadFacts(scope: LeadFactsScope, now: Instant, leadIds?: readonly Id[]): Promise<LeadFacts[]>;
}

const SUMMARY_COLUMNS = "id, version, learner, status, metrics, trained_at, trained_by";

const toSummary = (r: SqlRow): PredictiveModelSummary => ({
  id: str(r["id"]),
  version: Number(r["version"]),
  learner: str(r["learner"]),
  status: str(r["status"]) as PredictiveModelStatus,
  metrics: json<Record<string, unknown>>(r["metrics"]),
  trainedAt: iso(r["trained_at"]),
  trainedBy: str(r["trained_by"]),
});

const toModel = (r: SqlRow): StoredPredictiveModel => ({ ...toSummary(r), model: json(r["model"]) });

const toPrediction = (r: SqlRow): LeadPrediction => ({
  leadId: str(r["lead_id"]),
  modelId: str(r["model_id"]),
  probability: Number(r["probability"]),
  reasons: json<unknown[]>(r["reasons"]),
  computedAt: iso(r["computed_at"]),
});

const toFacts = (r: SqlRow): LeadFacts => ({
  leadId: str(r["id"]),
  stage: str(r["stage"]),
  createdAt: iso(r["created_at"]),
  source: strOrNull(r["source"]),
  entryPath: str(r["entry_path"]),
  seniority: strOrNull(r["seniority"]),
  buyingRole: strOrNull(r["buying_role"]),
  industry: strOrNull(r["industry"]),
  employees: numOrNull(r["employees"]),
  annualRevenue: numOrNull(r["annual_revenue"]),
  country: strOrNull(r["country"]),
  region: strOrNull(r["region"]),
  outcome: strOrNull(r["outcome"]) as LeadFacts["outcome"],
  dealAmount: numOrNull(r["deal_amount"]),
  dealCreatedAt: isoOrNull(r["deal_created_at"]),
  dealCloseDate: isoOrNull(r["close_date"]),
  closedAt: isoOrNull(r["closed_at"]),
  cutoff: iso(r["cutoff"]),
  eventCounts: json<Record<string, number> | null>(r["event_counts"]) ?? {},
  eventsLast14Days: Number(r["events_14d"] ?? 0),
  lastEventAt: isoOrNull(r["last_event_at"]),
  activities: Number(r["activities"] ?? 0),
  connected: Number(r["connected"] ?? 0),
  meetings: Number(r["meetings"] ?? 0),
});

// The lead's deal: a closed one first (the latest), else the latest open one.
const FACTS_SQL = `
WITH base AS (
  SELECT l.id, l.stage, l.created_at, l.source, l.entry_path, l.stage_entered_at,
         c.seniority, c.buying_role, a.industry, a.employees, a.annual_revenue, a.country, a.region,
         d.status AS deal_status, d.amount AS deal_amount, d.created_at AS deal_created_at, d.close_date
  FROM leads l
  JOIN contacts c ON c.id = l.contact_id
  LEFT JOIN accounts a ON a.id = l.account_id
  LEFT JOIN LATERAL (
    SELECT status, amount, created_at, close_date FROM deals
    WHERE lead_id = l.id
    ORDER BY (status <> 'open') DESC, coalesce(close_date, created_at) DESC, id
    LIMIT 1
  ) d ON true
  WHERE ($3::text[] IS NULL OR l.id = ANY($3::text[]))
), scoped AS (
  SELECT base.*,
    CASE WHEN deal_status IN ('won', 'lost') THEN deal_status
         WHEN stage = 'won' THEN 'won'
         WHEN stage IN ('lost', 'disqualified', 'recycled') THEN 'lost' END AS outcome,
    CASE WHEN deal_status IN ('won', 'lost') THEN coalesce(close_date, deal_created_at)
         WHEN stage IN ('won', 'lost', 'disqualified', 'recycled') THEN stage_entered_at END AS closed_at,
    CASE WHEN deal_status IN ('won', 'lost') THEN deal_created_at
         WHEN stage IN ('won', 'lost', 'disqualified', 'recycled') THEN stage_entered_at
         ELSE $2::timestamptz END AS cutoff
  FROM base
)
SELECT s.*, ev.event_counts, ev.events_14d, ev.last_event_at, act.activities, act.connected, act.meetings
FROM scoped s
LEFT JOIN LATERAL (
  SELECT (SELECT jsonb_object_agg(type, n) FROM (
            SELECT type, count(*)::int AS n FROM events
            WHERE lead_id = s.id AND occurred_at <= s.cutoff GROUP BY type) t) AS event_counts,
         (SELECT count(*)::int FROM events
            WHERE lead_id = s.id AND occurred_at <= s.cutoff AND occurred_at > s.cutoff - interval '14 days') AS events_14d,
         (SELECT max(occurred_at) FROM events WHERE lead_id = s.id AND occurred_at <= s.cutoff) AS last_event_at
) ev ON true
LEFT JOIN LATERAL (
  SELECT count(*)::int AS activities,
         count(*) FILTER (WHERE outcome IN ('connected', 'replied'))::int AS connected,
         count(*) FILTER (WHERE type = 'meeting')::int AS meetings
  FROM activities WHERE lead_id = s.id AND occurred_at <= s.cutoff
) act ON true
WHERE CASE $1
  WHEN 'closed-leads' THEN s.outcome IS NOT NULL
  WHEN 'closed-deals' THEN s.deal_status IN ('won', 'lost') OR s.stage IN ('won', 'lost')
  ELSE s.outcome IS NULL AND s.stage NOT IN ('won', 'lost', 'disqualified', 'recycled') END
ORDER BY s.id`;

/** Predictive models, lead predictions and lead facts against the SQL client. */
export function sqlPredictiveRepository(sql: SqlClient): PredictiveRepository {
  return {
    saveModel(input) {
      return sql.transaction(async (tx) => {
        await tx.query("LOCK TABLE predictive_models IN SHARE ROW EXCLUSIVE MODE");
        await tx.query("UPDATE predictive_models SET status = 'retired' WHERE status = 'active'");
        const { rows } = await tx.query(
          `INSERT INTO predictive_models (version, learner, status, model, metrics, trained_at, trained_by)
           VALUES (coalesce((SELECT max(version) FROM predictive_models), 0) + 1, $1, 'active', $2::jsonb, $3::jsonb, $4, $5)
           RETURNING *`,
          [
            input.learner,
            JSON.stringify(input.model),
            JSON.stringify(input.metrics),
            input.trainedAt,
            input.trainedBy,
          ],
        );
        return toModel(rows[0] as SqlRow);
      });
    },
    async getModel(id) {
      const { rows } = await sql.query("SELECT * FROM predictive_models WHERE id = $1", [id]);
      return rows[0] ? toModel(rows[0]) : null;
    },
    async activeModel() {
      const { rows } = await sql.query("SELECT * FROM predictive_models WHERE status = 'active'");
      return rows[0] ? toModel(rows[0]) : null;
    },
    async listModels(limit = 50) {
      const { rows } = await sql.query(
        `SELECT ${SUMMARY_COLUMNS} FROM predictive_models ORDER BY version DESC LIMIT $1`,
        [limit],
      );
      return rows.map(toSummary);
    },
    async putPredictions(rows) {
      if (rows.length === 0) return 0;
      const payload = rows.map((r) => ({
        lead_id: r.leadId,
        model_id: r.modelId,
        probability: r.probability,
        reasons: r.reasons,
        computed_at: r.computedAt,
      }));
      const result = await sql.query(
        `INSERT INTO lead_predictions (lead_id, model_id, probability, reasons, computed_at)
         SELECT lead_id, model_id, probability, reasons, computed_at
         FROM jsonb_to_recordset($1::jsonb)
           AS t(lead_id text, model_id text, probability float8, reasons jsonb, computed_at timestamptz)
         ON CONFLICT (lead_id, model_id) DO UPDATE
           SET probability = EXCLUDED.probability, reasons = EXCLUDED.reasons, computed_at = EXCLUDED.computed_at`,
        [JSON.stringify(payload)],
      );
      return result.rowCount;
    },
    async prediction(leadId, modelId) {
      const { rows } = await sql.query(
        "SELECT * FROM lead_predictions WHERE lead_id = $1 AND model_id = $2",
        [leadId, modelId],
      );
      return rows[0] ? toPrediction(rows[0]) : null;
    },
    async listPredictions(modelId, limit = 100_000) {
      const { rows } = await sql.query(
        "SELECT * FROM lead_predictions WHERE model_id = $1 ORDER BY probability DESC, lead_id LIMIT $2",
        [modelId, limit],
      );
      return rows.map(toPrediction);
    },
    async predictionsForLeads(leadIds) {
      if (leadIds.length === 0) return [];
      const { rows } = await sql.query(
        "SELECT * FROM lead_predictions WHERE lead_id = ANY($1::text[]) ORDER BY computed_at, lead_id",
        [[...leadIds]],
      );
      return rows.map(toPrediction);
    },
    async leadFacts(scope, now, leadIds) {
      const { rows } = await sql.query(FACTS_SQL, [scope, now, leadIds ? [...leadIds] : null]);
      return rows.map(toFacts);
    },
  };
}

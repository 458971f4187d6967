// Re-judging stored scorecard verdicts after a settings change (ICP, custom frameworks), set-based:
// one query per keyset page of leads (latest scorecard with the account and contact facts the
// verdict reads) and one statement per page writing the changed verdicts with their history.
// Jobs share rescore_jobs with full rescores (kind 'verdicts', migration 0340).

import { type JobLiveness, processLiveness } from "./job-liveness.ts";
import type { SqlClient, SqlRow } from "./ports.ts";
import { iso, isoOrNull, json, numOrNull, str, strOrNull } from "./repositories/values.ts";
import { rescoreJobRepository } from "./rescore-jobs.ts";

/** The latest scorecard of a lead and the facts a verdict reads. */
export type VerdictPageRow = {
  readonly leadId: string;
  readonly version: number;
  readonly framework: string;
  readonly evidence: Record<string, unknown>;
  readonly verdictOutcome: string | null;
  readonly account: {
    readonly name: string;
    readonly domain: string | null;
    readonly industry: string | null;
    readonly employees: number | null;
    readonly annualRevenue: number | null;
    readonly country: string | null;
    readonly region: string | null;
  } | null;
  readonly contact: {
    readonly name: string | null;
    readonly title: string | null;
    readonly seniority: string | null;
    readonly buyingRole: string | null;
  };
};

const PAGE_SQL = `SELECT s.lead_id, s.version, s.framework, s.evidence, s.verdict_outcome,
    a.id AS account_id, a.name AS account_name, a.domain, a.industry, a.employees, a.annual_revenue, a.country, a.region,
    c.first_name, c.last_name, c.title, c.seniority, c.buying_role
  FROM (SELECT DISTINCT ON (lead_id) lead_id, version, framework, evidence, verdict_outcome
        FROM scorecards WHERE lead_id > $1 ORDER BY lead_id, version DESC LIMIT $2) s
  JOIN leads l ON l.id = s.lead_id
  JOIN contacts c ON c.id = l.contact_id
  LEFT JOIN accounts a ON a.id = l.account_id
  ORDER BY s.lead_id`;

/** Leads with a scorecard whose id is after `after` (keyset), at most `limit`, in id order. */
export async function readVerdictPage(
  sql: SqlClient,
  after: string,
  limit: number,
): Promise<VerdictPageRow[]> {
  const { rows } = await sql.query(PAGE_SQL, [after, limit]);
  return rows.map((r) => ({
    leadId: str(r["lead_id"]),
    version: Number(r["version"]),
    framework: str(r["framework"]),
    evidence: json<Record<string, unknown>>(r["evidence"]),
    verdictOutcome: strOrNull(r["verdict_outcome"]),
    account:
      r["account_id"] === null || r["account_id"] === undefined
        ? null
        : {
            name: str(r["account_name"]),
            domain: strOrNull(r["domain"]),
            industry: strOrNull(r["industry"]),
            employees: numOrNull(r["employees"]),
            annualRevenue: numOrNull(r["annual_revenue"]),
            country: strOrNull(r["country"]),
            region: strOrNull(r["region"]),
          },
    contact: {
      name: [r["first_name"], r["last_name"]].filter(Boolean).join(" ") || null,
      title: strOrNull(r["title"]),
      seniority: strOrNull(r["seniority"]),
      buyingRole: strOrNull(r["buying_role"]),
    },
  }));
}

/** Leads that have at least one scorecard (the job's total). */
export async function countScorecardLeads(sql: SqlClient): Promise<number> {
  const { rows } = await sql.query("SELECT count(DISTINCT lead_id)::int AS n FROM scorecards");
  return Number(rows[0]?.["n"] ?? 0);
}

/** A changed verdict: the scorecard version it was judged from, the outcome before and after. */
export type VerdictChangeRow = {
  readonly leadId: string;
  readonly version: number;
  readonly beforeOutcome: string | null;
  readonly outcome: string | null;
  readonly verdict: unknown;
};

// For each change: the next scorecard version (same framework and evidence, the new verdict) —
// only when the version judged is still the latest (a save meanwhile wins; UNIQUE (lead_id, version)
// settles a race) — and, for each version written, an 'evidence' history entry shaped like a save's.
const WRITE_SQL = `WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb)
      AS x(lead_id text, version int, before_outcome text, outcome text, verdict jsonb)
  ), ins AS (
    INSERT INTO scorecards (lead_id, version, framework, evidence, verdict_outcome, verdict, created_by, created_at)
    SELECT s.lead_id, s.version + 1, s.framework, s.evidence, i.outcome, i.verdict, $2, $3
      FROM input i JOIN scorecards s ON s.lead_id = i.lead_id AND s.version = i.version
      WHERE NOT EXISTS (SELECT 1 FROM scorecards n WHERE n.lead_id = i.lead_id AND n.version > i.version)
    ON CONFLICT (lead_id, version) DO NOTHING
    RETURNING lead_id, version
  )
  INSERT INTO lead_history (lead_id, kind, actor, at, reason, before, after)
  SELECT ins.lead_id, 'evidence', $2, $3, $4,
      jsonb_build_object('version', ins.version - 1, 'verdict', i.before_outcome, 'evidence', '{}'::jsonb),
      jsonb_build_object('version', ins.version, 'verdict', i.outcome, 'evidence', '{}'::jsonb)
    FROM ins JOIN input i ON i.lead_id = ins.lead_id
  RETURNING lead_id`;

/** Writes a page of changed verdicts in one statement; returns how many leads were changed. */
export async function writeVerdictPage(
  sql: SqlClient,
  changes: readonly VerdictChangeRow[],
  actor: string,
  at: string,
  reason: string,
): Promise<number> {
  if (changes.length === 0) return 0;
  const rows = changes.map((c) => ({
    lead_id: c.leadId,
    version: c.version,
    before_outcome: c.beforeOutcome,
    outcome: c.outcome,
    verdict: c.verdict,
  }));
  const r = await sql.query(WRITE_SQL, [JSON.stringify(rows), actor, at, reason]);
  return r.rowCount;
}

/** A re-judge of stored verdicts after a settings save, and how far it got. */
export type VerdictJob = {
  readonly id: string;
  readonly section: string;
  readonly settingsVersion: number;
  readonly state: "running" | "done" | "failed";
  readonly processed: number;
  readonly total: number;
  /** Leads whose stored verdict changed so far (stored in rescore_jobs.crossings). */
  readonly changed: number;
  readonly error: string | null;
  readonly createdBy: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
};

const toVerdictJob = (r: SqlRow): VerdictJob => ({
  id: str(r["id"]),
  section: str(r["settings_section"]),
  settingsVersion: Number(r["settings_version"]),
  state: str(r["state"]) as VerdictJob["state"],
  processed: Number(r["processed"]),
  total: Number(r["total"]),
  changed: Number(r["crossings"]),
  error: strOrNull(r["error"]),
  createdBy: str(r["created_by"]),
  startedAt: iso(r["started_at"]),
  finishedAt: isoOrNull(r["finished_at"]),
});

/**
 * Verdict jobs in rescore_jobs: progress, heartbeats and the sweep of abandoned jobs are the rescore
 * repository's.
 */
export function verdictJobRepository(sql: SqlClient, liveness: JobLiveness = processLiveness) {
  const shared = rescoreJobRepository(sql, liveness);
  return {
    async create(j: {
      id: string;
      section: string;
      settingsVersion: number;
      total: number;
      createdBy: string;
      startedAt: string;
    }): Promise<VerdictJob> {
      const r = await sql.query(
        `INSERT INTO rescore_jobs (id, kind, settings_section, settings_version, state, total, created_by, started_at)
         VALUES ($1, 'verdicts', $2, $3, 'running', $4, $5, $6) RETURNING *`,
        [j.id, j.section, j.settingsVersion, j.total, j.createdBy, j.startedAt],
      );
      shared.hold(j.id);
      return toVerdictJob(r.rows[0] as SqlRow);
    },
    progress: shared.progress,
    async finish(
      id: string,
      state: "done" | "failed",
      at: string,
      error: string | null,
    ): Promise<VerdictJob> {
      shared.release(id);
      const r = await sql.query(
        "UPDATE rescore_jobs SET state = $2, finished_at = $3, error = $4 WHERE id = $1 AND kind = 'verdicts' RETURNING *",
        [id, state, at, error],
      );
      return toVerdictJob(r.rows[0] as SqlRow);
    },
    failAbandoned: shared.failAbandoned,
    async get(id: string): Promise<VerdictJob | null> {
      await shared.sweep();
      const r = await sql.query("SELECT * FROM rescore_jobs WHERE id = $1 AND kind = 'verdicts'", [id]);
      return r.rows[0] ? toVerdictJob(r.rows[0]) : null;
    },
    async latest(): Promise<VerdictJob | null> {
      await shared.sweep();
      const r = await sql.query(
        "SELECT * FROM rescore_jobs WHERE kind = 'verdicts' ORDER BY started_at DESC, settings_version DESC, id DESC LIMIT 1",
      );
      return r.rows[0] ? toVerdictJob(r.rows[0]) : null;
    },
  };
}
export type VerdictJobRepository = ReturnType<typeof verdictJobRepository>;

import { isWinnowError, WinnowError } from "../../core/errors.ts";
import type { ScorecardRepository, SqlClient, SqlRow, StoredScorecard, VerdictOutcome } from "../ports.ts";
import { iso, json, jsonParam, str, strOrNull } from "./values.ts";

export function toScorecard(r: SqlRow): StoredScorecard {
  return {
    id: str(r["id"]),
    leadId: str(r["lead_id"]),
    version: Number(r["version"]),
    framework: str(r["framework"]),
    evidence: json<Record<string, unknown>>(r["evidence"]),
    verdictOutcome: strOrNull(r["verdict_outcome"]) as VerdictOutcome | null,
    verdict: json(r["verdict"] ?? null),
    createdBy: str(r["created_by"]),
    createdAt: iso(r["created_at"]),
  };
}

// Inserts version expected+1 only when expected is still the latest; two writers racing on the
// same version collide on UNIQUE (lead_id, version).
const SAVE = `
INSERT INTO scorecards (lead_id, version, framework, evidence, verdict_outcome, verdict, created_by, created_at)
SELECT $1, $2::int + 1, $3, $4::jsonb, $5, $6::jsonb, $7, $8
WHERE coalesce((SELECT max(version) FROM scorecards WHERE lead_id = $1), 0) = $2::int
RETURNING *`;

export function scorecardRepository(sql: SqlClient): ScorecardRepository {
  const stale = (leadId: string, expectedVersion: number, cause?: unknown) =>
    new WinnowError("WINNOW_ERR_STALE_WRITE", {
      message: `The scorecard of lead ${leadId} has moved past version ${expectedVersion}; reload and retry`,
      details: { leadId, expectedVersion },
      cause,
    });
  return {
    async save(leadId, expectedVersion, input) {
      let rows: SqlRow[];
      try {
        const r = await sql.query(SAVE, [
          leadId,
          expectedVersion,
          input.framework,
          JSON.stringify(input.evidence),
          input.verdictOutcome,
          jsonParam(input.verdict ?? null),
          input.createdBy,
          input.createdAt,
        ]);
        rows = r.rows;
      } catch (error) {
        if (isWinnowError(error) && error.code === "WINNOW_ERR_DUPLICATE")
          throw stale(leadId, expectedVersion, error);
        if (isWinnowError(error) && error.code === "WINNOW_ERR_REFERENCE_NOT_FOUND") {
          throw new WinnowError("WINNOW_ERR_LEAD_NOT_FOUND", {
            message: `Lead ${leadId} does not exist`,
            cause: error,
          });
        }
        throw error;
      }
      const row = rows[0];
      if (row) return toScorecard(row);
      const lead = await sql.query("SELECT 1 FROM leads WHERE id = $1", [leadId]);
      if (lead.rows.length === 0)
        throw new WinnowError("WINNOW_ERR_LEAD_NOT_FOUND", { message: `Lead ${leadId} does not exist` });
      throw stale(leadId, expectedVersion);
    },
    async latest(leadId) {
      const r = await sql.query("SELECT * FROM scorecards WHERE lead_id = $1 ORDER BY version DESC LIMIT 1", [
        leadId,
      ]);
      return r.rows[0] ? toScorecard(r.rows[0]) : null;
    },
    async get(leadId, version) {
      const r = await sql.query("SELECT * FROM scorecards WHERE lead_id = $1 AND version = $2", [
        leadId,
        version,
      ]);
      return r.rows[0] ? toScorecard(r.rows[0]) : null;
    },
    async listVersions(leadId) {
      const r = await sql.query("SELECT * FROM scorecards WHERE lead_id = $1 ORDER BY version", [leadId]);
      return r.rows.map(toScorecard);
    },
  };
}

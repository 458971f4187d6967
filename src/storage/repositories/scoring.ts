import { WinnowError } from "../../core/errors.ts";
import type {
  LeadScore,
  LeadScoreRepository,
  ScoringModelRepository,
  ScoringModelStatus,
  SqlClient,
  SqlRow,
  StoredScoringModel,
} from "../ports.ts";
import { iso, isoOrNull, json, jsonParam, str, strOrNull } from "./values.ts";

export function toScoringModel(r: SqlRow): StoredScoringModel {
  return {
    id: str(r["id"]),
    name: str(r["name"]),
    version: Number(r["version"]),
    status: str(r["status"]) as ScoringModelStatus,
    isDefault: Boolean(r["is_default"]),
    document: json(r["document"]),
    createdBy: str(r["created_by"]),
    createdAt: iso(r["created_at"]),
    publishedBy: strOrNull(r["published_by"]),
    publishedAt: isoOrNull(r["published_at"]),
  };
}

export function toLeadScore(r: SqlRow): LeadScore {
  return {
    leadId: str(r["lead_id"]),
    modelId: strOrNull(r["model_id"]),
    fit: Number(r["fit"]),
    engagement: Number(r["engagement"]),
    grade: strOrNull(r["grade"]),
    explanation: json(r["explanation"] ?? null),
    computedAt: iso(r["computed_at"]),
  };
}

export function scoringModelRepository(sql: SqlClient): ScoringModelRepository {
  const notFound = (id: string) =>
    new WinnowError("WINNOW_ERR_SCORING_MODEL_NOT_FOUND", { message: `Scoring model ${id} does not exist` });
  const get = async (id: string) => {
    const r = await sql.query("SELECT * FROM scoring_models WHERE id = $1", [id]);
    return r.rows[0] ? toScoringModel(r.rows[0]) : null;
  };
  return {
    async createDraft(m) {
      const r = await sql.query(
        `INSERT INTO scoring_models (id, name, version, document, created_by, created_at)
         VALUES (coalesce($1, gen_random_uuid()::text), $2, coalesce((SELECT max(version) FROM scoring_models WHERE name = $2), 0) + 1, $3::jsonb, $4, $5)
         RETURNING *`,
        [m.id ?? null, m.name, JSON.stringify(m.document), m.createdBy, m.createdAt],
      );
      return toScoringModel(r.rows[0] as SqlRow);
    },
    get,
    async getDefault() {
      const r = await sql.query("SELECT * FROM scoring_models WHERE is_default");
      return r.rows[0] ? toScoringModel(r.rows[0]) : null;
    },
    async list(name) {
      const r = await sql.query(
        "SELECT * FROM scoring_models WHERE ($1::text IS NULL OR name = $1) ORDER BY name, version",
        [name ?? null],
      );
      return r.rows.map(toScoringModel);
    },
    async publish(id, by, at) {
      await sql.query(
        "UPDATE scoring_models SET status = 'published', published_by = $2, published_at = $3 WHERE id = $1 AND status = 'draft'",
        [id, by, at],
      );
      const model = await get(id);
      if (!model) throw notFound(id);
      return model;
    },
    async setDefault(id) {
      return sql.transaction(async (tx) => {
        const found = await tx.query<{ status: string }>(
          "SELECT status FROM scoring_models WHERE id = $1 FOR UPDATE",
          [id],
        );
        const row = found.rows[0];
        if (!row) throw notFound(id);
        if (row.status !== "published") {
          throw new WinnowError("WINNOW_ERR_CONSTRAINT", {
            message: `Scoring model ${id} is a draft; publish it before making it the default`,
          });
        }
        await tx.query("UPDATE scoring_models SET is_default = false WHERE is_default AND id <> $1", [id]);
        const r = await tx.query("UPDATE scoring_models SET is_default = true WHERE id = $1 RETURNING *", [
          id,
        ]);
        return toScoringModel(r.rows[0] as SqlRow);
      });
    },
  };
}

export function leadScoreRepository(sql: SqlClient): LeadScoreRepository {
  return {
    async put(s) {
      return sql.transaction(async (tx) => {
        const prev = await tx.query("SELECT * FROM lead_scores WHERE lead_id = $1 FOR UPDATE", [s.leadId]);
        await tx.query(
          `INSERT INTO lead_scores (lead_id, model_id, fit, engagement, grade, explanation, computed_at)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
           ON CONFLICT (lead_id) DO UPDATE SET model_id = excluded.model_id, fit = excluded.fit, engagement = excluded.engagement,
             grade = excluded.grade, explanation = excluded.explanation, computed_at = excluded.computed_at`,
          [s.leadId, s.modelId, s.fit, s.engagement, s.grade, jsonParam(s.explanation), s.computedAt],
        );
        return prev.rows[0] ? toLeadScore(prev.rows[0]) : null;
      });
    },
    async get(leadId) {
      const r = await sql.query("SELECT * FROM lead_scores WHERE lead_id = $1", [leadId]);
      return r.rows[0] ? toLeadScore(r.rows[0]) : null;
    },
  };
}

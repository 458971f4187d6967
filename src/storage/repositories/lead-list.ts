import { WinnowError } from "../../core/errors.ts";

import type { LeadListItem, LeadListQuery, LeadSortField, Page, SqlClient } from "../ports.ts";
import { toLead } from "./leads.ts";
import { escapeLike, numOrNull, strOrNull } from "./values.ts";

const SORTS = {
  createdAt: { expr: "l.created_at", type: "timestamptz" },
  stageEnteredAt: { expr: "l.stage_entered_at", type: "timestamptz" },
  fit: { expr: "coalesce(s.fit, -1)", type: "float8" },
  engagement: { expr: "coalesce(s.engagement, -1)", type: "float8" },
  priority: { expr: "(coalesce(s.fit, 0) + coalesce(s.engagement, 0))", type: "float8" },
  probability: { expr: "coalesce(lp.probability, -1)", type: "float8" },
} as const satisfies Record<LeadSortField, { expr: string; type: string }>;

type Cursor = {
  readonly s: LeadSortField;
  readonly d: "asc" | "desc";
  readonly v: string | number;
  readonly id: string;
};

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

function decodeCursor(text: string, sort: LeadSortField, direction: "asc" | "desc"): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Cursor;
    if (
      c.s === sort &&
      c.d === direction &&
      typeof c.id === "string" &&
      (typeof c.v === "string" || typeof c.v === "number")
    )
      return c;
  } catch {
    // fall through to the error below
  }
  throw new WinnowError("WINNOW_ERR_INVALID_CURSOR", {
    message: "The cursor does not belong to this sort order; start again without it",
  });
}

/** Keyset pagination over leads with filters and a stable sort (ties broken by id). */
export async function listLeads(sql: SqlClient, q: LeadListQuery): Promise<Page<LeadListItem>> {
  const sort = q.sort ?? "createdAt";
  const direction = q.direction ?? "desc";
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
  const { expr, type } = SORTS[sort];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (q.stages && q.stages.length > 0)
    // `= ANY(ARRAY(...))` is a filter the planner applies in the scan; `IN (SELECT ...)` became a
    // semi-join after the sort, which sorted every lead (on disk at 100,000 leads).
    where.push(
      `l.stage = ANY(ARRAY(SELECT jsonb_array_elements_text(${p(JSON.stringify(q.stages))}::jsonb)))`,
    );
  if (q.grades && q.grades.length > 0) {
    const grades = p(JSON.stringify(q.grades));
    where.push(
      `(s.grade IN (SELECT jsonb_array_elements_text(${grades}::jsonb)) OR left(s.grade, 1) IN (SELECT jsonb_array_elements_text(${grades}::jsonb)))`,
    );
  }
  if (q.ownerId !== undefined)
    where.push(q.ownerId === null ? "l.owner_id IS NULL" : `l.owner_id = ${p(q.ownerId)}`);
  if (q.source) where.push(`l.source = ${p(q.source)}`);
  if (q.entryPath) where.push(`l.entry_path = ${p(q.entryPath)}`);
  if (q.accountId) where.push(`l.account_id = ${p(q.accountId)}`);
  if (q.createdFrom) where.push(`l.created_at >= ${p(q.createdFrom)}::timestamptz`);
  if (q.createdTo) where.push(`l.created_at < ${p(q.createdTo)}::timestamptz`);
  if (q.search) {
    const like = p(`%${escapeLike(q.search)}%`);
    where.push(
      `(c.email ILIKE ${like} OR concat_ws(' ', c.first_name, c.last_name) ILIKE ${like} OR a.name ILIKE ${like})`,
    );
  }
  if (q.cursor) {
    const c = decodeCursor(q.cursor, sort, direction);
    where.push(`(${expr}, l.id) ${direction === "asc" ? ">" : "<"} (${p(c.v)}::${type}, ${p(c.id)})`);
  }
  const dir = direction === "asc" ? "ASC" : "DESC";
  // Two steps: rank narrow rows (ids and the sort value, joining only what the filters and the sort
  // read) and keep one page, then fetch the page's details. Sorting whole joined rows cost a
  // full sort of wide tuples per request at 100,000 leads.
  const needsPeople = q.search !== undefined && q.search !== "";
  const needsPrediction = sort === "probability";
  const r = await sql.query(
    `WITH page AS (
       SELECT l.id, ${expr} AS sort_value
       FROM leads l LEFT JOIN lead_scores s ON s.lead_id = l.id
       ${needsPeople ? "JOIN contacts c ON c.id = l.contact_id LEFT JOIN accounts a ON a.id = l.account_id" : ""}
       ${
         needsPrediction
           ? `LEFT JOIN predictive_models pm ON pm.status = 'active'
              LEFT JOIN lead_predictions lp ON lp.lead_id = l.id AND lp.model_id = pm.id`
           : ""
       }
       ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY ${expr} ${dir}, l.id ${dir} LIMIT ${p(limit + 1)}
     )
     SELECT l.*, c.email, nullif(concat_ws(' ', c.first_name, c.last_name), '') AS full_name, a.name AS company,
            s.fit, s.engagement, s.grade, lp.probability, page.sort_value
     FROM page JOIN leads l ON l.id = page.id JOIN contacts c ON c.id = l.contact_id
     LEFT JOIN accounts a ON a.id = l.account_id
     LEFT JOIN lead_scores s ON s.lead_id = l.id
     LEFT JOIN predictive_models pm ON pm.status = 'active'
     LEFT JOIN lead_predictions lp ON lp.lead_id = l.id AND lp.model_id = pm.id
     ORDER BY page.sort_value ${dir}, l.id ${dir}`,
    params,
  );
  const rows = r.rows.slice(0, limit);
  const items = rows.map(
    (row): LeadListItem => ({
      lead: toLead(row),
      email: strOrNull(row["email"]),
      name: strOrNull(row["full_name"]),
      company: strOrNull(row["company"]),
      fit: numOrNull(row["fit"]),
      engagement: numOrNull(row["engagement"]),
      grade: strOrNull(row["grade"]),
      probability: numOrNull(row["probability"]),
    }),
  );
  const last = rows[rows.length - 1];
  const more = r.rows.length > limit && last;
  const v = last?.["sort_value"];
  const nextCursor = more
    ? encodeCursor({
        s: sort,
        d: direction,
        v: v instanceof Date ? v.toISOString() : (v as number),
        id: String(last["id"]),
      })
    : null;
  return { items, nextCursor };
}

import { z } from "zod";
import type { Issue } from "../errors.ts";
import { BUYING_ROLES, SENIORITIES } from "../records.ts";
import { err, ok, type Result } from "../result.ts";
import { ELEMENT_IDS, ELEMENT_INFO, type ElementId, EVIDENCE_SOURCES, EVIDENCE_STATES } from "./elements.ts";
import type { EvidenceRecord, Scorecard } from "./evidence.ts";
import { issuesFromZod } from "./zod-issues.ts";

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: "must be an ISO date-time (2026-03-02T10:00:00Z) or date (2026-03-02)",
});

/** One evidence record as written in a scorecard file; `element` may be left out (the key says it). */
export const evidenceRecordSchema = z.strictObject({
  element: z.enum(ELEMENT_IDS).optional(),
  state: z.enum(EVIDENCE_STATES),
  quote: z.string().nullable().optional(),
  source: z.enum(EVIDENCE_SOURCES),
  recordedBy: z.string().min(1, "must not be empty"),
  recordedAt: instant,
  note: z.string().optional(),
  qualifier: z.string().min(1).optional(),
  date: z.iso.date({ error: "must be a date, YYYY-MM-DD" }).optional(),
});

const nullableString = z.string().nullable().optional();

/** The scorecard file format (see docs/qualification.md). */
export const scorecardSchema = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().optional(),
  title: z.string().optional(),
  framework: z.string().min(1).optional(),
  account: z
    .strictObject({
      name: nullableString,
      domain: nullableString,
      industry: nullableString,
      employees: z.number().int().nonnegative().nullable().optional(),
      annualRevenue: z.number().nonnegative().nullable().optional(),
      country: nullableString,
      region: nullableString,
    })
    .optional(),
  contact: z
    .strictObject({
      name: nullableString,
      title: nullableString,
      seniority: z.enum(SENIORITIES).nullable().optional(),
      buyingRole: z.enum(BUYING_ROLES).nullable().optional(),
    })
    .optional(),
  evidence: z.partialRecord(z.enum(ELEMENT_IDS), evidenceRecordSchema),
});

const unknownKeyHint = (path: string): string =>
  path === "evidence" ? `unknown element (expected one of: ${ELEMENT_IDS.join(", ")})` : "unknown field";

/**
 * Validates a parsed scorecard (from a file, a request body...) into a Scorecard, or lists every
 * problem with its JSON path (`evidence.budget.state`).
 *
 * @example
 * const r = parseScorecard(JSON.parse(text));
 * if (!r.ok) console.error(r.error.map((i) => `${i.path}: ${i.message}`));
 */
export function parseScorecard(json: unknown): Result<Scorecard, Issue[]> {
  const parsed = scorecardSchema.safeParse(json);
  if (!parsed.success) return err(issuesFromZod(parsed.error, { unknownKey: unknownKeyHint }));
  const issues: Issue[] = [];
  const evidence: Partial<Record<ElementId, EvidenceRecord>> = {};
  for (const element of ELEMENT_IDS) {
    const raw = parsed.data.evidence[element];
    if (!raw) continue;
    const path = `evidence.${element}`;
    if (raw.element !== undefined && raw.element !== element) {
      issues.push({
        path: `${path}.element`,
        message: `says "${raw.element}" but the record is filed under "${element}"`,
      });
    }
    const allowed: readonly string[] = ELEMENT_INFO[element].qualifiers;
    if (raw.qualifier !== undefined && !allowed.includes(raw.qualifier)) {
      issues.push({
        path: `${path}.qualifier`,
        message:
          allowed.length === 0
            ? `${element} takes no qualifier`
            : `must be one of ${allowed.map((q) => `"${q}"`).join(", ")} for ${element}`,
      });
    }
    if (raw.date !== undefined && element !== "timeline") {
      issues.push({ path: `${path}.date`, message: "only timeline records carry a date" });
    }
    evidence[element] = {
      element,
      state: raw.state,
      quote: raw.quote ?? null,
      source: raw.source,
      recordedBy: raw.recordedBy,
      recordedAt: raw.recordedAt,
      ...(raw.note === undefined ? {} : { note: raw.note }),
      ...(raw.qualifier === undefined ? {} : { qualifier: raw.qualifier }),
      ...(raw.date === undefined ? {} : { date: raw.date }),
    };
  }
  if (issues.length > 0) return err(issues);
  const { account, contact, id, title, framework } = parsed.data;
  return ok({
    ...(id === undefined ? {} : { id }),
    ...(title === undefined ? {} : { title }),
    ...(framework === undefined ? {} : { framework }),
    ...(account === undefined ? {} : { account }),
    ...(contact === undefined ? {} : { contact }),
    evidence,
  });
}

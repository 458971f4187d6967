import type { Criterion } from "../frameworks/types.ts";
import type { ElementId, Level } from "./elements.ts";
import type { EvidenceRecord, Scorecard } from "./evidence.ts";

/** Where a criterion stands: met, still unknown (a gap), not now (deferred), or failed. */
export const CRITERION_STATUSES = ["met", "unknown", "deferred", "failed"] as const;
export type CriterionStatus = (typeof CRITERION_STATUSES)[number];

/** How one element reads under one criterion. `code` is e.g. `need_want`, `budget_unverified`. */
export type ElementFinding = {
  readonly element: ElementId;
  readonly status: CriterionStatus;
  /** Met, but only on the buyer's word. */
  readonly claimedOnly: boolean;
  readonly code: string;
  readonly detail: string;
  readonly evidence: EvidenceRecord | null;
};

/** A criterion (or a level gate) judged against a scorecard. */
export type CriterionResult = {
  readonly criterion: string;
  readonly name: string;
  readonly level: Level;
  readonly required: boolean;
  /** True for the framework-independent level gates (ICP, persona, the contact's knowledge...). */
  readonly gate: boolean;
  readonly elements: readonly ElementId[];
  readonly status: CriterionStatus;
  readonly claimedOnly: boolean;
  readonly code: string;
  readonly message: string;
  readonly findings: readonly ElementFinding[];
};

const DAY_MS = 86_400_000;

const QUALIFIER_TEXT: Readonly<Record<string, string>> = {
  need_want: "a wish, not a business pain: no problem or cost behind it",
  need_financial: "financial pain",
  need_support: "support pain",
  need_productivity: "productivity pain",
  budget_allocated: "a budget is allocated",
  budget_capacity: "no budget is allocated (they could pay, but nothing is set aside)",
  prioritization_low: "a low priority for them right now",
};

/** Appends the buyer's words to a detail. */
export function withQuote(detail: string, record: EvidenceRecord | null): string {
  return record?.quote ? `${detail} ("${record.quote}")` : detail;
}

function finding(
  element: ElementId,
  status: CriterionStatus,
  code: string,
  detail: string,
  evidence: EvidenceRecord | null,
  claimedOnly = false,
): ElementFinding {
  return { element, status, code, detail: withQuote(detail, evidence), evidence, claimedOnly };
}

/** Reads one element under a criterion's rule. `now` anchors the timeline horizon. */
export function evaluateElement(
  criterion: Criterion,
  record: EvidenceRecord | undefined,
  element: ElementId,
  now: string | undefined,
): ElementFinding {
  if (!record || record.state === "unknown")
    return finding(element, "unknown", `${element}_unknown`, "not known yet", record ?? null);
  if (record.state === "failed") return finding(element, "failed", `${element}_failed`, "ruled out", record);
  const rule = criterion.rule;
  const qualifierOutcome = record.qualifier ? rule.qualifiers?.[element]?.[record.qualifier] : undefined;
  const qualifierCode = `${element}_${record.qualifier}`;
  if (qualifierOutcome === "failed" || qualifierOutcome === "deferred") {
    return finding(
      element,
      qualifierOutcome,
      qualifierCode,
      QUALIFIER_TEXT[qualifierCode] ?? `${record.qualifier} does not satisfy ${criterion.name}`,
      record,
    );
  }
  if (element === "timeline" && rule.horizonDays !== undefined && record.date) {
    const from = Date.parse(now ?? record.recordedAt);
    const days = Math.round((Date.parse(record.date) - from) / DAY_MS);
    if (days > rule.horizonDays) {
      return finding(
        element,
        "deferred",
        "timeline_beyond_horizon",
        `target date ${record.date} is ${days} days out, beyond the ${rule.horizonDays}-day horizon`,
        record,
      );
    }
  }
  if (rule.minState === "verified" && record.state === "claimed") {
    return finding(
      element,
      "unknown",
      `${element}_unverified`,
      "claimed by the buyer, not yet verified",
      record,
    );
  }
  const qualifierText = record.qualifier ? QUALIFIER_TEXT[qualifierCode] : undefined;
  const detail = qualifierText ? `${record.state}; ${qualifierText}` : record.state;
  return finding(element, "met", `${element}_met`, detail, record, record.state === "claimed");
}

function combine(mode: "all" | "any", statuses: readonly CriterionStatus[]): CriterionStatus {
  const has = (s: CriterionStatus) => statuses.includes(s);
  if (mode === "any") {
    if (has("met")) return "met";
    if (has("unknown")) return "unknown";
    return has("deferred") ? "deferred" : "failed";
  }
  if (has("failed")) return "failed";
  if (has("deferred")) return "deferred";
  return has("unknown") ? "unknown" : "met";
}

/**
 * Judges one criterion against a scorecard.
 *
 * @example
 * evaluateCriterion(FRAMEWORKS.meddic.criteria[4], card, "2026-03-01T00:00:00Z").status; // "failed" for a mere wish
 */
export function evaluateCriterion(criterion: Criterion, scorecard: Scorecard, now?: string): CriterionResult {
  const findings = criterion.elements.map((el) =>
    evaluateElement(criterion, scorecard.evidence[el], el, now),
  );
  const status = combine(
    criterion.rule.combine,
    findings.map((f) => f.status),
  );
  const decisive = findings.find((f) => f.status === status) ?? findings[0];
  const met = findings.filter((f) => f.status === "met");
  return {
    criterion: criterion.id,
    name: criterion.name,
    level: criterion.level,
    required: criterion.required,
    gate: false,
    elements: criterion.elements,
    status,
    claimedOnly: status === "met" && met.every((f) => f.claimedOnly),
    code: decisive?.code ?? `${criterion.id}_unknown`,
    message: `${criterion.name}: ${decisive?.detail ?? "not known yet"}`,
    findings,
  };
}

import { WinnowError } from "../errors.ts";
import { getFramework } from "../frameworks/registry.ts";
import type { Framework } from "../frameworks/types.ts";
import { LEVELS, type Level } from "./elements.ts";
import type { CriterionResult } from "./evaluate-criterion.ts";
import type { EvidenceRecord, Scorecard } from "./evidence.ts";
import { explainVerdict } from "./explain.ts";
import { judge, type Outcome } from "./judge.ts";
import { type NextQuestion, type NextQuestionsOptions, questionsForGaps } from "./next-questions.ts";

/** One reason behind a verdict: a criterion that failed, said "not now", or is a required gap. */
export type VerdictReason = {
  readonly level: Level;
  readonly criterion: string;
  readonly name: string;
  readonly kind: "failed" | "deferred" | "unknown";
  readonly code: string;
  readonly message: string;
  readonly evidence: readonly EvidenceRecord[];
};

/** What is known and what is still missing at one level. */
export type LevelCoverage = {
  /** `unchecked` when nothing applies at this level (e.g. no ICP given and no fit evidence). */
  readonly status: "pass" | "fail" | "not-now" | "open" | "unchecked";
  readonly total: number;
  readonly known: number;
  readonly unknown: number;
  readonly requiredUnknown: number;
  /** Ids of the required criteria still unknown. */
  readonly missing: readonly string[];
};

export type Verdict = {
  readonly framework: { readonly id: string; readonly name: string };
  readonly outcome: Outcome;
  readonly failedLevel: Level | null;
  readonly reasons: readonly VerdictReason[];
  /** Framework criteria met, out of all of them (level gates not counted): BANT 4/4 reads "near-perfect". */
  readonly score: { readonly met: number; readonly total: number; readonly claimedOnly: number };
  readonly coverage: Readonly<Record<Level, LevelCoverage>>;
  readonly criteria: readonly CriterionResult[];
  readonly explanation: string;
  readonly nextQuestions: readonly NextQuestion[];
};

export type QualifyOptions = NextQuestionsOptions & {
  /** How many next questions to include (default 5). */
  readonly questions?: number;
};

/**
 * A framework object as given, or a built-in one by id; throws WINNOW_ERR_FRAMEWORK_NOT_FOUND.
 *
 * @example
 * resolveFramework("MEDDIC").id; // "meddic"
 */
export function resolveFramework(frameworkOrId: Framework | string): Framework {
  if (typeof frameworkOrId !== "string") return frameworkOrId;
  const found = getFramework(frameworkOrId);
  if (!found) {
    throw new WinnowError("WINNOW_ERR_FRAMEWORK_NOT_FOUND", {
      message: `There is no framework "${frameworkOrId}" (built in: bant, meddic, meddpicc, champ, anum, faint, gpctba-ci)`,
    });
  }
  return found;
}

function coverageOf(level: Level, criteria: readonly CriterionResult[]): LevelCoverage {
  const here = criteria.filter((c) => c.level === level);
  const unknown = here.filter((c) => c.status === "unknown");
  const missing = unknown.filter((c) => c.required).map((c) => c.criterion);
  let status: LevelCoverage["status"] =
    here.length === 0 ? "unchecked" : missing.length > 0 ? "open" : "pass";
  if (here.some((c) => c.status === "failed")) status = "fail";
  else if (here.some((c) => c.status === "deferred")) status = "not-now";
  return {
    status,
    total: here.length,
    known: here.length - unknown.length,
    unknown: unknown.length,
    requiredUnknown: missing.length,
    missing,
  };
}

/**
 * Qualifies a scorecard through a framework: levels in order, a reason (with the evidence) for
 * every "no", coverage per level, a plain-language explanation and the next questions. Pure and
 * deterministic; unknown is never failed.
 *
 * @example
 * const v = qualify(card, "meddic", { now: "2026-03-01T00:00:00Z" });
 * v.outcome;      // "disqualify"
 * v.failedLevel;  // "opportunity"
 * v.explanation;  // "Disqualify under MEDDIC at the opportunity level: Identify pain: a wish, not a business pain ..."
 */
export function qualify(
  scorecard: Scorecard,
  frameworkOrId: Framework | string,
  options: QualifyOptions = {},
): Verdict {
  const framework = resolveFramework(frameworkOrId);
  const judgement = judge(scorecard, framework, options);
  const { outcome, failedLevel, criteria } = judgement;
  const ordered = LEVELS.flatMap((level) => criteria.filter((c) => c.level === level));
  const reasons: VerdictReason[] = ordered
    .filter(
      (c) =>
        c.status === "failed" ||
        c.status === "deferred" ||
        (outcome === "keep-qualifying" && c.required && c.status === "unknown"),
    )
    .map((c) => ({
      level: c.level,
      criterion: c.criterion,
      name: c.name,
      kind: c.status === "met" ? "unknown" : c.status,
      code: c.code,
      message: c.message,
      evidence: c.findings.flatMap((f) => (f.evidence ? [f.evidence] : [])),
    }));
  const own = criteria.filter((c) => !c.gate);
  const score = {
    met: own.filter((c) => c.status === "met").length,
    total: own.length,
    claimedOnly: own.filter((c) => c.status === "met" && c.claimedOnly).length,
  };
  const coverage = {
    organization: coverageOf("organization", criteria),
    opportunity: coverageOf("opportunity", criteria),
    stakeholder: coverageOf("stakeholder", criteria),
  };
  const nextQuestions = questionsForGaps(judgement, scorecard, framework, options.questions ?? 5, options);
  const explanation = explainVerdict({ framework, outcome, failedLevel, reasons, score, coverage });
  return {
    framework: { id: framework.id, name: framework.name },
    outcome,
    failedLevel,
    reasons,
    score,
    coverage,
    criteria,
    explanation,
    nextQuestions,
  };
}

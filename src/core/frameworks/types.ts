import type { ElementId, Level } from "../qualification/elements.ts";

/** What a known record's qualifier means to one criterion (see ELEMENT_INFO qualifiers). */
export const QUALIFIER_OUTCOMES = ["met", "failed", "deferred"] as const;
export type QualifierOutcome = (typeof QUALIFIER_OUTCOMES)[number];

/**
 * How a criterion is satisfied by the evidence of the elements it reads.
 * - `combine`: `all` elements must be met, or `any` one of them is enough.
 * - `minState`: a buyer's claim is enough, or only verified evidence counts (a claim is then a gap).
 * - `qualifiers`: per element, what each qualifier means here; a qualifier not listed counts as met,
 *   and so does a record without one.
 * - `horizonDays`: for timeline, a target date later than now + horizon is "not now" (deferred).
 */
export type CriterionRule = {
  readonly combine: "all" | "any";
  readonly minState: "claimed" | "verified";
  readonly qualifiers?: Readonly<Partial<Record<ElementId, Readonly<Record<string, QualifierOutcome>>>>>;
  readonly horizonDays?: number;
};

/**
 * One criterion of a framework: which elements it reads, at which level it gates, whether a
 * verdict needs it, and how it is satisfied.
 */
export type Criterion = {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly elements: readonly ElementId[];
  readonly level: Level;
  readonly required: boolean;
  readonly rule: CriterionRule;
  /** How it is satisfied, in plain words (shown by `winnow frameworks`). */
  readonly satisfiedWhen: string;
  /** Question focus tags this criterion prefers (e.g. FAINT funds asks about `capacity`). */
  readonly questionFocus?: readonly string[];
};

/** A qualification framework: a named rubric of criteria over the shared evidence elements. */
export type Framework = {
  readonly id: string;
  readonly name: string;
  readonly summary: string;
  readonly bestFor: string;
  readonly caveats: string;
  readonly custom: boolean;
  readonly criteria: readonly Criterion[];
};

export const BUILTIN_FRAMEWORK_IDS = [
  "bant",
  "meddic",
  "meddpicc",
  "champ",
  "anum",
  "faint",
  "gpctba-ci",
] as const;
export type BuiltinFrameworkId = (typeof BUILTIN_FRAMEWORK_IDS)[number];

/** Fills a criterion's rule defaults (claimed is enough, all elements) so the tables stay short. */
export function criterion(
  input: Omit<Criterion, "rule"> & { readonly rule?: Partial<CriterionRule> },
): Criterion {
  return { ...input, rule: { combine: "all", minState: "claimed", ...input.rule } };
}

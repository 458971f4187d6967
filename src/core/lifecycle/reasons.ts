/**
 * Why sales rejects an MQL (it then goes back to marketing, recycled): nobody answered within the
 * SLA, the data was wrong, budget/authority/need/timing is missing, or the need does not match.
 */
export const REJECTION_REASONS = ["unreachable", "inaccurate_data", "no_bant", "no_fit"] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** Scorecard verdict outcomes, as plain strings (the qualification engine produces them). */
export const VERDICT_OUTCOMES = ["advance", "nurture", "disqualify-contact", "disqualify"] as const;
export type VerdictOutcome = (typeof VERDICT_OUTCOMES)[number];

/** When a recycled lead may come back: not before `after`, and only with a score of at least `minScore`. */
export type ReEntry = {
  readonly after: string | null;
  readonly minScore: number | null;
  readonly note: string | null;
};

import type { ScoringModel } from "./model-schema.ts";

export const FIT_LETTERS = ["A", "B", "C", "D"] as const;
export type FitLetter = (typeof FIT_LETTERS)[number];
export const ENGAGEMENT_BANDS = [1, 2, 3, 4] as const;
export type EngagementBand = (typeof ENGAGEMENT_BANDS)[number];
/** Fit letter × engagement band: `A1` (best fit, most engaged) to `D4`. */
export type Grade = `${FitLetter}${EngagementBand}`;

/**
 * The fit letter: A when fit ≥ grades.fit.A, B when ≥ B, C when ≥ C, else D.
 *
 * @example
 * fitLetter(model.grades, 45); // "B" with the default bounds (A 60, B 40, C 20)
 */
export function fitLetter(grades: ScoringModel["grades"], fit: number): FitLetter {
  return fit >= grades.fit.A ? "A" : fit >= grades.fit.B ? "B" : fit >= grades.fit.C ? "C" : "D";
}

/** The engagement band: 1 when engagement ≥ grades.engagement["1"], 2, 3, else 4. */
export function engagementBand(grades: ScoringModel["grades"], engagement: number): EngagementBand {
  const g = grades.engagement;
  return engagement >= g["1"] ? 1 : engagement >= g["2"] ? 2 : engagement >= g["3"] ? 3 : 4;
}

/** The combined grade, e.g. `B2`. */
export function gradeOf(grades: ScoringModel["grades"], fit: number, engagement: number): Grade {
  return `${fitLetter(grades, fit)}${engagementBand(grades, engagement)}`;
}

import type { Framework } from "../frameworks/types.ts";
import { LEVELS, type Level } from "./elements.ts";
import { type CriterionResult, evaluateCriterion } from "./evaluate-criterion.ts";
import type { Scorecard } from "./evidence.ts";
import { levelGates } from "./gates.ts";
import type { IcpProfile } from "./icp.ts";

/**
 * What to do with the prospect. `keep-qualifying` means nothing rules it out yet but required
 * evidence is still unknown: unknown is not failed, and the verdict says what to ask next.
 */
export const OUTCOMES = [
  "advance",
  "keep-qualifying",
  "nurture",
  "disqualify-contact",
  "disqualify",
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export type JudgeOptions = {
  readonly icp?: IcpProfile;
  /** Anchors time-based rules (the timeline horizon); without it, each record's own date is used. */
  readonly now?: string;
};

export type Judgement = {
  readonly outcome: Outcome;
  /** The first level that ruled the prospect out or said "not now"; null otherwise. */
  readonly failedLevel: Level | null;
  /** Framework criteria first (in the framework's order), then the level gates; each knows its level. */
  readonly criteria: readonly CriterionResult[];
};

/**
 * Evaluates the levels in order — organization, opportunity, stakeholder — and stops at the first
 * one with a failure (disqualify; at the stakeholder level only the contact is disqualified) or a
 * "not now" (nurture). Advances only when every required criterion of every level is met.
 *
 * @example
 * judge(card, FRAMEWORKS.bant, { now: "2026-03-02" }).outcome; // "keep-qualifying" for an empty card
 */
export function judge(scorecard: Scorecard, framework: Framework, options: JudgeOptions = {}): Judgement {
  const criteria = [
    ...framework.criteria.map((c) => evaluateCriterion(c, scorecard, options.now)),
    ...levelGates(scorecard, framework, options.icp),
  ];
  for (const level of LEVELS) {
    const here = criteria.filter((c) => c.level === level);
    if (here.some((c) => c.status === "failed")) {
      return {
        outcome: level === "stakeholder" ? "disqualify-contact" : "disqualify",
        failedLevel: level,
        criteria,
      };
    }
    if (here.some((c) => c.status === "deferred"))
      return { outcome: "nurture", failedLevel: level, criteria };
  }
  const gaps = criteria.some((c) => c.required && c.status === "unknown");
  return { outcome: gaps ? "keep-qualifying" : "advance", failedLevel: null, criteria };
}

import type { Stage } from "./stages.ts";

/** What a move demands besides being in the table: a reason, and which reasons count. */
export type MoveRule = {
  /** `rejection`: one of the rejection reasons (built-in or custom); `any`: any non-empty text. */
  readonly reason: "none" | "optional" | "rejection" | "any";
};

/**
 * The transition table: for each stage, the stages a lead may move to and the rule of that move.
 * Side states: `recycled` (back to marketing, nurture) and `disqualified` (never deleted: it may be
 * recycled later, the intern of today may be the buyer of tomorrow). Entry from `new` straight to a
 * higher stage is governed by the entry path (see LifecycleConfig.entryStages).
 *
 * @example
 * TRANSITIONS.mql.sal; // { reason: "none" } — an MQL may be accepted
 * TRANSITIONS.mql.sql; // undefined — it must be accepted (SAL) first
 */
export const TRANSITIONS = {
  new: {
    mql: { reason: "none" },
    sal: { reason: "none" },
    sql: { reason: "none" },
    disqualified: { reason: "any" },
  },
  mql: { sal: { reason: "none" }, recycled: { reason: "rejection" }, disqualified: { reason: "rejection" } },
  sal: { sql: { reason: "none" }, recycled: { reason: "rejection" }, disqualified: { reason: "any" } },
  sql: { opportunity: { reason: "none" }, recycled: { reason: "any" }, disqualified: { reason: "any" } },
  opportunity: { won: { reason: "optional" }, lost: { reason: "any" } },
  won: {},
  lost: { recycled: { reason: "optional" } },
  recycled: { mql: { reason: "none" }, disqualified: { reason: "any" } },
  disqualified: { recycled: { reason: "any" } },
} as const satisfies Record<Stage, Partial<Record<Stage, MoveRule>>>;

/** The rule for `from -> to`, or undefined when the table has no such move. */
export function moveRule(from: Stage, to: Stage): MoveRule | undefined {
  return (TRANSITIONS[from] as Partial<Record<Stage, MoveRule>>)[to];
}

/** The stages a lead in `from` may move to (before guards). */
export function nextStages(from: Stage): Stage[] {
  return Object.keys(TRANSITIONS[from]) as Stage[];
}

import type { Instant } from "../records.ts";
import { addWorkingHours } from "./calendar.ts";
import type { LifecycleConfig } from "./config.ts";
import { REJECTION_REASONS, type ReEntry } from "./reasons.ts";
import { type AttemptLike, unreachableAttempts } from "./sla.ts";
import type { EntryPath, Stage } from "./stages.ts";
import { moveRule } from "./transitions.ts";

/** What the lifecycle needs to know about a lead. */
export type LifecycleLead = {
  readonly stage: Stage;
  readonly entryPath: EntryPath;
  readonly stageEnteredAt: Instant;
  readonly reEntry?: ReEntry | null;
};

/** A request to move a lead, with the facts its guards read. */
export type MoveRequest = {
  readonly to: Stage;
  readonly reason?: string | null;
  /** Outcome of the lead's latest scorecard verdict: "advance" | "nurture" | "disqualify-contact" | "disqualify". */
  readonly verdict?: string | null;
  /** Contact attempts made so far (read when the reason is `unreachable`). */
  readonly attempts?: readonly AttemptLike[];
  /** Current score (fit + engagement), read by re-entry criteria. */
  readonly score?: number | null;
  /** Overrides the default re-entry criteria when recycling. */
  readonly reEntry?: Partial<ReEntry>;
};

export type LifecycleErrorCode =
  | "WINNOW_ERR_TRANSITION_NOT_ALLOWED"
  | "WINNOW_ERR_REASON_REQUIRED"
  | "WINNOW_ERR_REASON_UNKNOWN"
  | "WINNOW_ERR_VERDICT_REQUIRED"
  | "WINNOW_ERR_SLA_ATTEMPTS_NOT_MET"
  | "WINNOW_ERR_ENTRY_NOT_ALLOWED"
  | "WINNOW_ERR_RE_ENTRY_NOT_MET";

export type TransitionError = {
  readonly code: LifecycleErrorCode;
  readonly message: string;
  readonly from: Stage;
  readonly to: Stage;
  readonly allowed?: readonly string[];
};

/** The lead's lifecycle fields after the move (what storage writes). */
export type LifecycleState = {
  readonly stage: Stage;
  readonly stageEnteredAt: Instant;
  readonly reason: string | null;
  readonly reEntry: ReEntry | null;
  /** When the new stage's SLA falls due (accept-or-reject for MQLs), else null. */
  readonly slaDueAt: Instant | null;
};

export type TransitionResult =
  | { readonly ok: true; readonly lead: LifecycleState; readonly from: Stage; readonly to: Stage }
  | { readonly ok: false; readonly error: TransitionError };

/** Every reason the configuration accepts for a rejection. */
export function allowedReasons(config: LifecycleConfig): string[] {
  return [...REJECTION_REASONS, ...config.customReasons];
}

const DAY_MS = 86_400_000;

/**
 * Decides a stage change: checks the transition table, the entry path, the guards (verdict for SQL,
 * reasons, the unreachable SLA, re-entry criteria) and returns the lead's new lifecycle state, or
 * why not. Pure: `now` is passed in.
 *
 * @example
 * const r = transition(lead, { to: "recycled", reason: "no_fit" }, "2026-03-02T10:00:00Z", DEFAULT_LIFECYCLE_CONFIG);
 * if (r.ok) save(r.lead); else show(r.error.code); // e.g. WINNOW_ERR_REASON_REQUIRED
 */
export function transition(
  lead: LifecycleLead,
  move: MoveRequest,
  now: Instant,
  config: LifecycleConfig,
): TransitionResult {
  const from = lead.stage;
  const to = move.to;
  const fail = (
    code: LifecycleErrorCode,
    message: string,
    allowed?: readonly string[],
  ): TransitionResult => ({
    ok: false,
    error: { code, message, from, to, ...(allowed ? { allowed } : {}) },
  });
  const rule = moveRule(from, to);
  if (!rule) return fail("WINNOW_ERR_TRANSITION_NOT_ALLOWED", `A lead cannot move from ${from} to ${to}`);
  if (from === "new" && !config.entryStages[lead.entryPath].includes(to)) {
    return fail(
      "WINNOW_ERR_ENTRY_NOT_ALLOWED",
      `A ${lead.entryPath} lead may enter at ${config.entryStages[lead.entryPath].join(", ") || "no stage"}, not ${to}`,
      config.entryStages[lead.entryPath],
    );
  }

  const reason = move.reason?.trim() || null;
  if (rule.reason === "rejection" || rule.reason === "any") {
    if (!reason)
      return fail(
        "WINNOW_ERR_REASON_REQUIRED",
        `Moving a lead from ${from} to ${to} needs a reason`,
        allowedReasons(config),
      );
  }
  if (rule.reason === "rejection" && reason && !allowedReasons(config).includes(reason)) {
    return fail("WINNOW_ERR_REASON_UNKNOWN", `"${reason}" is not a rejection reason`, allowedReasons(config));
  }
  if (reason === "unreachable") {
    const check = unreachableAttempts(move.attempts ?? [], now, config.sla.unreachable);
    if (!check.met) {
      return fail(
        "WINNOW_ERR_SLA_ATTEMPTS_NOT_MET",
        `Unreachable needs ${config.sla.unreachable.attempts} contact attempts over ${config.sla.unreachable.overDays} days; ` +
          `found ${check.attempts} over ${check.days.toFixed(1)} days`,
      );
    }
  }
  if (to === "sql" && config.sqlNeedsAdvanceVerdict && move.verdict !== "advance") {
    return fail(
      "WINNOW_ERR_VERDICT_REQUIRED",
      `SQL needs a scorecard whose verdict is advance (the latest is ${move.verdict ? move.verdict : "missing"})`,
    );
  }
  if (from === "recycled" && to === "mql" && lead.reEntry) {
    const { after, minScore } = lead.reEntry;
    if (after && Date.parse(after) > Date.parse(now)) {
      return fail("WINNOW_ERR_RE_ENTRY_NOT_MET", `This recycled lead may come back from ${after} on`);
    }
    if (minScore !== null && (move.score ?? Number.NEGATIVE_INFINITY) < minScore) {
      return fail(
        "WINNOW_ERR_RE_ENTRY_NOT_MET",
        `This recycled lead comes back with a score of at least ${minScore} (has ${move.score ?? "none"})`,
      );
    }
  }

  const reEntry: ReEntry | null =
    to === "recycled"
      ? {
          after: new Date(Date.parse(now) + config.recycle.reEntryAfterDays * DAY_MS).toISOString(),
          minScore: config.recycle.minScore,
          note: null,
          ...move.reEntry,
        }
      : null;
  const acceptHours = config.sla.acceptWithinWorkingHours;
  const slaDueAt =
    to === "mql" && acceptHours !== null ? addWorkingHours(now, acceptHours, config.calendar) : null;
  const nowIso = new Date(now).toISOString();
  return { ok: true, from, to, lead: { stage: to, stageEnteredAt: nowIso, reason, reEntry, slaDueAt } };
}

import type { Instant } from "../records.ts";
import { type WorkingCalendar, workingMillisBetween } from "./calendar.ts";
import type { Stage } from "./stages.ts";

/** A contact attempt as the SLA reads it (an Activity fits). */
export type AttemptLike = { readonly type: string; readonly occurredAt: Instant };

const ATTEMPT_TYPES = new Set(["call", "email", "message"]);
const DAY_MS = 86_400_000;

/**
 * Whether a lead may be called unreachable: at least `rule.attempts` contact attempts (calls,
 * emails, messages) of which the first is at least `rule.overDays` days before `now`.
 *
 * @example
 * unreachableAttempts(activities, "2026-03-10T12:00:00Z", { attempts: 3, overDays: 5 }); // { met: true, attempts: 3, days: 6.1 }
 */
export function unreachableAttempts(
  attempts: readonly AttemptLike[],
  now: Instant,
  rule: { readonly attempts: number; readonly overDays: number },
): { readonly met: boolean; readonly attempts: number; readonly days: number } {
  const at = Date.parse(now);
  const times = attempts
    .filter((a) => ATTEMPT_TYPES.has(a.type))
    .map((a) => Date.parse(a.occurredAt))
    .filter((t) => t <= at);
  const first = times.length ? Math.min(...times) : at;
  const days = (at - first) / DAY_MS;
  return { met: times.length >= rule.attempts && days >= rule.overDays, attempts: times.length, days };
}

/** An SLA that was missed: which, when it fell due, and by how long. */
export type SlaVerdict = {
  readonly sla: "accept_within";
  readonly dueAt: Instant;
  /** Wall-clock seconds past due. */
  readonly overdueSeconds: number;
  /** Working hours past due (what the SLA counts). */
  readonly overdueWorkingHours: number;
};

/**
 * Checks the accept-or-reject SLA of an MQL at `now` (a sweep), or at the moment it leaves MQL (pass
 * the stage it is leaving). Returns the breach, or null when in time or no SLA runs.
 *
 * @example
 * acceptSlaBreach({ stage: "mql", slaDueAt: "2026-03-02T17:00:00Z" }, "2026-03-03T10:00:00Z", calendar);
 * // { sla: "accept_within", dueAt: "...", overdueSeconds: 61200, overdueWorkingHours: 1 }
 */
export function acceptSlaBreach(
  lead: { readonly stage: Stage; readonly slaDueAt: Instant | null },
  now: Instant,
  calendar: WorkingCalendar,
): SlaVerdict | null {
  if (lead.stage !== "mql" || !lead.slaDueAt) return null;
  const late = Date.parse(now) - Date.parse(lead.slaDueAt);
  if (late <= 0) return null;
  const workingMs = workingMillisBetween(lead.slaDueAt, now, calendar);
  return {
    sla: "accept_within",
    dueAt: new Date(lead.slaDueAt).toISOString(),
    overdueSeconds: Math.round(late / 1000),
    overdueWorkingHours: Math.round((workingMs / 3_600_000) * 100) / 100,
  };
}

import { z } from "zod";
import type { Issue } from "../errors.ts";
import { issuesFromZod } from "../qualification/zod-issues.ts";
import type { Result } from "../result.ts";
import { err, ok } from "../result.ts";
import { DEFAULT_CALENDAR, isValidTimeZone, type WorkingCalendar } from "./calendar.ts";
import { REJECTION_REASONS } from "./reasons.ts";
import { ENTRY_PATHS, type EntryPath, STAGES, type Stage } from "./stages.ts";

/**
 * The lifecycle as revenue operations configure it: SLAs, the working calendar their clocks run on,
 * custom rejection reasons, where each entry path may enter, and when a recycled lead may return.
 */
export type LifecycleConfig = {
  readonly calendar: WorkingCalendar;
  readonly sla: {
    /** An MQL must be accepted or rejected within this many working hours (null: no SLA). */
    readonly acceptWithinWorkingHours: number | null;
    /** `unreachable` needs at least `attempts` contact attempts (call/email/message) ... */
    readonly unreachable: { readonly attempts: number; readonly overDays: number };
  };
  /** Reasons accepted besides unreachable / inaccurate_data / no_bant / no_fit. */
  readonly customReasons: readonly string[];
  /** Stages a lead of each entry path may move to straight from `new` (PQL and CQL may enter higher). */
  readonly entryStages: Readonly<Record<EntryPath, readonly Stage[]>>;
  /** SQL only with a scorecard verdict of `advance`. */
  readonly sqlNeedsAdvanceVerdict: boolean;
  /** Default re-entry criteria given to a recycled lead. */
  readonly recycle: { readonly reEntryAfterDays: number; readonly minScore: number | null };
};

export const DEFAULT_LIFECYCLE_CONFIG: LifecycleConfig = {
  calendar: DEFAULT_CALENDAR,
  sla: { acceptWithinWorkingHours: 8, unreachable: { attempts: 3, overDays: 5 } },
  customReasons: [],
  entryStages: {
    standard: ["mql", "disqualified"],
    pql: ["mql", "sal", "disqualified"],
    cql: ["mql", "sal", "disqualified"],
  },
  sqlNeedsAdvanceVerdict: true,
  recycle: { reEntryAfterDays: 90, minScore: null },
};

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "time as HH:mm");
const calendarSchema = z
  .object({
    timeZone: z.string().refine(isValidTimeZone, "unknown IANA time zone (e.g. Europe/Paris)"),
    workdays: z.array(z.number().int().min(1).max(7)).min(1),
    start: hhmm,
    end: hhmm,
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "date as YYYY-MM-DD")).default([]),
  })
  .strict()
  .refine((c) => c.end > c.start, { message: "end must be after start", path: ["end"] });

const schema = z
  .object({
    calendar: calendarSchema.default(() => ({
      ...DEFAULT_CALENDAR,
      workdays: [...DEFAULT_CALENDAR.workdays],
      holidays: [],
    })),
    sla: z
      .object({
        acceptWithinWorkingHours: z.number().positive().nullable().default(8),
        unreachable: z
          .object({ attempts: z.number().int().min(0), overDays: z.number().min(0) })
          .strict()
          .default({ attempts: 3, overDays: 5 }),
      })
      .strict()
      .default(DEFAULT_LIFECYCLE_CONFIG.sla),
    customReasons: z
      .array(z.string().regex(/^[a-z][a-z0-9_]*$/, "snake_case reason id"))
      .refine(
        (r) => !r.some((x) => (REJECTION_REASONS as readonly string[]).includes(x)),
        "repeats a built-in reason",
      )
      .default([]),
    entryStages: z
      .record(z.enum(ENTRY_PATHS), z.array(z.enum(STAGES)))
      .default(DEFAULT_LIFECYCLE_CONFIG.entryStages as Record<EntryPath, Stage[]>),
    sqlNeedsAdvanceVerdict: z.boolean().default(true),
    recycle: z
      .object({ reEntryAfterDays: z.number().min(0), minScore: z.number().nullable() })
      .strict()
      .default(DEFAULT_LIFECYCLE_CONFIG.recycle),
  })
  .strict();

/**
 * Validates a lifecycle configuration (e.g. parsed from YAML); missing parts take the defaults.
 *
 * @example
 * const r = parseLifecycleConfig({ calendar: { timeZone: "Europe/Paris", workdays: [1,2,3,4,5], start: "09:00", end: "18:00" } });
 * if (!r.ok) console.log(r.error); // issues with paths such as `calendar.timeZone`
 */
export function parseLifecycleConfig(input: unknown): Result<LifecycleConfig, Issue[]> {
  const r = schema.safeParse(input ?? {});
  if (!r.success) return err(issuesFromZod(r.error));
  const entryStages = { ...DEFAULT_LIFECYCLE_CONFIG.entryStages, ...r.data.entryStages };
  return ok({ ...r.data, entryStages });
}

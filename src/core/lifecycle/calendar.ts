import { DateTime, IANAZone } from "luxon";
import type { Instant } from "../records.ts";

/**
 * When the team works: the days of the week (1 = Monday ... 7 = Sunday, ISO), the opening hours
 * in the team's IANA time zone, and holidays (local dates). SLA clocks only run inside these hours.
 */
export type WorkingCalendar = {
  readonly timeZone: string;
  readonly workdays: readonly number[];
  /** Local opening time, `HH:mm`. */
  readonly start: string;
  /** Local closing time, `HH:mm` (after `start`). */
  readonly end: string;
  /** Local dates (`YYYY-MM-DD`) with no working hours. */
  readonly holidays: readonly string[];
};

export const DEFAULT_CALENDAR: WorkingCalendar = {
  timeZone: "UTC",
  workdays: [1, 2, 3, 4, 5],
  start: "09:00",
  end: "17:00",
  holidays: [],
};

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** The working window of the local day containing `day`, or null when it is not a working day. */
function windowOf(day: DateTime, cal: WorkingCalendar): { open: DateTime; close: DateTime } | null {
  if (!cal.workdays.includes(day.weekday)) return null;
  if (cal.holidays.includes(day.toISODate() ?? "")) return null;
  const start = day.startOf("day");
  // Built from the local wall clock so that days with a DST change keep their opening hours.
  const open = start.set({ hour: Math.floor(minutesOf(cal.start) / 60), minute: minutesOf(cal.start) % 60 });
  const close = start.set({ hour: Math.floor(minutesOf(cal.end) / 60), minute: minutesOf(cal.end) % 60 });
  return close > open ? { open, close } : null;
}

function toZone(at: Instant, cal: WorkingCalendar): DateTime {
  return DateTime.fromISO(at, { zone: "utc" }).setZone(cal.timeZone);
}

/** A year of days without a single working hour means the calendar is empty; stop there. */
const MAX_DAYS = 366 * 2;

/**
 * The instant that lies `hours` working hours after `from`.
 *
 * @example
 * // Friday 16:00 in Paris + 2 working hours (09:00-17:00, Mon-Fri) = Monday 10:00 Paris time.
 * addWorkingHours("2026-03-06T15:00:00.000Z", 2, { ...DEFAULT_CALENDAR, timeZone: "Europe/Paris" });
 * // -> "2026-03-09T09:00:00.000Z"
 */
export function addWorkingHours(from: Instant, hours: number, cal: WorkingCalendar): Instant {
  let left = Math.round(hours * 3_600_000);
  let cursor = toZone(from, cal);
  for (let i = 0; i < MAX_DAYS; i++) {
    const w = windowOf(cursor, cal);
    if (w && cursor < w.close) {
      const begin = cursor < w.open ? w.open : cursor;
      const available = w.close.toMillis() - begin.toMillis();
      if (left <= available) return begin.plus({ milliseconds: left }).toUTC().toISO() as string;
      left -= available;
    }
    cursor = cursor.plus({ days: 1 }).startOf("day");
  }
  throw new RangeError("The working calendar has no working hours");
}

/**
 * Working milliseconds between two instants (0 when `to` is not after `from`).
 *
 * @example
 * workingMillisBetween("2026-03-06T16:00:00.000Z", "2026-03-09T10:00:00.000Z", DEFAULT_CALENDAR); // 2 h = 7_200_000
 */
export function workingMillisBetween(from: Instant, to: Instant, cal: WorkingCalendar): number {
  const end = toZone(to, cal);
  let cursor = toZone(from, cal);
  let total = 0;
  for (let i = 0; cursor < end && i < MAX_DAYS * 50; i++) {
    const w = windowOf(cursor, cal);
    if (w) {
      const begin = cursor < w.open ? w.open : cursor;
      const stop = end < w.close ? end : w.close;
      if (stop > begin) total += stop.toMillis() - begin.toMillis();
    }
    cursor = cursor.plus({ days: 1 }).startOf("day");
  }
  return total;
}

/** True when the time zone is one luxon (and the platform's Intl) knows. */
export function isValidTimeZone(zone: string): boolean {
  return zone === "UTC" || IANAZone.isValidZone(zone);
}

import { describe, expect, it } from "vitest";
import { addWorkingHours, DEFAULT_CALENDAR, type WorkingCalendar, workingMillisBetween } from "./calendar.ts";

const paris: WorkingCalendar = { ...DEFAULT_CALENDAR, timeZone: "Europe/Paris" };
const newYork: WorkingCalendar = { ...DEFAULT_CALENDAR, timeZone: "America/New_York" };

describe("working calendar", () => {
  it("carries hours over a weekend, in the team's time zone", () => {
    // Friday 16:00 in Paris (UTC+1 in March) + 2 working hours = Monday 10:00 Paris.
    expect(addWorkingHours("2026-03-06T15:00:00.000Z", 2, paris)).toBe("2026-03-09T09:00:00.000Z");
    // The same instant in UTC terms is Friday 15:00 UTC: 2 hours fit before 17:00.
    expect(addWorkingHours("2026-03-06T15:00:00.000Z", 2, DEFAULT_CALENDAR)).toBe("2026-03-06T17:00:00.000Z");
  });

  it("keeps local opening hours across a daylight-saving change", () => {
    // New York springs forward on Sunday 8 March 2026: Friday 16:00 EST is 21:00Z, Monday 10:00 EDT is 14:00Z.
    expect(addWorkingHours("2026-03-06T21:00:00.000Z", 2, newYork)).toBe("2026-03-09T14:00:00.000Z");
  });

  it("starts the clock at opening time when the lead arrives at night or on a Sunday", () => {
    expect(addWorkingHours("2026-03-08T22:00:00.000Z", 1, DEFAULT_CALENDAR)).toBe("2026-03-09T10:00:00.000Z");
    expect(addWorkingHours("2026-03-03T20:00:00.000Z", 8, DEFAULT_CALENDAR)).toBe("2026-03-04T17:00:00.000Z");
  });

  it("skips holidays", () => {
    const cal = { ...DEFAULT_CALENDAR, holidays: ["2026-12-25"] };
    // Thursday 24 Dec 16:00 + 2h: one hour on Thursday, Friday is a holiday, one hour on Monday 28th.
    expect(addWorkingHours("2026-12-24T16:00:00.000Z", 2, cal)).toBe("2026-12-28T10:00:00.000Z");
  });

  it("counts working time between two instants", () => {
    expect(
      workingMillisBetween("2026-03-06T16:00:00.000Z", "2026-03-09T10:00:00.000Z", DEFAULT_CALENDAR),
    ).toBe(2 * 3_600_000);
    expect(
      workingMillisBetween("2026-03-09T10:00:00.000Z", "2026-03-06T16:00:00.000Z", DEFAULT_CALENDAR),
    ).toBe(0);
    expect(
      workingMillisBetween("2026-03-07T10:00:00.000Z", "2026-03-08T10:00:00.000Z", DEFAULT_CALENDAR),
    ).toBe(0);
  });

  it("agrees with itself: the hours added are the working hours between", () => {
    for (const start of [
      "2026-03-06T15:30:00.000Z",
      "2026-10-23T07:00:00.000Z",
      "2026-03-27T16:45:00.000Z",
    ]) {
      for (const hours of [0.5, 3, 8, 17]) {
        const due = addWorkingHours(start, hours, paris);
        expect(workingMillisBetween(start, due, paris)).toBe(hours * 3_600_000);
      }
    }
  });
});

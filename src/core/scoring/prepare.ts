import type { Account, BehaviourEvent, Contact, Lead } from "../records.ts";

/** What one lead is scored on: its records and its behaviour events (the ledger, any order). */
export type ScoreInput = {
  readonly account: Account | null;
  readonly contact: Contact | null;
  readonly lead: Lead | null;
  readonly events: readonly BehaviourEvent[];
};

/** A behaviour event with its instant parsed once to epoch milliseconds. */
export type PreparedEvent = {
  readonly id: string;
  readonly type: string;
  readonly atMs: number;
  readonly properties: BehaviourEvent["properties"];
};

/**
 * A ScoreInput ready for the hot path: instants parsed, events sorted oldest first, the e-mail
 * domain derived (for `contact.emailDomain` rules). Prepare once, score many times.
 */
export type PreparedLead = {
  readonly account: Account | null;
  readonly contact: Contact | null;
  readonly lead: Lead | null;
  readonly emailDomain: string | null;
  readonly events: PreparedEvent[];
};

/** Parses an ISO instant to epoch ms; throws on garbage so that bad data never scores silently. */
export function instantMs(instant: string): number {
  const fast = canonicalInstantMs(instant);
  if (!Number.isNaN(fast)) return fast;
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO-8601 instant: ${JSON.stringify(instant)}`);
  return ms;
}

export function prepareEvent(e: BehaviourEvent): PreparedEvent {
  return { id: e.id, type: e.type, atMs: instantMs(e.occurredAt), properties: e.properties };
}

/**
 * Prepares a lead for scoring.
 *
 * @example
 * const p = prepareLead({ account, contact, lead, events });
 * scorer.scoreInto(p, Date.parse("2026-03-01T00:00:00Z"), out);
 */
export function prepareLead(input: ScoreInput): PreparedLead {
  const events = input.events.map(prepareEvent);
  let sorted = true;
  for (let i = 1; i < events.length; i++) if (events[i - 1]!.atMs > events[i]!.atMs) sorted = false;
  if (!sorted) events.sort((a, b) => a.atMs - b.atMs);
  return {
    account: input.account,
    contact: input.contact,
    lead: input.lead,
    emailDomain: emailDomain(input.contact?.email ?? null),
    events,
  };
}

/** Inserts an event keeping the list sorted (after any event of the same instant). */
export function insertEvent(events: PreparedEvent[], event: PreparedEvent): PreparedEvent[] {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.atMs <= event.atMs) lo = mid + 1;
    else hi = mid;
  }
  const out = events.slice();
  out.splice(lo, 0, event);
  return out;
}

/** The part of an e-mail address after `@`, lower-cased (`contact.emailDomain`). */
export function emailDomain(email: string | null): string | null {
  if (!email) return null;
  const at = email.lastIndexOf("@");
  return at < 0 ? null : email.slice(at + 1).toLowerCase();
}

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : Number.NaN;
};
const two = (s: string, i: number) => digit(s, i) * 10 + digit(s, i + 1);

/**
 * Epoch ms of an instant in the shape stored and sent everywhere — `2026-03-01T09:30:00.000Z`
 * (`toISOString`), also without the milliseconds and with `+00:00` for `Z` — read digit by digit;
 * NaN for anything else (a real date outside these shapes, or garbage), which `instantMs` then
 * hands to `Date.parse`. Several times cheaper than `Date.parse`, and equal to it wherever it
 * answers (property-tested): a date past its month's end (Feb 30, which Date.parse rolls over) is
 * left to Date.parse.
 */
export function canonicalInstantMs(s: string): number {
  const n = s.length;
  if (n !== 20 && n !== 24 && n !== 25 && n !== 29) return Number.NaN;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) return Number.NaN; // - - T
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return Number.NaN; // : :
  let ms = 0;
  let zone = 19;
  if (n === 24 || n === 29) {
    if (s.charCodeAt(19) !== 46) return Number.NaN; // .
    ms = digit(s, 20) * 100 + two(s, 21);
    zone = 23;
  }
  if (n - zone === 1) {
    if (s.charCodeAt(zone) !== 90) return Number.NaN; // Z
  } else if (s.slice(zone) !== "+00:00") return Number.NaN;
  const year = two(s, 0) * 100 + two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  const hour = two(s, 11);
  const minute = two(s, 14);
  const second = two(s, 17);
  // NaN (a non-digit) fails every comparison below.
  if (!(month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minute <= 59 && second <= 59 && ms >= 0))
    return Number.NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (
    day >
    (month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31)
  )
    return Number.NaN;
  // Days from 1970-01-01 to the civil date (H. Hinnant's days_from_civil), in whole numbers.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146_097 + doe - 719_468;
  return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + ms;
}

/**
 * Fills `order[0..n)` with the positions 0..n-1 in ascending order of `times[0..n)`, ties in
 * position order (what prepareLead's stable sort gives); no sort when already in order.
 */
export function orderByTime(times: Float64Array, order: Int32Array, n: number): void {
  let sorted = true;
  for (let e = 0; e < n; e++) {
    order[e] = e;
    if (e > 0 && times[e - 1]! > times[e]!) sorted = false;
  }
  // Typed-array sort is not guaranteed stable: ties are broken by position.
  if (!sorted) order.subarray(0, n).sort((a, b) => times[a]! - times[b]! || a - b);
}

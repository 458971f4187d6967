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

function emailDomain(email: string | null): string | null {
  if (!email) return null;
  const at = email.lastIndexOf("@");
  return at < 0 ? null : email.slice(at + 1).toLowerCase();
}

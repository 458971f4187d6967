// Decoded event ledgers kept between the background rescores after ingest, so that a run reads only
// what changed instead of every touched lead's whole ledger.
import type { PreparedEvent } from "../core/scoring/prepare.ts";
import type { SqlClient } from "./ports.ts";
import { type LedgerLead, ledgerSelect, type PageRow, toLedgerLead } from "./rescore-pages.ts";

/**
 * How far back (before the previous check of a lead) a run looks for events it has not seen, by
 * their `received_at` (the start of the transaction that stored them). A transaction that stored an
 * event longer than this before it committed (a long import) is caught by the count check instead,
 * and the lead's ledger is then read whole.
 */
export const LEDGER_LOOKBACK_MS = 500;

/** Events kept in all (least recently used leads go first): ~200 bytes each with two short properties (measured), so ~40 MB. */
export const LEDGER_CACHE_EVENTS = 200_000;

/** Events decoded in one synchronous stretch before yielding to the event loop (as rescoreLeads). */
const SLICE_EVENTS = 2000;

/**
 * Each lead of $1 with its facts and stored score as ledgerSelect gives them, then the number of
 * events in its ledger and the statement's time; of its events only those received since $2 minus
 * $3 (all of them when $2 is null). One pass over the lead's events gives both the count and the
 * recent ones (visiting the events' rows is most of a whole read's cost; encoding them is the rest),
 * and all parts see one snapshot, so the two agree.
 */
const ledgerSql = (since: string) => `SELECT x.j FROM unnest($1::text[], $2::timestamptz[]) AS q(id, since)
  CROSS JOIN LATERAL (${ledgerSelect(
    "d.ev",
    ", d.n, statement_timestamp()",
    ` CROSS JOIN LATERAL (SELECT count(*) AS n, json_build_array(array_agg(e.id) FILTER (WHERE ${since}),
        array_agg(e.type) FILTER (WHERE ${since}), array_agg(e.occurred_at) FILTER (WHERE ${since}),
        array_agg(e.properties) FILTER (WHERE ${since})) AS ev
      FROM events e WHERE e.lead_id = l.id) d`,
  )}
  WHERE l.id = q.id OFFSET 0) x`;
const DELTA_SQL = ledgerSql("q.since IS NULL OR e.received_at >= q.since - $3::interval");
/** Every lead's whole ledger (the fallback), in the same layout. */
const FULL_SQL = ledgerSql("true");

type Row = [...PageRow, count: number, checkedAt: string];
type Entry = { events: readonly PreparedEvent[]; checkedAt: string };

/** Whether sorted `events` hold an event with `e`'s id (events of the same instant are next to each other). */
function holds(events: readonly PreparedEvent[], e: PreparedEvent): boolean {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.atMs < e.atMs) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < events.length && events[i]!.atMs === e.atMs; i++)
    if (events[i]!.id === e.id) return true;
  return false;
}

/** `events` (time order) with those of `fresh` it does not hold, in time order; a new array. */
function merged(events: readonly PreparedEvent[], fresh: readonly PreparedEvent[]): PreparedEvent[] {
  const out = events.slice();
  for (const e of fresh) if (!holds(events, e)) out.push(e);
  let sorted = true;
  for (let i = Math.max(1, events.length); i < out.length && sorted; i++)
    if (out[i - 1]!.atMs > out[i]!.atMs) sorted = false;
  // Ledger order is time order (as a full read sorts it); same-instant events score the same in any order.
  if (!sorted) out.sort((x, y) => x.atMs - y.atMs);
  return out;
}

export type LedgerCache = {
  /** The leads of `ids` (unknown ones left out) with their whole ledgers and stored scores, as readLedgerLeads. */
  read(ids: readonly string[]): Promise<LedgerLead[]>;
  /** Leads and events held (tests, figures). */
  size(): { leads: number; events: number };
};

/**
 * A reader for the live rescore after ingest that keeps each lead's decoded ledger between runs.
 * Events are never updated or deleted, so a ledger only grows: a run asks, for every lead, how many
 * events its ledger has now (one statement for all of them, as the full read) and receives events
 * only for the leads whose count differs from what is held, and of those only the ones received
 * since shortly before the lead was last checked (LEDGER_LOOKBACK_MS). Held and received events are
 * merged by id; when the merged ledger still falls short of the count (an event stored by a long
 * transaction, or anything else), the lead's ledger is read whole. So each lead is scored from
 * exactly its stored ledger, as with a full read, while under sustained ingest the database sends
 * and Node decodes about one run's new events instead of the whole ledgers. Facts (lead, contact,
 * account) and the stored score are read fresh every time.
 *
 * Memory is bounded by `maxEvents` (least recently used leads are dropped, and read whole when
 * they come back). For one run at a time (the after-ingest queue runs one).
 */
export function createLedgerCache(
  sql: SqlClient,
  options: { maxEvents?: number; lookbackMs?: number } = {},
): LedgerCache {
  const maxEvents = options.maxEvents ?? LEDGER_CACHE_EVENTS;
  const lookback = `${options.lookbackMs ?? LEDGER_LOOKBACK_MS} milliseconds`;
  const held = new Map<string, Entry>();
  let heldEvents = 0;

  const keep = (id: string, entry: Entry) => {
    const old = held.get(id);
    if (old) {
      heldEvents -= old.events.length;
      held.delete(id); // re-inserted last: the Map's order is least recently used first
    }
    held.set(id, entry);
    heldEvents += entry.events.length;
  };

  async function decode(texts: readonly string[], each: (r: Row, lead: LedgerLead) => void): Promise<void> {
    let slice = 0;
    for (const text of texts) {
      if (slice >= SLICE_EVENTS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = 0;
      }
      const r = JSON.parse(text) as Row;
      const lead = toLedgerLead(r as unknown as PageRow);
      slice += lead.lead.events.length;
      each(r, lead);
    }
  }

  return {
    async read(ids) {
      if (ids.length === 0) return [];
      const since = ids.map((id) => held.get(id)?.checkedAt ?? null);
      const texts = (await sql.query<{ j: string }>(DELTA_SQL, [ids, since, lookback])).rows.map((r) => r.j);
      const out: LedgerLead[] = [];
      const whole: string[] = [];
      const answer = (r: Row, l: LedgerLead, events: readonly PreparedEvent[]) => {
        keep(l.lead.lead.id, { events, checkedAt: r[32] });
        out.push({ lead: { ...l.lead, events: events as PreparedEvent[] }, previous: l.previous });
      };
      await decode(texts, (r, l) => {
        const id = l.lead.lead.id;
        const entry = held.get(id);
        const count = Number(r[31]);
        // Nothing held: read whole. Held: what is held and what came, each event once.
        const events = entry ? merged(entry.events, l.lead.events) : l.lead.events;
        if (events.length === count) answer(r, l, events);
        else whole.push(id);
      });
      if (whole.length > 0) {
        const full = (await sql.query<{ j: string }>(FULL_SQL, [whole, whole.map(() => null)])).rows.map(
          (r) => r.j,
        );
        await decode(full, (r, l) => answer(r, l, l.lead.events));
      }
      for (const [id, entry] of held) {
        if (heldEvents <= maxEvents) break;
        held.delete(id);
        heldEvents -= entry.events.length;
      }
      return out;
    },
    size: () => ({ leads: held.size, events: heldEvents }),
  };
}

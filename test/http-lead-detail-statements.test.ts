import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import type { LeadDetail, SqlClient, SqlRow, Storage } from "../src/storage/ports.ts";
import { toAccount } from "../src/storage/repositories/accounts.ts";
import { toActivity } from "../src/storage/repositories/activities.ts";
import { toContact } from "../src/storage/repositories/contacts.ts";
import { toDeal } from "../src/storage/repositories/deals.ts";
import { toEvent } from "../src/storage/repositories/events.ts";
import { toBreach, toHistory } from "../src/storage/repositories/history.ts";
import { toLead } from "../src/storage/repositories/leads.ts";
import { toScorecard } from "../src/storage/repositories/scorecards.ts";
import { toLeadScore } from "../src/storage/repositories/scoring.ts";
import { countingStorage, ENGINES, freshStorage } from "./helpers/db.ts";
import { startTestApi, type TestApi } from "./helpers/http.ts";

// GET /v1/leads/:id reads the lead and everything attached to it in ONE statement (it was 11: the
// access check's lead read, then one per table). This holds it there, and holds the one statement
// to the answer the per-table reads give. Its events are the most recent 20 (or `?events=N`), with
// the lead's event count and a cursor that GET /v1/leads/:id/events pages on from there (issue 5).

/** Stands for any cursor: the per-table read says whether there is one, the paging test follows it. */
const MORE = "<more>";

/** The detail as one plain query per table reads it (what leadDetail did before it was one statement). */
async function perTableDetail(
  sql: SqlClient,
  id: string,
  shown = 20,
  shownHistory = 50,
): Promise<LeadDetail | null> {
  const row = (await sql.query("SELECT * FROM leads WHERE id = $1", [id])).rows[0];
  if (!row) return null;
  const one = async (text: string, p: unknown) => (await sql.query(text, [p])).rows[0] as SqlRow | undefined;
  const all = async (text: string) => (await sql.query(text, [id])).rows;
  const account = await one("SELECT * FROM accounts WHERE id = $1", row["account_id"]);
  const score = await one("SELECT * FROM lead_scores WHERE lead_id = $1", id);
  const scorecard = await one(
    "SELECT * FROM scorecards WHERE lead_id = $1 ORDER BY version DESC LIMIT 1",
    id,
  );
  return {
    lead: toLead(row),
    contact: toContact((await one("SELECT * FROM contacts WHERE id = $1", row["contact_id"])) as SqlRow),
    account: account ? toAccount(account) : null,
    score: score ? toLeadScore(score) : null,
    scorecard: scorecard ? toScorecard(scorecard) : null,
    events: (
      await sql.query("SELECT * FROM events WHERE lead_id = $1 ORDER BY occurred_at DESC, id LIMIT $2", [
        id,
        shown,
      ])
    ).rows.map(toEvent),
    eventCount: Number((await one("SELECT count(*) AS n FROM events WHERE lead_id = $1", id))?.["n"]),
    eventsNextCursor:
      shown > 0 &&
      Number((await one("SELECT count(*) AS n FROM events WHERE lead_id = $1", id))?.["n"]) > shown
        ? MORE
        : null,
    activities: (
      await all("SELECT * FROM activities WHERE lead_id = $1 ORDER BY occurred_at DESC, id LIMIT 200")
    ).map(toActivity),
    deals: (await all("SELECT * FROM deals WHERE lead_id = $1 ORDER BY created_at, id")).map(toDeal),
    history: (
      await sql.query("SELECT * FROM lead_history WHERE lead_id = $1 ORDER BY at DESC, id DESC LIMIT $2", [
        id,
        shownHistory,
      ])
    ).rows.map(toHistory),
    historyCount: Number((await one("SELECT count(*) AS n FROM lead_history WHERE lead_id = $1", id))?.["n"]),
    historyNextCursor:
      shownHistory > 0 &&
      Number((await one("SELECT count(*) AS n FROM lead_history WHERE lead_id = $1", id))?.["n"]) >
        shownHistory
        ? MORE
        : null,
    slaBreaches: (await all("SELECT * FROM sla_breaches WHERE lead_id = $1 ORDER BY detected_at, id")).map(
      toBreach,
    ),
  };
}

describe.each(ENGINES)("lead detail in one statement on %s", (engine) => {
  let storage: Storage;
  let t: TestApi;
  const count = { n: 0 };
  let ids: string[] = [];
  let busy = "";
  let quiet = "";
  let busyEvents = 0;

  beforeAll(async () => {
    storage = await freshStorage(engine);
    await seedDemoWorkspace(storage, { leads: 12, accounts: 4 });
    ids = (await storage.sql.query<{ id: string }>("SELECT id FROM leads ORDER BY id")).rows.map((r) => r.id);
    busy = ids[1] as string;
    quiet = ids[4] as string;
    // One lead with more than the 200 events and activities the detail shows (ties in time, ordered
    // by id), microsecond timestamps, SLA breaches, a deal, and bob as owner; one without an account.
    await storage.sql.query(
      `INSERT INTO events (id, lead_id, type, occurred_at, properties)
       SELECT 'bulk-' || g, $1, 'email_open', '2026-01-03 00:00:00.000001+00'::timestamptz + (g % 3) * interval '1 microsecond',
              jsonb_build_object('n', g, 'x', 0.1 + g)
       FROM generate_series(1, 230) g`,
      [busy],
    );
    await storage.sql.query(
      `INSERT INTO activities (id, lead_id, type, occurred_at, actor, body, created_at)
       SELECT 'act-' || g, $1, 'note', '2026-01-03 00:00:00+00', 'x', 'n' || g, clock_timestamp() FROM generate_series(1, 210) g`,
      [busy],
    );
    await storage.sql.query(
      `INSERT INTO sla_breaches (lead_id, sla, owner_id, due_at, detected_at, overdue_seconds, details)
       VALUES ($1, 'first_touch', 'bob', '2026-01-02 03:04:05.5+00', clock_timestamp(), 17, '{"k": [1, 2.5]}'),
              ($1, 'follow_up', NULL, '2026-01-01 00:00:00+00', '2026-01-01 00:00:00.123456+00', 0, '{}')`,
      [busy],
    );
    await storage.sql.query(
      `INSERT INTO deals (id, account_id, lead_id, name, amount, currency, status, created_at, close_date, version, updated_at)
       SELECT 'deal-x', account_id, id, 'Deal X', 12345.678, 'EUR', 'open', clock_timestamp(), NULL, 1, clock_timestamp()
       FROM leads WHERE id = $1`,
      [busy],
    );
    // More history than the detail can carry (500), of two kinds, with microsecond ties in time.
    await storage.sql.query(
      `INSERT INTO lead_history (lead_id, kind, actor, at, reason, before, after)
       SELECT $1, CASE WHEN g % 7 = 0 THEN 'stage' ELSE 'score' END, 'x',
              '2026-01-04 00:00:00.000001+00'::timestamptz + (g % 4) * interval '1 microsecond',
              NULL, jsonb_build_object('n', g - 1), jsonb_build_object('n', g)
       FROM generate_series(1, 560) g`,
      [busy],
    );
    await storage.sql.query("UPDATE leads SET owner_id = 'bob' WHERE id = $1", [busy]);
    await storage.sql.query("DELETE FROM events WHERE lead_id = $1", [quiet]);
    busyEvents = (
      await storage.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE lead_id = $1", [
        busy,
      ])
    ).rows[0]?.n as number;
    await storage.sql.query("UPDATE leads SET account_id = NULL WHERE id = $1", [ids[2]]);
    await storage.sql.query("DELETE FROM lead_scores WHERE lead_id = $1", [ids[3]]);
    const watched = countingStorage(storage, count);
    t = await startTestApi(watched, { keyCacheMs: 60_000 });
    // The keys are looked up once, then cached: warm them so that only the reads are counted.
    for (const key of [t.keys.manager, t.keys.alice, t.keys.bob])
      await t.app.inject({ url: "/v1/leads/none", headers: t.as(key) });
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
  });

  const read = async (id: string, key: string, query = "") => {
    count.n = 0;
    const res = await t.app.inject({ url: `/v1/leads/${id}${query}`, headers: t.as(key) });
    return { res, statements: count.n };
  };
  /** The detail with its cursor, if any, replaced by MORE (the paging test follows real ones). */
  const masked = (d: LeadDetail | null) =>
    d && {
      ...d,
      eventsNextCursor: d.eventsNextCursor === null ? null : MORE,
      historyNextCursor: d.historyNextCursor === null ? null : MORE,
    };

  /**
   * Follows `cursor` through GET /v1/leads/:id/<list>?limit= (and `query`) to the end: the ids seen,
   * after `seen`, and how many pages it took, each checked for its status and size.
   */
  const pageThrough = async (
    list: "events" | "history",
    cursor: string | null,
    limit: number,
    seen: unknown[] = [],
    query = "",
  ) => {
    let pages = 0;
    for (let next = cursor; next !== null; pages++) {
      const res = await t.app.inject({
        url: `/v1/leads/${busy}/${list}?limit=${limit}&cursor=${encodeURIComponent(next)}${query}`,
        headers: t.as(t.keys.bob),
      });
      expect(res.statusCode).toBe(200);
      const page = res.json();
      expect(page.data.length).toBeLessThanOrEqual(limit);
      seen.push(...page.data.map((x: { id: unknown }) => x.id));
      next = page.nextCursor;
    }
    return { seen, pages };
  };

  /**
   * For each [shown, limit]: the detail's `shown` most recent entries, then the pages from its cursor,
   * are `all` in order, in as many pages as the rest needs (the last case's one page holds exactly
   * the rest: it must say that nothing follows).
   */
  const walkFromDetail = async (list: "events" | "history", all: unknown[], cases: [number, number][]) => {
    for (const [shown, limit] of cases) {
      const detail = (await read(busy, t.keys.bob, `?${list}=${shown}`)).res.json();
      const first = detail[list].map((x: { id: unknown }) => x.id);
      const { seen, pages } = await pageThrough(list, detail[`${list}NextCursor`], limit, first);
      expect(seen).toEqual(all);
      expect(pages).toBe(Math.ceil((all.length - shown) / limit));
    }
  };

  it("answers every lead with one statement, the same detail as one read per table", async () => {
    for (const id of ids) {
      const { res, statements } = await read(id, t.keys.manager);
      expect(res.statusCode).toBe(200);
      expect(statements).toBe(1);
      const detail = await storage.queries.leadDetail(id);
      expect(JSON.stringify(masked(detail))).toBe(JSON.stringify(await perTableDetail(storage.sql, id)));
      expect(res.json()).toEqual(JSON.parse(JSON.stringify(detail)));
    }
    const busyDetail = (await read(busy, t.keys.manager)).res.json();
    expect(busyDetail.events).toHaveLength(20);
    expect(busyDetail.eventCount).toBe(busyEvents);
    expect(busyDetail.eventsNextCursor).toEqual(expect.any(String));
    expect(busyDetail.history).toHaveLength(50);
    expect(busyDetail.historyCount).toBeGreaterThan(560);
    expect(busyDetail.historyNextCursor).toEqual(expect.any(String));
    expect(busyDetail.activities).toHaveLength(200);
    expect(busyDetail.slaBreaches).toHaveLength(2);
    expect(busyDetail.deals.map((d: { id: string }) => d.id)).toContain("deal-x");
  });

  it("checks access on the lead it read: someone else's lead and a missing one are the same 404, in one statement", async () => {
    const mine = await read(busy, t.keys.bob);
    expect(mine.res.statusCode).toBe(200);
    expect(mine.statements).toBe(1);
    const theirs = await read(busy, t.keys.alice);
    const missing = await read("no-such-lead", t.keys.alice);
    expect(theirs.res.statusCode).toBe(404);
    expect(missing.res.statusCode).toBe(404);
    expect(theirs.statements).toBe(1);
    expect(missing.statements).toBe(1);
    expect(theirs.res.json().code).toBe(missing.res.json().code);
    expect(theirs.res.json().detail).toBe(`Lead ${busy} does not exist`);
  });

  it("adds one ledger read for a score stored without explanation (a full rescore's), and derives the same explanation", async () => {
    const id = ids[0] as string;
    const stored = (await read(id, t.keys.manager)).res.json().score.explanation;
    expect(stored).not.toBeNull();
    await storage.sql.query("UPDATE lead_scores SET explanation = NULL WHERE lead_id = $1", [id]);
    await read(id, t.keys.manager); // compiles and caches the score's model
    const { res, statements } = await read(id, t.keys.manager);
    expect(statements).toBe(2);
    expect(res.json().score.explanation).toEqual(stored);
  });

  it("carries as many of the most recent events as asked (0-200, 20 by default), the count of all, and a cursor when more follow", async () => {
    for (const shown of [0, 1, 7, 20, 200]) {
      const { res, statements } = await read(busy, t.keys.manager, `?events=${shown}`);
      expect(res.statusCode).toBe(200);
      expect(statements).toBe(1);
      const expected = await perTableDetail(storage.sql, busy, shown);
      expect(masked(res.json())).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(res.json().events).toHaveLength(shown);
      expect(res.json().eventCount).toBe(busyEvents);
    }
    // As many as there are, or more: no cursor; none at all: count 0.
    const exact = (await read(busy, t.keys.manager, `?events=${Math.min(200, busyEvents)}`)).res.json();
    expect(busyEvents).toBeGreaterThan(200);
    expect(exact.eventsNextCursor).not.toBeNull();
    const few = await storage.sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM events WHERE lead_id = $1",
      [ids[0]],
    );
    const n0 = few.rows[0]?.n as number;
    expect(n0).toBeGreaterThan(1);
    for (const [shown, cursor] of [
      [n0, false],
      [n0 + 1, false],
      [n0 - 1, true],
    ] as const) {
      const d = (await read(ids[0] as string, t.keys.manager, `?events=${shown}`)).res.json();
      expect(d.events).toHaveLength(Math.min(shown, n0));
      expect(d.eventCount).toBe(n0);
      expect(d.eventsNextCursor !== null).toBe(cursor);
    }
    const none = (await read(quiet, t.keys.manager)).res.json();
    expect([none.events, none.eventCount, none.eventsNextCursor]).toEqual([[], 0, null]);
    for (const bad of ["-1", "201", "1.5", "many"]) {
      const { res } = await read(busy, t.keys.manager, `?events=${bad}`);
      expect(res.statusCode).toBe(422);
    }
  });

  it("pages from the detail's cursor through GET /v1/leads/:id/events to the lead's oldest event, each once, in order (microsecond ties by id)", async () => {
    const all = (
      await storage.sql.query<{ id: string }>(
        "SELECT id FROM events WHERE lead_id = $1 ORDER BY occurred_at DESC, id",
        [busy],
      )
    ).rows.map((r) => r.id);
    await walkFromDetail("events", all, [
      [7, 13],
      [20, 100],
      [1, 1000],
      [1, all.length - 1],
    ]);
    // Without a cursor the list starts at the newest; `since` still bounds it.
    const first = (
      await t.app.inject({ url: `/v1/leads/${busy}/events?limit=5`, headers: t.as(t.keys.bob) })
    ).json();
    expect(first.data.map((e: { id: string }) => e.id)).toEqual(all.slice(0, 5));
    expect(first.nextCursor).toEqual(expect.any(String));
  });

  it("refuses a cursor that is not one with 400 WINNOW_ERR_INVALID_CURSOR, and someone else's lead's events with 404", async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    for (const bad of [
      "nope",
      b64(["yesterday", "x"]),
      b64(["2026-01-01T00:00:00Z"]),
      b64({ at: 1 }),
      b64(["2026-13-45T00:00:00Z", "x"]),
    ]) {
      const res = await t.app.inject({
        url: `/v1/leads/${busy}/events?cursor=${encodeURIComponent(bad)}`,
        headers: t.as(t.keys.manager),
      });
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().code).toBe("WINNOW_ERR_INVALID_CURSOR");
    }
    const cursor = (await read(busy, t.keys.manager)).res.json().eventsNextCursor;
    const theirs = await t.app.inject({
      url: `/v1/leads/${busy}/events?cursor=${encodeURIComponent(cursor)}`,
      headers: t.as(t.keys.alice),
    });
    expect(theirs.statusCode).toBe(404);
  });

  it("carries as many of the most recent history entries as asked (0-500, 50 by default), the count of all, and a cursor when more follow", async () => {
    const total = (
      await storage.sql.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM lead_history WHERE lead_id = $1",
        [busy],
      )
    ).rows[0]?.n as number;
    expect(total).toBeGreaterThan(500);
    for (const shown of [0, 1, 50, 500]) {
      const { res, statements } = await read(busy, t.keys.manager, `?history=${shown}`);
      expect(res.statusCode).toBe(200);
      expect(statements).toBe(1);
      expect(masked(res.json())).toEqual(
        JSON.parse(JSON.stringify(await perTableDetail(storage.sql, busy, 20, shown))),
      );
      expect(res.json().history).toHaveLength(shown);
      expect(res.json().historyCount).toBe(total);
      expect(res.json().historyNextCursor !== null).toBe(shown > 0);
    }
    // A lead with few entries: exactly as many, or more, gives no cursor.
    const n0 = (
      await storage.sql.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM lead_history WHERE lead_id = $1",
        [ids[0]],
      )
    ).rows[0]?.n as number;
    expect(n0).toBeGreaterThan(1);
    for (const [shown, cursor] of [
      [n0, false],
      [n0 + 1, false],
      [n0 - 1, true],
    ] as const) {
      const d = (await read(ids[0] as string, t.keys.manager, `?history=${shown}`)).res.json();
      expect(d.history).toHaveLength(Math.min(shown, n0));
      expect(d.historyCount).toBe(n0);
      expect(d.historyNextCursor !== null).toBe(cursor);
    }
    for (const bad of ["-1", "501", "2.5", "all"]) {
      const { res } = await read(busy, t.keys.manager, `?history=${bad}`);
      expect(res.statusCode).toBe(422);
    }
  });

  it("pages from the detail's history cursor through GET /v1/leads/:id/history to the oldest entry, each once, newest first (microsecond ties by id), and filters by kind", async () => {
    const all = (
      await storage.sql.query<{ id: string }>(
        "SELECT id FROM lead_history WHERE lead_id = $1 ORDER BY at DESC, id DESC",
        [busy],
      )
    ).rows.map((r) => Number(r.id));
    await walkFromDetail("history", all, [
      [7, 13],
      [50, 100],
      [1, 1000],
      [1, all.length - 1],
    ]);
    // Kinds: only those, still newest first, paged the same way.
    const stages = (
      await storage.sql.query<{ id: string }>(
        "SELECT id FROM lead_history WHERE lead_id = $1 AND kind IN ('stage', 'owner') ORDER BY at DESC, id DESC",
        [busy],
      )
    ).rows.map((r) => Number(r.id));
    expect(stages.length).toBeGreaterThan(80);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `kind=stage,owner&limit=30${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = (
        await t.app.inject({ url: `/v1/leads/${busy}/history?${q}`, headers: t.as(t.keys.bob) })
      ).json();
      expect(page.data.every((h: { kind: string }) => h.kind === "stage" || h.kind === "owner")).toBe(true);
      seen.push(...page.data.map((h: { id: number }) => h.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(stages);
    const badKind = await t.app.inject({
      url: `/v1/leads/${busy}/history?kind=stage,weather`,
      headers: t.as(t.keys.bob),
    });
    expect(badKind.statusCode).toBe(422);
  });

  it("refuses an events cursor for history (and the reverse) and a cursor that is not one with 400, and someone else's lead's history with 404", async () => {
    const detail = (await read(busy, t.keys.manager)).res.json();
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    for (const bad of [
      detail.eventsNextCursor,
      "nope",
      b64(["2026-01-01T00:00:00Z", "12"]),
      b64(["2026-01-01T00:00:00Z", 1.5]),
      b64(["2026-01-01T00:00:00Z", -3]),
      b64(["2026-13-45T00:00:00Z", 4]),
    ]) {
      const res = await t.app.inject({
        url: `/v1/leads/${busy}/history?cursor=${encodeURIComponent(bad)}`,
        headers: t.as(t.keys.manager),
      });
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().code).toBe("WINNOW_ERR_INVALID_CURSOR");
    }
    const wrong = await t.app.inject({
      url: `/v1/leads/${busy}/events?cursor=${encodeURIComponent(detail.historyNextCursor)}`,
      headers: t.as(t.keys.manager),
    });
    expect(wrong.statusCode).toBe(400);
    const theirs = await t.app.inject({
      url: `/v1/leads/${busy}/history?cursor=${encodeURIComponent(detail.historyNextCursor)}`,
      headers: t.as(t.keys.alice),
    });
    expect(theirs.statusCode).toBe(404);
  });
});

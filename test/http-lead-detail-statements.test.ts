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
// to the answer the per-table reads give.

/** The detail as one plain query per table reads it (what leadDetail did before it was one statement). */
async function perTableDetail(sql: SqlClient, id: string): Promise<LeadDetail | null> {
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
      await all("SELECT * FROM events WHERE lead_id = $1 ORDER BY occurred_at DESC, id LIMIT 200")
    ).map(toEvent),
    activities: (
      await all("SELECT * FROM activities WHERE lead_id = $1 ORDER BY occurred_at DESC, id LIMIT 200")
    ).map(toActivity),
    deals: (await all("SELECT * FROM deals WHERE lead_id = $1 ORDER BY created_at, id")).map(toDeal),
    history: (await all("SELECT * FROM lead_history WHERE lead_id = $1 ORDER BY at, id")).map(toHistory),
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

  beforeAll(async () => {
    storage = await freshStorage(engine);
    await seedDemoWorkspace(storage, { leads: 12, accounts: 4 });
    ids = (await storage.sql.query<{ id: string }>("SELECT id FROM leads ORDER BY id")).rows.map((r) => r.id);
    busy = ids[1] as string;
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
    await storage.sql.query("UPDATE leads SET owner_id = 'bob' WHERE id = $1", [busy]);
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

  const read = async (id: string, key: string) => {
    count.n = 0;
    const res = await t.app.inject({ url: `/v1/leads/${id}`, headers: t.as(key) });
    return { res, statements: count.n };
  };

  it("answers every lead with one statement, the same detail as one read per table", async () => {
    for (const id of ids) {
      const { res, statements } = await read(id, t.keys.manager);
      expect(res.statusCode).toBe(200);
      expect(statements).toBe(1);
      const detail = await storage.queries.leadDetail(id);
      expect(JSON.stringify(detail)).toBe(JSON.stringify(await perTableDetail(storage.sql, id)));
      expect(res.json()).toEqual(JSON.parse(JSON.stringify(detail)));
    }
    const busyDetail = (await read(busy, t.keys.manager)).res.json();
    expect(busyDetail.events).toHaveLength(200);
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
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rescoreAfterIngest } from "../src/http/start-server.ts";
import type { EventInput, IngestOutcome, Storage } from "../src/storage/ports.ts";
import { freshStorage } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";

describe.each(ENGINES)("event ingest: group writes and what follows them (%s)", (engine) => {
  let storage: Storage;
  let t: TestApi;
  let leadId = "";
  const calls: { events: readonly EventInput[]; outcomes: readonly IngestOutcome[] }[] = [];
  let failNext = false;
  beforeAll(async () => {
    storage = await freshStorage(engine);
    t = await startTestApi(
      storage,
      {},
      {
        afterIngest: async (events, outcomes) => {
          calls.push({ events, outcomes });
          if (failNext) {
            failNext = false;
            throw new Error("rescoring broke");
          }
        },
      },
    );
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/leads",
      headers: t.as(t.keys.ingest),
      payload: { contact: { email: "ingest@example.com" } },
    });
    leadId = res.json().lead.id;
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
  });
  const post = (key: string, lead = leadId) =>
    t.app.inject({
      method: "POST",
      url: "/v1/events",
      headers: t.as(t.keys.ingest),
      payload: { key, leadId: lead, type: "page_view", occurredAt: "2026-03-01T10:00:00Z" },
    });

  it("runs the after-ingest work in the background, coalesced over group writes, with every event", async () => {
    calls.length = 0;
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => post(`g:${i}`)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(12).fill(201));
    await t.app.winnow.afterIngest.idle();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.length).toBeLessThan(12);
    const seen = calls.flatMap((c) => c.events.map((e) => e.key));
    expect(seen.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `g:${i}`).sort());
    // Outcomes line up with the group's events (index into that group).
    for (const c of calls)
      expect(c.outcomes.map((o) => c.events[o.index]?.key)).toEqual(c.events.map((e) => e.key));
  });

  it("answers a stored event as stored even when the work after it fails, and a retry is a duplicate", async () => {
    failNext = true;
    const first = await post("after-fails");
    expect(first.statusCode).toBe(201);
    const again = await post("after-fails");
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe("duplicate");
    const stored = await storage.sql.query(
      "SELECT count(*)::int AS n FROM events WHERE idempotency_key = $1",
      ["after-fails"],
    );
    expect(stored.rows[0]?.["n"]).toBe(1);
    // The failure is logged and the queue goes on: the next event's work still runs.
    await t.app.winnow.afterIngest.idle();
    calls.length = 0;
    expect((await post("after-the-failure")).statusCode).toBe(201);
    await t.app.winnow.afterIngest.idle();
    expect(calls.flatMap((c) => c.events.map((e) => e.key))).toEqual(["after-the-failure"]);
  });

  it("stores a key sent by many concurrent requests once (groups written side by side on PostgreSQL)", async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => post(i % 4 === 0 ? "same-key" : `side:${i}`)),
    );
    const same = answers.filter((_, i) => i % 4 === 0);
    expect(same.filter((a) => a.statusCode === 201)).toHaveLength(1);
    expect(same.filter((a) => a.statusCode === 200)).toHaveLength(same.length - 1);
    expect(new Set(same.map((a) => a.json().id)).size).toBe(1);
    const stored = await storage.sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM events WHERE idempotency_key = 'same-key'",
    );
    expect(stored.rows[0]?.n).toBe(1);
  });

  it("refuses one request naming a missing lead without failing the others in its group", async () => {
    const [good, bad] = await Promise.all([post("ok:1"), post("bad:1", "no-such-lead")]);
    expect(good.statusCode).toBe(201);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().issues[0].path).toMatch(/leadId/);
  });
});

describe.each(ENGINES)(
  "event ingest: answered before the work after it, unless ?wait=score (%s)",
  (engine) => {
    let storage: Storage;
    let leadId = "";
    beforeAll(async () => {
      storage = await freshStorage(engine);
    });
    afterAll(async () => {
      await storage.close();
    });

    /** An app whose after-ingest work waits for `release()`; `seen` lists the keys it has done. */
    async function gatedApi() {
      let release = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const seen: (string | null | undefined)[] = [];
      const t = await startTestApi(
        storage,
        {},
        {
          afterIngest: async (events) => {
            await gate;
            seen.push(...events.map((e) => e.key));
          },
        },
      );
      if (!leadId) {
        const res = await t.app.inject({
          method: "POST",
          url: "/v1/leads",
          headers: t.as(t.keys.ingest),
          payload: { contact: { email: "gated@example.com" } },
        });
        leadId = res.json().lead.id;
      }
      const post = (key: string, query = "") =>
        t.app.inject({
          method: "POST",
          url: `/v1/events${query}`,
          headers: t.as(t.keys.ingest),
          payload: { key, leadId, type: "page_view", occurredAt: "2026-03-01T10:00:00Z" },
        });
      return { t, seen, release, post };
    }

    it("answers once the events are stored, and ?wait=score once the work after them is done", async () => {
      const { t, seen, release, post } = await gatedApi();
      try {
        expect((await post("bg:1")).statusCode).toBe(201);
        expect(seen).toEqual([]);
        let answered = false;
        const waiting = post("bg:2", "?wait=score").then((r) => {
          answered = true;
          return r;
        });
        // The event is stored (a retry is a duplicate) while its request still waits for the work.
        expect((await post("bg:2")).json().status).toBe("duplicate");
        expect(answered).toBe(false);
        release();
        expect((await waiting).statusCode).toBe(201);
        expect(seen).toContain("bg:2");
        expect((await post("bg:3", "?wait=soon")).statusCode).toBe(422);
      } finally {
        release();
        await t.close();
      }
    });

    it("closing the app finishes the queued work first (graceful shutdown loses no rescore)", async () => {
      const { t, seen, release, post } = await gatedApi();
      const keys = ["sd:1", "sd:2", "sd:3"];
      for (const key of keys) expect((await post(key)).statusCode).toBe(201);
      expect(seen).toEqual([]);
      let closed = false;
      const closing = t.close().then(() => {
        closed = true;
      });
      // Without draining, closing an app that never listened takes a few turns of the event loop.
      for (let turn = 0; turn < 50 && !closed; turn++) await new Promise((r) => setImmediate(r));
      expect(closed).toBe(false);
      release();
      await closing;
      expect(seen.sort()).toEqual(keys);
    });
  },
);

describe.each(ENGINES)("event ingest: the background rescore (%s)", (engine) => {
  let storage: Storage;
  let t: TestApi;
  const crossings: { leadId: string; threshold: string; direction: string }[] = [];
  const leads: string[] = [];
  beforeAll(async () => {
    storage = await freshStorage(engine);
    const at = new Date().toISOString();
    const draft = await storage.scoringModels.createDraft({
      name: "count",
      document: {
        id: "count",
        name: "count",
        version: 1,
        engagement: { rules: [{ id: "view", event: "page_view", points: 3 }] },
        thresholds: [{ id: "mql", metric: "total", atLeast: 9, action: "become_mql" }],
      },
      createdBy: "test",
      createdAt: at,
    });
    await storage.scoringModels.publish(draft.id, "test", at);
    await storage.scoringModels.setDefault(draft.id);
    t = await startTestApi(
      storage,
      {},
      {
        afterIngest: rescoreAfterIngest(storage, async (change) => {
          for (const c of change.crossings)
            crossings.push({ leadId: change.leadId, threshold: c.threshold, direction: c.direction });
        }),
      },
    );
    for (let i = 0; i < 8; i++) {
      const res = await t.app.inject({
        method: "POST",
        url: "/v1/leads",
        headers: t.as(t.keys.ingest),
        payload: { contact: { email: `ledger${i}@example.com` } },
      });
      leads.push(res.json().lead.id);
    }
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
  });

  it("gives each lead exactly the score of its own ledger, and announces each crossing once", async () => {
    // Lead i gets 1 + i % 5 page views, from single posts and batches racing each other.
    const events = leads.flatMap((leadId, i) =>
      Array.from({ length: 1 + (i % 5) }, (_, k) => ({
        key: `ledger:${i}:${k}`,
        leadId,
        type: "page_view",
        occurredAt: new Date(Date.UTC(2026, 2, 1, 10, i, k)).toISOString(),
      })),
    );
    const answers = await Promise.all([
      ...events
        .filter((_, n) => n % 2 === 0)
        .map((payload) =>
          t.app.inject({ method: "POST", url: "/v1/events", headers: t.as(t.keys.ingest), payload }),
        ),
      t.app.inject({
        method: "POST",
        url: "/v1/events/batch",
        headers: t.as(t.keys.ingest),
        payload: { events: events.filter((_, n) => n % 2 === 1) },
      }),
    ]);
    expect(answers.every((a) => a.statusCode === 201 || a.statusCode === 200)).toBe(true);
    await t.app.winnow.afterIngest.idle();
    const scores = await storage.sql.query<{ lead_id: string; engagement: number }>(
      "SELECT lead_id, engagement FROM lead_scores WHERE lead_id = ANY($1::text[])",
      [leads],
    );
    const got = new Map(scores.rows.map((r) => [r.lead_id, Number(r.engagement)]));
    expect(leads.map((id) => got.get(id))).toEqual(leads.map((_, i) => 3 * (1 + (i % 5))));
    // Total ≥ 9 means 3 views or more: those leads crossed `mql` upward exactly once.
    const crossed = leads.filter((_, i) => 1 + (i % 5) >= 3);
    expect(crossings.map((c) => c.leadId).sort()).toEqual([...crossed].sort());
    expect(crossings.every((c) => c.threshold === "mql" && c.direction === "up")).toBe(true);
  });
});

describe.each(ENGINES)("event ingest: the API-key cache and revocation (%s)", (engine) => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await freshStorage(engine);
  });
  afterAll(async () => {
    await storage.close();
  });

  it("a key revoked through this server stops at once; through another, within the cache time", async () => {
    let clock = Date.parse("2026-03-01T10:00:00Z");
    const now = () => new Date(clock);
    // Two servers on one database, as two processes would be.
    const a = await startTestApi(storage, { keyCacheMs: 5000 }, { now });
    const b = await startTestApi(storage, { keyCacheMs: 5000 }, { now });
    try {
      const lead = await a.app.inject({
        method: "POST",
        url: "/v1/leads",
        headers: a.as(a.keys.ingest),
        payload: { contact: { email: "revoked@example.com" } },
      });
      const leadId = lead.json().lead.id;
      const created = await a.app.inject({
        method: "POST",
        url: "/v1/keys",
        headers: a.as(a.keys.admin),
        payload: { name: "feeder", role: "ingest" },
      });
      const { key, id } = created.json();
      let n = 0;
      const post = (t: typeof a) =>
        t.app.inject({
          method: "POST",
          url: "/v1/events",
          headers: t.as(key),
          payload: { key: `rv:${n++}`, leadId, type: "page_view", occurredAt: "2026-03-01T10:00:00Z" },
        });
      // Both servers have verified (and cached) the key.
      expect((await post(a)).statusCode).toBe(201);
      expect((await post(b)).statusCode).toBe(201);
      const revoked = await b.app.inject({
        method: "POST",
        url: `/v1/keys/${id}/revoke`,
        headers: b.as(b.keys.admin),
      });
      expect(revoked.statusCode).toBe(200);
      expect((await post(b)).statusCode).toBe(401);
      // The other server trusts its cached verdict until it is older than keyCacheMs, then asks again.
      expect((await post(a)).statusCode).toBe(201);
      clock += 5001;
      expect((await post(a)).statusCode).toBe(401);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

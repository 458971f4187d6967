import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

  it("runs the after-ingest work once per group write, with every event of the group", async () => {
    calls.length = 0;
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => post(`g:${i}`)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(12).fill(201));
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
  });

  it("refuses one request naming a missing lead without failing the others in its group", async () => {
    const [good, bad] = await Promise.all([post("ok:1"), post("bad:1", "no-such-lead")]);
    expect(good.statusCode).toBe(201);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().issues[0].path).toMatch(/leadId/);
  });
});

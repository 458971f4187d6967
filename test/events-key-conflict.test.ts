import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isWinnowError, type WinnowError } from "../src/core/errors.ts";
import type { Storage } from "../src/storage/ports.ts";
import { freshStorage } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";

// A retry resends the same event under the same key; the same key with another event is a client
// bug that used to be answered "duplicate" while the new event was silently dropped.
describe.each(ENGINES)("event idempotency key reused for a different event (%s)", (engine) => {
  let storage: Storage;
  let t: TestApi;
  let leadId = "";
  let otherLead = "";
  beforeAll(async () => {
    storage = await freshStorage(engine);
    t = await startTestApi(storage);
    const lead = async (email: string) =>
      (
        await t.app.inject({
          method: "POST",
          url: "/v1/leads",
          headers: t.as(t.keys.ingest),
          payload: { contact: { email } },
        })
      ).json().lead.id as string;
    leadId = await lead("key-conflict@example.com");
    otherLead = await lead("key-conflict-2@example.com");
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
  });
  const event = (key: string, extra: Record<string, unknown> = {}) => ({
    key,
    leadId,
    type: "page_view",
    occurredAt: "2026-03-01T10:00:00Z",
    properties: { path: "/pricing", n: 1 },
    ...extra,
  });
  const post = (payload: Record<string, unknown>) =>
    t.app.inject({
      method: "POST",
      url: payload["events"] ? "/v1/events/batch" : "/v1/events",
      headers: t.as(t.keys.ingest),
      payload,
    });

  it("answers 409 WINNOW_ERR_EVENT_KEY_CONFLICT over HTTP, and a true retry stays a duplicate", async () => {
    expect((await post(event("kc-1"))).statusCode).toBe(201);
    // Same event, properties in another order and the time in another zone: a duplicate.
    const retry = await post(
      event("kc-1", { occurredAt: "2026-03-01T11:00:00+01:00", properties: { n: 1, path: "/pricing" } }),
    );
    expect([retry.statusCode, retry.json().status]).toEqual([200, "duplicate"]);
    for (const change of [
      { properties: { path: "/careers", n: 1 } },
      { type: "demo_request" },
      { occurredAt: "2026-03-01T10:00:01Z" },
      { leadId: otherLead },
    ]) {
      const res = await post(event("kc-1", change));
      expect([res.statusCode, res.json().code]).toEqual([409, "WINNOW_ERR_EVENT_KEY_CONFLICT"]);
    }
  });

  it("stores nothing of a batch with a conflict, whether with a stored event or inside the batch", async () => {
    const stored = await post({ events: [event("kc-2"), event("kc-3", { type: "signup" })] });
    expect(stored.statusCode).toBe(200);
    const withStored = await post({ events: [event("kc-4"), event("kc-2", { type: "other" })] });
    expect([withStored.statusCode, withStored.json().code]).toEqual([409, "WINNOW_ERR_EVENT_KEY_CONFLICT"]);
    const inside = await post({ events: [event("kc-5"), event("kc-5", { properties: {} })] });
    expect([inside.statusCode, inside.json().code]).toEqual([409, "WINNOW_ERR_EVENT_KEY_CONFLICT"]);
    const keys = (await storage.events.listForLead(leadId)).map((e) => e.idempotencyKey).sort();
    expect(keys).toEqual(["kc-1", "kc-2", "kc-3"]);
  });

  it("names the conflicting event in the storage error", async () => {
    let error: WinnowError | null = null;
    try {
      await storage.events.ingest([
        { key: "kc-6", leadId, type: "a", occurredAt: "2026-03-01T10:00:00Z" },
        { key: "kc-3", leadId, type: "not-signup", occurredAt: "2026-03-01T10:00:00Z" },
      ]);
    } catch (e) {
      if (isWinnowError(e)) error = e;
    }
    expect(error?.code).toBe("WINNOW_ERR_EVENT_KEY_CONFLICT");
    expect(error?.issues).toEqual([
      {
        path: "[1].key",
        message: expect.stringContaining('key "kc-3" is already stored for a different event'),
      },
    ]);
  });
});

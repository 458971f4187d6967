import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plainEvent } from "../src/http/routes/events-fast-path.ts";
import { EventInput } from "../src/http/schemas/records.ts";
import type { Storage } from "../src/storage/ports.ts";
import { freshStorage } from "./helpers/db.ts";
import { startTestApi, type TestApi } from "./helpers/http.ts";

const valid = {
  key: "k-1",
  leadId: "lead-1",
  type: "page_view",
  occurredAt: "2026-03-01T10:00:00Z",
  properties: { path: "/pricing", n: 3, ok: true, none: null },
};

/** The fast path agrees with zod: it accepts only what zod accepts, and gives what zod gives. */
function agrees(body: unknown): void {
  const fast = plainEvent(body);
  const zod = EventInput.safeParse(body);
  if (fast !== null) {
    expect(zod.success).toBe(true);
    expect(fast).toEqual(zod.data);
  }
  if (!zod.success) expect(fast).toBeNull();
}

describe("POST /v1/events fast path (validation without zod for plainly valid events)", () => {
  it("takes the common event, and gives exactly zod's value", () => {
    expect(plainEvent(valid)).toEqual(EventInput.parse(valid));
    const { key: _k, properties: _p, ...bare } = valid;
    expect(plainEvent(bare)).toEqual(EventInput.parse(bare));
    // Unknown keys are dropped, as zod drops them.
    expect(plainEvent({ ...valid, extra: 1 })).toEqual(EventInput.parse({ ...valid, extra: 1 }));
  });

  it("leaves every doubtful body to zod (so that its errors are unchanged)", () => {
    const doubtful: unknown[] = [
      null,
      [],
      "text",
      {},
      { ...valid, key: null },
      { ...valid, key: "" },
      { ...valid, key: "x".repeat(201) },
      { ...valid, leadId: "" },
      { ...valid, leadId: 7 },
      { ...valid, type: "x".repeat(101) },
      { ...valid, occurredAt: "yesterday" },
      { ...valid, occurredAt: "2026-03-01T10:00:00" },
      { ...valid, occurredAt: "2026-03-01" },
      { ...valid, occurredAt: 1_700_000_000_000 },
      { ...valid, properties: null },
      { ...valid, properties: [] },
      { ...valid, properties: { nested: { a: 1 } } },
      { ...valid, properties: { list: [1] } },
      { ...valid, properties: { nan: Number.NaN } },
    ];
    for (const body of doubtful) {
      expect(plainEvent(body)).toBeNull();
      agrees(body);
    }
    for (const at of [
      "2026-03-01T10:00:00.123Z",
      "2026-03-01T10:00:00+02:00",
      "2026-03-01T10:00:00.1234567-05:30",
    ])
      agrees({ ...valid, occurredAt: at });
  });

  it("agrees with zod on generated bodies", () => {
    const text = fc.oneof(
      fc.string({ maxLength: 3 }),
      fc.string({ minLength: 99, maxLength: 102 }),
      fc.constant(""),
    );
    const value = fc.oneof(
      fc.string(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.array(fc.integer(), { maxLength: 2 }),
    );
    const body = fc.record(
      {
        key: fc.oneof(text, fc.constant(null), fc.integer()),
        leadId: fc.oneof(text, fc.integer()),
        type: text,
        occurredAt: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.constantFrom("2026-03-01T10:00:00+01:00", "2026-02-30T10:00:00Z", "2026-03-01 10:00:00Z", ""),
          fc.string(),
        ),
        properties: fc.oneof(
          fc.dictionary(fc.string(), value, { maxKeys: 3 }),
          fc.constant(null),
          fc.array(value),
        ),
        other: value,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(body, (b) => agrees(b)),
      { numRuns: 2000 },
    );
  });
});

describe("POST /v1/events answers (fast path) on pglite", () => {
  let storage: Storage;
  let t: TestApi;
  let leadId = "";
  beforeAll(async () => {
    storage = await freshStorage("pglite");
    t = await startTestApi(storage);
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/leads",
      headers: t.as(t.keys.ingest),
      payload: { contact: { email: "fast@example.com" } },
    });
    leadId = res.json().lead.id;
  });
  afterAll(async () => {
    await t?.close();
    await storage?.close();
  });

  it("answers the outcome as its schema has it, and bad bodies with zod's problem", async () => {
    const post = (payload: unknown, url = "/v1/events") =>
      t.app.inject({ method: "POST", url, headers: t.as(t.keys.ingest), payload: payload as object });
    const body = { key: "fast-1", leadId, type: "page_view", occurredAt: "2026-03-01T10:00:00Z", extra: 1 };
    const created = await post(body);
    expect(created.statusCode).toBe(201);
    expect(created.headers["content-type"]).toMatch(/^application\/json/);
    const id = created.json().id;
    expect(created.body).toBe(`{"index":0,"id":${JSON.stringify(id)},"status":"created"}`);
    const again = await post(body, "/v1/events?wait=score");
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(`{"index":0,"id":${JSON.stringify(id)},"status":"duplicate"}`);
    const bad = await post({ ...body, key: "", occurredAt: "soon" });
    expect(bad.statusCode).toBe(422);
    const problem = bad.json();
    expect(problem.code).toBe("WINNOW_ERR_VALIDATION");
    expect(problem.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      "body.key",
      "body.occurredAt",
    ]);
    const query = await post(body, "/v1/events?wait=later");
    expect(query.statusCode).toBe(422);
    expect(query.json().issues[0].path).toMatch(/wait/);
    const missing = await post({ ...body, key: "fast-2", leadId: "no-such-lead" });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().code).toBe("WINNOW_ERR_REFERENCE_NOT_FOUND");
  });
});

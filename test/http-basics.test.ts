import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storage } from "../src/storage/ports.ts";
import { freshStorage } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";

describe.each(ENGINES)("http basics (%s)", (engine) => {
  let storage: Storage;
  let t: TestApi;
  beforeAll(async () => {
    storage = await freshStorage(engine);
    t = await startTestApi(storage);
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
  });

  it("answers liveness and readiness without a key", async () => {
    expect((await t.app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    const ready = await t.app.inject({ url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ready" });
  });

  it("serves an OpenAPI document describing every route, and a browsable page", async () => {
    const doc = (await t.app.inject({ url: "/openapi.json" })).json();
    expect(doc.openapi).toBe("3.0.3");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/healthz", "/v1/keys", "/v1/webhooks", "/v1/webhooks/{id}/deliveries"]),
    );
    expect(
      doc.paths["/v1/keys"].post.requestBody.content["application/json"].schema.properties.role.enum,
    ).toEqual(["admin", "manager", "rep", "ingest"]);
    const page = await t.app.inject({ url: "/docs/" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
  });

  it("answers unknown routes with a problem+json 404", async () => {
    const res = await t.app.inject({ url: "/v1/nope" });
    expect(res.statusCode).toBe(404);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json()).toMatchObject({
      status: 404,
      code: "WINNOW_ERR_ROUTE_NOT_FOUND",
      type: "urn:winnow:error:WINNOW_ERR_ROUTE_NOT_FOUND",
      instance: "/v1/nope",
    });
  });

  it("refuses requests without a key, with a malformed key, or an unknown key (401)", async () => {
    for (const headers of [
      {},
      { authorization: "Basic abc" },
      { authorization: "Bearer wnw_doesnotexist" },
    ]) {
      const res = await t.app.inject({ url: "/v1/keys", headers });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe("WINNOW_ERR_UNAUTHORIZED");
    }
  });

  it("keeps key management to admins (403 for the other roles)", async () => {
    for (const key of [t.keys.manager, t.keys.alice, t.keys.ingest]) {
      const res = await t.app.inject({ url: "/v1/keys", headers: t.as(key) });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("WINNOW_ERR_FORBIDDEN");
    }
  });

  it("creates a key shown once, lists keys without secrets, and revokes at once", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/v1/keys",
      headers: t.as(t.keys.admin),
      payload: { name: "ci", role: "manager" },
    });
    expect(created.statusCode).toBe(201);
    const { key, id, hint } = created.json();
    expect(key).toMatch(/^wnw_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(hint)).toBe(true);
    const list = await t.app.inject({ url: "/v1/keys", headers: t.as(t.keys.admin) });
    expect(list.body).not.toContain(key);
    expect(list.json().data.map((k: { name: string }) => k.name)).toContain("ci");
    const raw = await t.storage.sql.query<{ key_hash: string }>(
      "SELECT key_hash FROM api_keys WHERE id = $1",
      [id],
    );
    expect(raw.rows[0]?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(raw.rows)).not.toContain(key);

    expect(
      (await t.app.inject({ method: "POST", url: "/v1/webhooks", headers: t.as(key), payload: {} }))
        .statusCode,
    ).toBe(403);
    const revoked = await t.app.inject({
      method: "POST",
      url: `/v1/keys/${id}/revoke`,
      headers: t.as(t.keys.admin),
    });
    expect(revoked.json().revokedAt).not.toBeNull();
    const after = await t.app.inject({ url: "/v1/keys", headers: t.as(key) });
    expect(after.statusCode).toBe(401);
    const missing = await t.app.inject({
      method: "POST",
      url: "/v1/keys/nope/revoke",
      headers: t.as(t.keys.admin),
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe("WINNOW_ERR_NOT_FOUND");
  });

  it("reports invalid bodies and queries as 422 with field paths", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/keys",
      headers: t.as(t.keys.admin),
      payload: { name: "", role: "boss" },
    });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.code).toBe("WINNOW_ERR_VALIDATION");
    expect(body.issues.map((i: { path: string }) => i.path).sort()).toEqual(["body.name", "body.role"]);
    const rep = await t.app.inject({
      method: "POST",
      url: "/v1/keys",
      headers: t.as(t.keys.admin),
      payload: { name: "r", role: "rep" },
    });
    expect(rep.json().issues).toEqual([
      { path: "body.subject", message: "a rep key needs the owner id it acts as" },
    ]);
    const q = await t.app.inject({ url: "/v1/webhooks/x/deliveries?limit=0", headers: t.as(t.keys.admin) });
    expect(q.statusCode).toBe(422);
    expect(q.json().issues[0].path).toBe("query.limit");
  });

  it("answers malformed JSON with 400 and a non-JSON body with 415", async () => {
    const bad = await t.app.inject({
      method: "POST",
      url: "/v1/keys",
      headers: { ...t.as(t.keys.admin), "content-type": "application/json" },
      payload: "{nope",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe("WINNOW_ERR_BAD_REQUEST");
    const text = await t.app.inject({
      method: "POST",
      url: "/v1/keys",
      headers: { ...t.as(t.keys.admin), "content-type": "text/plain" },
      payload: "hi",
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().code).toBe("WINNOW_ERR_UNSUPPORTED_MEDIA_TYPE");
  });

  it("sends no CORS headers by default", async () => {
    const res = await t.app.inject({ url: "/healthz", headers: { origin: "https://evil.example" } });
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("rate-limits per key with 429 problem+json and Retry-After", async () => {
    const t = await startTestApi(storage, { rateLimit: { max: 3, windowMs: 60_000 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++)
        codes.push((await t.app.inject({ url: "/v1/keys", headers: t.as(t.keys.admin) })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      const limited = await t.app.inject({ url: "/v1/keys", headers: t.as(t.keys.admin) });
      expect(limited.json().code).toBe("WINNOW_ERR_RATE_LIMITED");
      expect(limited.headers["retry-after"]).toBeDefined();
      // Another key has its own budget; health checks are never limited.
      expect((await t.app.inject({ url: "/v1/keys", headers: t.as(t.keys.manager) })).statusCode).toBe(403);
      for (let i = 0; i < 5; i++) expect((await t.app.inject({ url: "/healthz" })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it("answers CORS only for configured origins", async () => {
    const t = await startTestApi(storage, { corsOrigins: ["https://app.example"] });
    try {
      const pre = await t.app.inject({
        method: "OPTIONS",
        url: "/v1/keys",
        headers: { origin: "https://app.example", "access-control-request-method": "POST" },
      });
      expect(pre.statusCode).toBe(204);
      expect(pre.headers["access-control-allow-origin"]).toBe("https://app.example");
      const other = await t.app.inject({ url: "/healthz", headers: { origin: "https://evil.example" } });
      expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it("reports not ready (503) when the database does not answer", async () => {
    const t = await startTestApi(
      storage,
      {},
      { ping: () => Promise.reject(new Error("connection refused")) },
    );
    try {
      const res = await t.app.inject({ url: "/readyz" });
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe("WINNOW_ERR_NOT_READY");
    } finally {
      await t.close();
    }
  });

  it("finishes in-flight requests when closing, then refuses connections", async () => {
    const t = await startTestApi(storage);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((r) => {
      entered = r;
    });
    t.app.get("/slow", { config: { permission: "public" } }, async () => {
      entered();
      await gate;
      return { done: true };
    });
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    const address = t.app.server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const pending = fetch(`http://127.0.0.1:${port}/slow`).then(async (r) => ({
      status: r.status,
      body: await r.json(),
    }));
    await inside;
    const closing = t.close();
    release();
    expect(await pending).toEqual({ status: 200, body: { done: true } });
    await closing;
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});

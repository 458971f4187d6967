import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backoffMs, DEFAULT_RETRY, retryDelayMs } from "../src/http/webhooks/dispatcher.ts";
import { signatureHeader, verifySignature } from "../src/http/webhooks/sign.ts";
import type { Storage } from "../src/storage/ports.ts";
import { freshStorage } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";

type Received = { readonly headers: IncomingHttpHeaders; readonly body: string };

/** A real HTTP receiver on 127.0.0.1 answering with the scripted statuses (then 200). */
async function receiver(
  script: number[],
): Promise<{ url: string; got: Received[]; next: (n: number) => Promise<void>; close: () => Promise<void> }> {
  const got: Received[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      got.push({ headers: req.headers, body });
      res.statusCode = script[got.length - 1] ?? 200;
      res.end("ok");
      for (const w of waiters.filter((w) => got.length >= w.n)) w.resolve();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    next: (n) =>
      got.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("webhook signatures", () => {
  it("verifies its own signature and rejects tampering, wrong secrets and stale timestamps", () => {
    const body = '{"type":"lead.stage_changed"}';
    const header = signatureHeader("whsec_a", 1_760_000_000, body);
    expect(header).toMatch(/^t=1760000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature("whsec_a", header, body, 1_760_000_100)).toBe(true);
    expect(verifySignature("whsec_a", header, `${body} `, 1_760_000_100)).toBe(false);
    expect(verifySignature("whsec_b", header, body, 1_760_000_100)).toBe(false);
    expect(verifySignature("whsec_a", header, body, 1_760_001_000)).toBe(false);
    expect(verifySignature("whsec_a", "garbage", body, 1_760_000_000)).toBe(false);
  });

  it("backs off exponentially up to the cap", () => {
    const p = { ...DEFAULT_RETRY, baseMs: 1000, maxMs: 5000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(p, n))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it("waits a random delay under the backoff ceiling (full jitter), never beyond it", () => {
    const p = { ...DEFAULT_RETRY, baseMs: 1000, maxMs: 5000 };
    // The ends of the random source map to the ends of the interval.
    expect(retryDelayMs(p, 3, () => 0)).toBe(0);
    expect(retryDelayMs(p, 3, () => 0.999999)).toBe(3999);
    expect(retryDelayMs(p, 9, () => 0.5)).toBe(2500);
    for (const attempts of [1, 2, 3, 4, 8]) {
      const ceiling = backoffMs(p, attempts);
      const delays = Array.from({ length: 200 }, () => retryDelayMs(p, attempts));
      expect(delays.every((d) => Number.isInteger(d) && d >= 0 && d < ceiling)).toBe(true);
      // Spread out, not one value: 200 draws land in at least 3 of the ceiling's quarters.
      const quarters = new Set(delays.map((d) => Math.floor((4 * d) / ceiling)));
      expect(quarters.size).toBeGreaterThanOrEqual(3);
    }
  });
});

describe.each(ENGINES)("webhook delivery to a real receiver (%s)", (engine) => {
  let storage: Storage;
  let t: TestApi;
  beforeAll(async () => {
    storage = await freshStorage(engine);
    t = await startTestApi(
      storage,
      {},
      { webhookRetry: { baseMs: 20, maxMs: 100, maxAttempts: 3, timeoutMs: 2000 } },
    );
    t.app.winnow.webhooks.start(10);
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
  });

  const subscribe = async (url: string, events: string[]) => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/webhooks",
      headers: t.as(t.keys.admin),
      payload: { url, events },
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; secret: string };
  };
  const log = async (id: string) =>
    (await t.app.inject({ url: `/v1/webhooks/${id}/deliveries`, headers: t.as(t.keys.admin) })).json().data;

  it("signs deliveries, retries failures with backoff and logs every attempt", async () => {
    const r = await receiver([500, 503]);
    try {
      const sub = await subscribe(r.url, ["lead.stage_changed"]);
      const other = await subscribe(r.url, ["lead.sla_breached"]);
      expect(sub.secret).toMatch(/^whsec_/);
      const queued = await t.app.winnow.webhooks.emit("lead.stage_changed", {
        leadId: "L1",
        from: "mql",
        to: "sal",
      });
      expect(queued.map((d) => d.subscriptionId)).toEqual([sub.id]);
      await r.next(3);
      const last = r.got[2];
      expect(last?.headers["winnow-event"]).toBe("lead.stage_changed");
      const sig = String(last?.headers["winnow-signature"]);
      expect(verifySignature(sub.secret, sig, last?.body ?? "", Math.floor(Date.now() / 1000))).toBe(true);
      expect(JSON.parse(last?.body ?? "{}")).toMatchObject({
        type: "lead.stage_changed",
        data: { leadId: "L1", from: "mql", to: "sal" },
      });
      // Every attempt of one delivery carries the same delivery id and body.
      expect(new Set(r.got.map((g) => g.headers["winnow-delivery"])).size).toBe(1);
      expect(new Set(r.got.map((g) => g.body)).size).toBe(1);
      await t.app.winnow.webhooks.drain();
      const [entry] = await log(sub.id);
      expect(entry).toMatchObject({ status: "succeeded", attempts: 3, lastStatus: 200, lastError: null });
      expect(await log(other.id)).toEqual([]);
    } finally {
      await r.close();
    }
  });

  it("gives up after the last attempt and says why", async () => {
    const r = await receiver([500, 500, 500, 500]);
    try {
      const sub = await subscribe(r.url, ["lead.threshold_crossed"]);
      await t.app.winnow.webhooks.emit("lead.threshold_crossed", { leadId: "L2", score: 71, threshold: 70 });
      await r.next(3);
      await t.app.winnow.webhooks.drain();
      const [entry] = await log(sub.id);
      expect(entry).toMatchObject({
        status: "failed",
        attempts: 3,
        lastStatus: 500,
        lastError: "receiver answered 500",
        nextAttemptAt: null,
      });
    } finally {
      await r.close();
    }
  });

  it("records connection failures, and pings one subscriber on demand", async () => {
    const dead = await receiver([]);
    await dead.close();
    const sub = await subscribe(dead.url, ["lead.sla_breached"]);
    const ping = await t.app.inject({
      method: "POST",
      url: `/v1/webhooks/${sub.id}/ping`,
      headers: t.as(t.keys.admin),
    });
    expect(ping.statusCode).toBe(202);
    expect(ping.json()).toMatchObject({ event: "webhook.ping", status: "pending" });
    for (let i = 0; i < 100 && (await log(sub.id))[0]?.status === "pending"; i++)
      await new Promise((r) => setTimeout(r, 20));
    const [entry] = await log(sub.id);
    expect(entry.status).toBe("failed");
    expect(entry.lastStatus).toBeNull();
    expect(entry.lastError).toMatch(/fetch failed|ECONNREFUSED/);
  });

  it("validates subscriptions and hides secrets afterwards", async () => {
    const bad = await t.app.inject({
      method: "POST",
      url: "/v1/webhooks",
      headers: t.as(t.keys.admin),
      payload: { url: "ftp://x", events: ["nope"] },
    });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .issues.map((i: { path: string }) => i.path)
        .sort(),
    ).toEqual(["body.events.0", "body.url"]);
    const list = await t.app.inject({ url: "/v1/webhooks", headers: t.as(t.keys.admin) });
    expect(list.body).not.toContain("whsec_");
    expect((await t.app.inject({ url: "/v1/webhooks", headers: t.as(t.keys.manager) })).statusCode).toBe(403);
    const gone = await t.app.inject({
      method: "DELETE",
      url: "/v1/webhooks/nope",
      headers: t.as(t.keys.admin),
    });
    expect(gone.statusCode).toBe(404);
  });

  it("creates a subscription once per Idempotency-Key, replays the answer, refuses reuse for another body", async () => {
    const headers = { ...t.as(t.keys.admin), "idempotency-key": "sub-create-1" };
    const payload = { url: "http://127.0.0.1:9/hook", events: ["lead.sla_breached"], description: "idem" };
    const first = await t.app.inject({ method: "POST", url: "/v1/webhooks", headers, payload });
    const again = await t.app.inject({ method: "POST", url: "/v1/webhooks", headers, payload });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.json()).toEqual(first.json());
    const list = (await t.app.inject({ url: "/v1/webhooks", headers: t.as(t.keys.admin) })).json().data;
    expect(list.filter((s: { description: string }) => s.description === "idem")).toHaveLength(1);
    const reused = await t.app.inject({
      method: "POST",
      url: "/v1/webhooks",
      headers,
      payload: { ...payload, description: "other" },
    });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe("WINNOW_ERR_IDEMPOTENCY_KEY_REUSED");
    const bad = await t.app.inject({
      method: "POST",
      url: "/v1/webhooks",
      headers: { ...headers, "idempotency-key": "has space" },
      payload,
    });
    expect(bad.json().issues).toEqual([
      { path: "headers.idempotency-key", message: "must be 1-200 visible ASCII characters" },
    ]);
    // A request that fails validation never claims its key.
    const failing = { ...t.as(t.keys.admin), "idempotency-key": "sub-create-2" };
    const invalid = await t.app.inject({
      method: "POST",
      url: "/v1/webhooks",
      headers: failing,
      payload: { ...payload, events: [] },
    });
    expect(invalid.statusCode).toBe(422);
    const fixed = await t.app.inject({ method: "POST", url: "/v1/webhooks", headers: failing, payload });
    expect(fixed.statusCode).toBe(201);
    expect(fixed.headers["idempotent-replayed"]).toBeUndefined();
  });
});

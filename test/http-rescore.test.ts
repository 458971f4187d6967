import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rescoreLeads } from "../src/app/rescore-leads.ts";
import { serverConfig } from "../src/http/server-config.ts";
import { type RunningServer, startServer } from "../src/http/start-server.ts";
import { migratedPgliteFolder } from "./helpers/db.ts";
import { startReceiver } from "./helpers/receiver.ts";

const MODEL = {
  id: "tiny",
  name: "Tiny",
  version: 1,
  engagement: { rules: [{ id: "demo", event: "demo_request", points: 30 }] },
  thresholds: [{ id: "mql", metric: "total", atLeast: 25, action: "become_mql" }],
};

describe("rescoring on ingest and lead.threshold_crossed webhooks", () => {
  let s: RunningServer;
  let key = "";
  const auth = () => ({ authorization: `Bearer ${key}`, "content-type": "application/json" });
  const dir = mkdtempSync(join(tmpdir(), "winnow-rescore-"));
  beforeAll(async () => {
    await migratedPgliteFolder(join(dir, "db"));
    s = await startServer({
      server: serverConfig({ port: 0 }),
      database: { engine: "pglite", dataDir: join(dir, "db") },
      demo: false,
      webhookPollMs: 20,
    });
    key = s.adminKey ?? "";
  });
  afterAll(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("rescores a lead when its events arrive and tells subscribers which threshold it crossed", async () => {
    const receiver = await startReceiver();
    const got = receiver.bodies;
    try {
      const post = (path: string, body: unknown) =>
        fetch(`${s.url}${path}`, { method: "POST", headers: auth(), body: JSON.stringify(body) }).then(
          async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }),
        );
      const draft = await post("/v1/scoring-models", { document: MODEL });
      const id = String(draft.json["id"]);
      await post(`/v1/scoring-models/${id}/publish`, {});
      await post(`/v1/scoring-models/${id}/default`, {});
      await post("/v1/webhooks", { url: receiver.url, events: ["lead.threshold_crossed"] });
      const lead = await post("/v1/leads", { contact: { email: "eve@example.com" } });
      const leadId = String((lead.json["lead"] as { id: string }).id);
      expect(
        (
          await post("/v1/events", {
            key: "e1",
            leadId,
            type: "page_view",
            occurredAt: new Date().toISOString(),
          })
        ).status,
      ).toBe(201);
      expect(got).toEqual([]);
      // A retry resends the same event (the same occurredAt too: another one under "e2" would be a 409 conflict).
      const demoAt = new Date().toISOString();
      expect(
        (
          await post("/v1/events?wait=score", {
            key: "e2",
            leadId,
            type: "demo_request",
            occurredAt: demoAt,
          })
        ).status,
      ).toBe(201);
      // ?wait=score answered after the rescore: the lead's score counts the demo request already.
      const scored = await fetch(`${s.url}/v1/leads/${leadId}`, { headers: auth() }).then(
        (r) => r.json() as Promise<{ score: { engagement: number } }>,
      );
      expect(scored.score).toMatchObject({ engagement: 30 });
      // A retried event stores nothing and crosses nothing again.
      expect(
        (
          await post("/v1/events", {
            key: "e2",
            leadId,
            type: "demo_request",
            occurredAt: demoAt,
          })
        ).status,
      ).toBe(200);
      // Rescoring runs after the answer, in the background: wait for it, then for the deliveries.
      await s.app.winnow.afterIngest.idle();
      await s.app.winnow.webhooks.drain();
      expect(got.map((b) => JSON.parse(b))).toEqual([
        expect.objectContaining({
          type: "lead.threshold_crossed",
          data: expect.objectContaining({ leadId, threshold: "mql", direction: "up", value: 30 }),
        }),
      ]);
      const detail = await fetch(`${s.url}/v1/leads/${leadId}`, { headers: auth() }).then(
        (r) => r.json() as Promise<{ score: { engagement: number; modelId: string } }>,
      );
      expect(detail.score).toMatchObject({ engagement: 30, modelId: id });
      expect(await rescoreLeads(s.storage, ["nope"], new Date().toISOString())).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it("publishing a model as the default rescores every lead as a job with progress, crossings announced", async () => {
    const receiver = await startReceiver();
    try {
      const call = (method: string, path: string, body?: unknown) =>
        fetch(`${s.url}${path}`, {
          method,
          headers: auth(),
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));
      await call("POST", "/v1/webhooks", { url: receiver.url, events: ["lead.threshold_crossed"] });
      const lead = await call("POST", "/v1/leads", { contact: { email: "pat@example.com" } });
      const leadId = String((lead.json["lead"] as { id: string }).id);
      for (const key of ["p1", "p2"])
        await call("POST", "/v1/events", {
          key,
          leadId,
          type: "page_view",
          occurredAt: new Date().toISOString(),
        });
      await s.app.winnow.afterIngest.idle();
      await s.app.winnow.webhooks.drain();
      const already = receiver.bodies.length; // page views score nothing under the current default
      const draft = await call("POST", "/v1/scoring-models", {
        document: {
          ...MODEL,
          id: "views",
          engagement: { rules: [{ id: "view", event: "page_view", points: 20 }] },
        },
      });
      const id = String(draft.json["id"]);
      expect((await call("GET", `/v1/scoring-models/${id}/rescore`)).json).toMatchObject({
        code: "WINNOW_ERR_RESCORE_NOT_FOUND",
      });
      expect((await call("POST", `/v1/scoring-models/${id}/rescore`, {})).status).toBe(409);
      const published = await call("POST", `/v1/scoring-models/${id}/publish`, { default: true });
      expect(published.status).toBe(200);
      expect(published.json).toMatchObject({ status: "published", isDefault: true });
      const job = published.json["rescore"] as { id: string; state: string; total: number };
      expect(job).toMatchObject({ state: "running", total: 2 });
      let progress: Record<string, unknown> = {};
      for (let i = 0; i < 200; i++) {
        progress = (await call("GET", `/v1/scoring-models/${id}/rescore`)).json;
        if (progress["state"] !== "running") break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(progress).toMatchObject({ id: job.id, state: "done", processed: 2, total: 2, crossings: 1 });
      await s.app.winnow.webhooks.drain();
      // Pat went from 0 to 40 (crosses mql); Eve from 30 to 20 under the new model (no crossing).
      expect(receiver.bodies.slice(already).map((b) => JSON.parse(b))).toEqual([
        expect.objectContaining({
          type: "lead.threshold_crossed",
          data: expect.objectContaining({
            leadId,
            modelId: id,
            threshold: "mql",
            direction: "up",
            value: 40,
          }),
        }),
      ]);
      const detail = await fetch(`${s.url}/v1/leads/${leadId}`, { headers: auth() }).then(
        (r) =>
          r.json() as Promise<{ score: { engagement: number; modelId: string; explanation: unknown[] } }>,
      );
      expect(detail.score).toMatchObject({ engagement: 40, modelId: id });
      expect(detail.score.explanation).toEqual([expect.objectContaining({ ruleId: "view", events: 2 })]);
      // Publishing again changes nothing, so rescores nothing.
      expect((await call("POST", `/v1/scoring-models/${id}/publish`, {})).json["rescore"]).toBeNull();
    } finally {
      await receiver.close();
    }
  });
  it("editing an account, a contact or a lead rescores the leads whose fit rules read it", async () => {
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${s.url}${path}`, {
        method,
        headers: auth(),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));
    const draft = await call("POST", "/v1/scoring-models", {
      document: {
        ...MODEL,
        id: "firmographic",
        fit: {
          rules: [
            { id: "software", when: { field: "account.industry", equals: "software" }, points: 40 },
            { id: "senior", when: { field: "contact.seniority", equals: "vp" }, points: 20 },
            { id: "referral", when: { field: "lead.source", equals: "referral" }, points: 10 },
          ],
        },
      },
    });
    const id = String(draft.json["id"]);
    const published = await call("POST", `/v1/scoring-models/${id}/publish`, { default: true });
    expect(published.status).toBe(200);
    const captured = await call("POST", "/v1/leads", {
      contact: { email: "kim@acme-retail.example", seniority: "manager" },
      account: { name: "Acme Retail", domain: "acme-retail.example", industry: "retail" },
      source: "web",
    });
    expect(captured.status).toBe(201);
    const { lead, contact, account } = captured.json as {
      lead: { id: string; version: number };
      contact: { id: string; version: number };
      account: { id: string; version: number };
    };
    // Wait for the default's rescore job so it cannot overwrite what the edits write.
    const jobUrl = `/v1/scoring-models/${id}/rescore`;
    for (let i = 0; i < 200 && (await call("GET", jobUrl)).json["state"] === "running"; i++)
      await new Promise((r) => setTimeout(r, 20));
    const fitNow = async () =>
      (
        (await call("GET", `/v1/leads/${lead.id}`)).json["score"] as {
          fit: number;
          explanation: unknown[];
        } | null
      )?.fit ?? null;
    expect(
      (
        await call("PATCH", `/v1/accounts/${account.id}`, {
          expectedVersion: account.version,
          industry: "software",
        })
      ).status,
    ).toBe(200);
    expect(await fitNow()).toBe(40);
    expect(
      (
        await call("PATCH", `/v1/contacts/${contact.id}`, {
          expectedVersion: contact.version,
          seniority: "vp",
        })
      ).status,
    ).toBe(200);
    expect(await fitNow()).toBe(60);
    expect(
      (await call("PATCH", `/v1/leads/${lead.id}`, { expectedVersion: lead.version, source: "referral" }))
        .status,
    ).toBe(200);
    expect(await fitNow()).toBe(70);
    // The explanation derived on read describes the new facts.
    const detail = (await call("GET", `/v1/leads/${lead.id}`)).json["score"] as {
      explanation: { ruleId: string }[];
    };
    expect(detail.explanation.map((e) => e.ruleId).sort()).toEqual(["referral", "senior", "software"]);
  });
});

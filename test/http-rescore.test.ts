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
      expect(
        (
          await post("/v1/events", {
            key: "e2",
            leadId,
            type: "demo_request",
            occurredAt: new Date().toISOString(),
          })
        ).status,
      ).toBe(201);
      // A retried event stores nothing and crosses nothing again.
      expect(
        (
          await post("/v1/events", {
            key: "e2",
            leadId,
            type: "demo_request",
            occurredAt: new Date().toISOString(),
          })
        ).status,
      ).toBe(200);
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
});

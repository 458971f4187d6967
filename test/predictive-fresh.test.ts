import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { predictiveRepo } from "../src/app/predictive/repo.ts";
import type { Storage } from "../src/storage/ports.ts";
import { freshStorage } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";

const DEMO = { leads: 400, accounts: 80, eventsPerLead: 4 } as const;

type Reason = { feature: string; value: string; direction: string; contribution: number };
type View = { prediction: { probability: number; computedAt: string; reasons: Reason[] } | null };

describe.each(ENGINES)("a lead's prediction follows its new events (%s)", (engine) => {
  let storage: Storage;
  let t: TestApi;
  let clock = Date.parse("2026-04-06T00:00:00.000Z");
  beforeAll(async () => {
    storage = await freshStorage(engine);
    t = await startTestApi(storage, {}, { now: () => new Date(clock) });
    await seedDemoWorkspace(storage, DEMO);
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
  });
  const post = (url: string, key: string, payload: unknown = {}) =>
    t.app.inject({ method: "POST", url, headers: t.as(key), payload: payload as object });
  const view = async (id: string): Promise<View> => {
    const res = await t.app.inject({ url: `/v1/leads/${id}/prediction`, headers: t.as(t.keys.manager) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it("recomputes on read after events arrive, and keeps the stored answer while nothing changed", async () => {
    // Logistic regression weighs every engagement count, so new events must move the probability.
    const trained = await post("/v1/predictive/train", t.keys.manager, { learner: "logistic" });
    expect(trained.statusCode, trained.body).toBe(201);
    const modelId = trained.json().model.id as string;
    const open = await storage.sql.query<{ id: string }>(
      "SELECT id FROM leads WHERE stage NOT IN ('won', 'lost', 'disqualified', 'recycled') ORDER BY id LIMIT 1",
    );
    const id = open.rows[0]!.id;
    const before = await view(id);
    expect(before.prediction).not.toBeNull();
    const trainedAt = before.prediction!.computedAt;

    // Nothing new: the same answer, not rewritten.
    clock += 60_000;
    const same = await view(id);
    expect(same.prediction!.probability).toBe(before.prediction!.probability);
    expect(same.prediction!.computedAt).toBe(trainedAt);

    // A burst of buying signals.
    const at = new Date(clock - 30_000).toISOString();
    for (const [k, type] of [
      "demo_request",
      "pricing_page_view",
      "pricing_page_view",
      "trial_started",
    ].entries()) {
      const res = await post("/v1/events", t.keys.ingest, {
        key: `fresh-${k}`,
        leadId: id,
        type,
        occurredAt: at,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    clock += 60_000;
    const after = await view(id);
    expect(after.prediction!.probability).not.toBe(before.prediction!.probability);
    expect(after.prediction!.computedAt).toBe(new Date(clock).toISOString());
    expect(after.prediction!.reasons.length).toBeGreaterThan(0);
    // The stored prediction (what lists and the forecast read) is the fresh one.
    const stored = await predictiveRepo(storage).prediction(id, modelId);
    expect(stored?.probability).toBe(after.prediction!.probability);
    expect(stored?.computedAt).toBe(after.prediction!.computedAt);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { leadFeatureTable, outcomeLabels } from "../src/app/predictive/features.ts";
import { predictiveRepo } from "../src/app/predictive/repo.ts";
import { predictProbability, train } from "../src/core/model/learners.ts";
import { fromModelFile } from "../src/core/model/model-file.ts";
import type { Storage } from "../src/storage/ports.ts";
import { freshStorage } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";

// A small demo workspace (400 leads, seed 42): 21 won, 146 lost, disqualified or recycled.
const DEMO = { leads: 400, accounts: 80, eventsPerLead: 4 } as const;
const AS_OF = "2026-04-06T00:00:00.000Z";

type Reason = { feature: string; value: string; direction: string; contribution: number };

describe.each(ENGINES)("predictive scoring over HTTP (%s)", (engine) => {
  let storage: Storage;
  let t: TestApi;
  beforeAll(async () => {
    storage = await freshStorage(engine);
    t = await startTestApi(storage, {}, { now: () => new Date(AS_OF) });
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
  });
  const post = (url: string, key: string, payload: unknown = {}) =>
    t.app.inject({ method: "POST", url, headers: t.as(key), payload: payload as object });
  const get = (url: string, key: string) => t.app.inject({ url, headers: t.as(key) });

  it("says so honestly while there are too few won or lost leads, and the rules score stays", async () => {
    const res = await post("/v1/predictive/train", t.keys.manager);
    expect(res.statusCode).toBe(422);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json()).toMatchObject({
      code: "WINNOW_ERR_MODEL_DATA",
      details: { won: 0, lost: 0, fallback: "rules-score" },
    });
    expect(res.json().detail).toMatch(/at least 20 won and 20 lost/);
    expect((await get("/v1/predictive/icp", t.keys.manager)).statusCode).toBe(422);
    expect((await get("/v1/predictive/forecast", t.keys.manager)).json().code).toBe("WINNOW_ERR_NOT_FOUND");
    expect((await get("/v1/predictive/models", t.keys.alice)).json().data).toEqual([]);

    await seedDemoWorkspace(storage, DEMO);
    const p = await get("/v1/leads/lead-7/prediction", t.keys.manager);
    expect(p.statusCode).toBe(200);
    expect(p.json()).toMatchObject({
      prediction: null,
      fallback: "rules-score",
      rulesScore: { leadId: "lead-7" },
    });
  });

  it("checks roles and input", async () => {
    expect((await post("/v1/predictive/train", t.keys.alice)).statusCode).toBe(403);
    expect((await post("/v1/predictive/train", t.keys.ingest)).statusCode).toBe(403);
    const bad = await post("/v1/predictive/train", t.keys.admin, { learner: "magic" });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().issues[0].path).toBe("body.learner");
    expect((await get("/v1/predictive/icp", t.keys.alice)).statusCode).toBe(403);
  });

  it("trains on the decided leads, reports held-out metrics and scores every open lead", async () => {
    const res = await post("/v1/predictive/train", t.keys.manager);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.model).toMatchObject({
      version: 1,
      status: "active",
      learner: "winnow-default",
      trainedBy: "manager",
    });
    expect(body.metrics).toMatchObject({ population: "leads", won: 21, lost: 146, rows: 167 });
    expect(body.metrics.heldOut.rows).toBe(33);
    // Fit and engagement really separate winners in the demo world.
    expect(body.metrics.heldOut.auc).toBeGreaterThan(0.7);
    expect(body.metrics.liftByDecile).toHaveLength(10);
    expect(body.metrics.importance.length).toBeGreaterThan(3);

    const open = await storage.sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM leads WHERE stage NOT IN ('won', 'lost', 'disqualified', 'recycled')",
    );
    expect(body.scored).toBe(open.rows[0]?.n);
    const stored = await predictiveRepo(storage).listPredictions(body.model.id);
    expect(stored).toHaveLength(body.scored);
    for (const s of stored) {
      expect(s.probability).toBeGreaterThan(0);
      expect(s.probability).toBeLessThan(1);
    }
  });

  it("keeps the model file intact in the database: it predicts exactly like the model trained in memory", async () => {
    const repo = predictiveRepo(storage);
    const active = await repo.activeModel();
    const facts = await repo.leadFacts("closed-leads", AS_OF);
    const table = leadFeatureTable(facts);
    const fresh = train("winnow-default", table, outcomeLabels(facts), 0);
    const fromDb = fromModelFile(active?.model).model;
    const a = predictProbability(fresh, table);
    const b = predictProbability(fromDb, table);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 12);
  });

  it("explains a lead's probability and hides other reps' leads", async () => {
    const lead = await storage.sql.query<{ id: string; owner_id: string }>(
      "SELECT id, owner_id FROM leads WHERE stage NOT IN ('won', 'lost', 'disqualified', 'recycled') AND owner_id IS NOT NULL ORDER BY id LIMIT 1",
    );
    const id = lead.rows[0]!.id;
    const res = await get(`/v1/leads/${id}/prediction`, t.keys.manager);
    expect(res.statusCode).toBe(200);
    const view = res.json();
    expect(view.prediction).toMatchObject({ leadId: id, modelVersion: 1 });
    expect(view.prediction.reasons).toHaveLength(3);
    const reasons = view.prediction.reasons as Reason[];
    for (const r of reasons) expect(r.direction).toBe(r.contribution > 0 ? "raises" : "lowers");
    expect(Math.abs(reasons[0]!.contribution)).toBeGreaterThanOrEqual(Math.abs(reasons[2]!.contribution));
    expect(view.rulesScore.leadId).toBe(id);
    expect((await get(`/v1/leads/${id}/prediction`, t.keys.alice)).statusCode).toBe(404);
    expect((await get("/v1/leads/nope/prediction", t.keys.manager)).statusCode).toBe(404);
    const closed = await storage.sql.query<{ id: string }>(
      "SELECT id FROM leads WHERE stage = 'won' LIMIT 1",
    );
    const done = (await get(`/v1/leads/${closed.rows[0]!.id}/prediction`, t.keys.manager)).json();
    expect(done).toMatchObject({ prediction: null, fallback: "rules-score" });
  });

  it("scores a lead that arrived after training on first ask", async () => {
    const created = await post("/v1/leads", t.keys.alice, {
      contact: { email: "vp@newco.example", seniority: "vp", buyingRole: "economic_buyer" },
      account: { name: "NewCo", domain: "newco.example", industry: "software", employees: 900 },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().lead.id as string;
    const view = (await get(`/v1/leads/${id}/prediction`, t.keys.alice)).json();
    expect(view.prediction.probability).toBeGreaterThan(0);
    const active = await predictiveRepo(storage).activeModel();
    expect((await predictiveRepo(storage).prediction(id, active!.id))?.probability).toBe(
      view.prediction.probability,
    );
  });

  it("discovers the ICP with fit rules a scoring model can adopt", async () => {
    const res = await get("/v1/predictive/icp", t.keys.manager);
    expect(res.statusCode).toBe(200);
    const icp = res.json();
    expect(icp.rows).toBe(167);
    expect(icp.baseRate).toBeCloseTo(21 / 167, 10);
    expect(icp.bySupport.length).toBeGreaterThan(0);
    for (const r of icp.rules as {
      attribute: string;
      points: number;
      scoringRule: { when: { field: string }; group: string; points: number };
    }[]) {
      expect(r.attribute).toMatch(/^(account|contact|lead)\./);
      expect(r.scoringRule).toMatchObject({ group: "icp", points: r.points, when: { field: r.attribute } });
    }
  });

  it("forecasts expected wins from the open leads' probabilities", async () => {
    const res = await get("/v1/predictive/forecast", t.keys.manager);
    expect(res.statusCode).toBe(200);
    const f = res.json();
    expect(f.modelVersion).toBe(1);
    const open = f.periods.reduce((s: number, p: { open: number }) => s + p.open, 0);
    const wins = f.periods.reduce((s: number, p: { expectedWins: number }) => s + p.expectedWins, 0);
    expect(open).toBeGreaterThan(200);
    expect(wins).toBeGreaterThan(0);
    expect(wins).toBeLessThan(open / 2);
    expect(f.assumptions.medianCycleDays).toBeGreaterThan(0);
  });

  it("a new model becomes active and the previous one is retired", async () => {
    const res = await post("/v1/predictive/train", t.keys.admin, {
      population: "deals",
      learner: "logistic",
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().metrics).toMatchObject({ population: "deals", won: 21, lost: 53 });
    const models = (await get("/v1/predictive/models", t.keys.alice)).json().data;
    expect(models.map((m: { version: number; status: string }) => [m.version, m.status])).toEqual([
      [2, "active"],
      [1, "retired"],
    ]);
    expect(models[0]).not.toHaveProperty("model");
  });
});

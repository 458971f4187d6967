import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { segmentId } from "../src/app/predictive/icp-draft.ts";
import { validateScoringModel } from "../src/core/scoring/parse-model.ts";
import type { Storage } from "../src/storage/ports.ts";
import { freshStorage } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";

// A demo world (seed 42) big enough for confident ICP segments: 800 leads, 368 of them closed,
// five suggested fit rules (two raise the score, three lower it).
const DEMO = { leads: 800, accounts: 160, eventsPerLead: 4 } as const;
const AS_OF = "2026-04-06T00:00:00.000Z";

type Rule = { id: string; group?: string; when: Record<string, unknown>; points: number };
type Doc = {
  name: string;
  version: number;
  status: string;
  default: boolean;
  description?: string;
  fit: { groups: { id: string }[]; rules: Rule[] };
  negative: { rules: Rule[] };
};
type Segment = {
  id: string;
  conditions: unknown[];
  lift: number;
  scoringRule: { id: string; points: number };
};

describe.each(ENGINES)("adopting ICP rules into a scoring draft (%s)", (engine) => {
  let storage: Storage;
  let t: TestApi;
  beforeAll(async () => {
    storage = await freshStorage(engine);
    t = await startTestApi(storage, {}, { now: () => new Date(AS_OF) });
  });
  afterAll(async () => {
    await t?.close();
    await storage?.close();
  });
  const post = (url: string, key: string, payload: unknown = {}) =>
    t.app.inject({ method: "POST", url, headers: t.as(key), payload: payload as object });
  const get = (url: string, key: string) => t.app.inject({ url, headers: t.as(key) });
  const models = async () =>
    (await get("/v1/scoring-models", t.keys.manager)).json().data as {
      id: string;
      name: string;
      version: number;
      status: string;
      isDefault: boolean;
      document: Doc;
    }[];

  it("says what is missing: no default model, then too few closed deals", async () => {
    const none = await post("/v1/predictive/icp/draft", t.keys.manager, { adopt: "suggested" });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ code: "WINNOW_ERR_SCORING_MODEL_NOT_FOUND" });
    expect(none.json().detail).toMatch(/no default scoring model/i);
    // A default model, but no lead has closed yet: the readiness answer, and no draft.
    const starter = await storage.scoringModels.createDraft({
      name: "Starter",
      document: { id: "starter", name: "Starter", version: 1 },
      createdBy: "test",
      createdAt: AS_OF,
    });
    await storage.scoringModels.publish(starter.id, "test", AS_OF);
    await storage.scoringModels.setDefault(starter.id);
    const few = await post("/v1/predictive/icp/draft", t.keys.manager, { adopt: "suggested" });
    expect(few.statusCode).toBe(422);
    expect(few.json()).toMatchObject({ code: "WINNOW_ERR_MODEL_DATA", details: { won: 0, lost: 0 } });
    expect(few.json().detail).toMatch(/at least 20 won and 20 lost/);
    expect((await models()).filter((m) => m.status === "draft")).toEqual([]);
    await seedDemoWorkspace(storage, DEMO);
    expect((await models()).filter((m) => m.isDefault)).toHaveLength(1);
  });

  it("is for managers and admins, and checks the body", async () => {
    expect((await post("/v1/predictive/icp/draft", t.keys.alice, { adopt: "suggested" })).statusCode).toBe(
      403,
    );
    const empty = await post("/v1/predictive/icp/draft", t.keys.manager, {});
    expect(empty.statusCode).toBe(422);
    expect(empty.json().issues[0].path).toBe("body.adopt");
    const unknown = await post("/v1/predictive/icp/draft", t.keys.manager, {
      adopt: ["icp-account-industry-software", "icp-no-such-thing"],
    });
    expect(unknown.statusCode).toBe(422);
    const issues = unknown.json().issues as { path: string; message: string }[];
    expect(issues).toContainEqual({
      path: "body.adopt.1",
      message: 'no ICP segment or suggested rule has id "icp-no-such-thing"',
    });
    // Nothing half-written: no draft was saved.
    expect((await models()).filter((m) => m.status === "draft")).toEqual([]);
  });

  it("adopts every suggested rule into a valid draft of the default model, and publishes nothing", async () => {
    const icp = (await get("/v1/predictive/icp", t.keys.manager)).json();
    const suggested = icp.rules as { points: number; scoringRule: { id: string } }[];
    expect(suggested.length).toBeGreaterThan(0);
    expect(suggested.some((r) => r.points > 0) && suggested.some((r) => r.points < 0)).toBe(true);
    const before = await models();
    const base = before.find((m) => m.isDefault)!;

    const res = await post("/v1/predictive/icp/draft", t.keys.manager, { adopt: "suggested" });
    expect(res.statusCode, res.body).toBe(201);
    const out = res.json();
    expect(out.base).toEqual({ id: base.id, name: base.name, version: base.version });
    expect(out.adopted.map((r: { id: string }) => r.id)).toEqual(suggested.map((r) => r.scoringRule.id));
    expect(out.draft).toMatchObject({
      status: "draft",
      isDefault: false,
      name: base.name,
      version: base.version + 1,
      createdBy: "manager",
    });

    const doc = out.draft.document as Doc;
    expect(validateScoringModel(doc).ok).toBe(true);
    expect(doc.version).toBe(out.draft.version);
    expect(doc.status).toBe("draft");
    expect(doc.description).toMatch(
      /^ICP fit rules adopted by manager on 2026-04-06 from ICP discovery on \d+ closed leads/,
    );
    expect(doc.fit.groups.map((g) => g.id)).toContain("icp");
    for (const r of suggested) {
      const inFit = doc.fit.rules.find((x) => x.id === r.scoringRule.id);
      const inNeg = doc.negative.rules.find((x) => x.id === r.scoringRule.id);
      if (r.points > 0) expect(inFit).toMatchObject({ group: "icp", points: r.points });
      else expect(inNeg).toMatchObject({ points: r.points });
    }
    // Every rule of the base model is still there.
    for (const r of base.document.fit.rules) expect(doc.fit.rules.map((x) => x.id)).toContain(r.id);

    const after = await models();
    expect(after.find((m) => m.isDefault)?.id).toBe(base.id);
    expect(after.filter((m) => m.status === "published")).toHaveLength(
      before.filter((m) => m.status === "published").length,
    );

    // The existing backtest route replays it against the default model.
    const bt = await post(`/v1/scoring-models/${out.draft.id}/backtest`, t.keys.manager, {
      from: "2025-01-01T00:00:00Z",
      to: "2026-04-06T00:00:00Z",
    });
    expect(bt.statusCode, bt.body).toBe(200);
    expect(bt.json().compare).not.toBeNull();
    expect(bt.json().result.mqls).toBeGreaterThanOrEqual(0);
    // The adopted rules really score: the replay differs from the default model's.
    expect(JSON.stringify(bt.json().result)).not.toBe(JSON.stringify(bt.json().compare));
  });

  it("adopts chosen segments (pairs as `all`), replacing the rules an earlier adoption added", async () => {
    const icp = (await get("/v1/predictive/icp", t.keys.manager)).json();
    const segments = icp.bySupport as Segment[];
    const pair = segments.find((s) => s.conditions.length === 2 && s.scoringRule.points !== 0);
    const single = segments.find((s) => s.conditions.length === 1 && s.scoringRule.points > 0);
    expect(single).toBeDefined();
    const chosen = [single!, ...(pair ? [pair] : [])];
    for (const s of chosen) expect(s.id).toBe(segmentId(s.conditions as never));
    const res = await post("/v1/predictive/icp/draft", t.keys.admin, {
      adopt: chosen.map((s) => s.id),
      name: "ICP trial",
    });
    expect(res.statusCode, res.body).toBe(201);
    const out = res.json();
    expect(out.draft).toMatchObject({ name: "ICP trial", version: 1, status: "draft" });
    const doc = out.draft.document as Doc;
    expect(validateScoringModel(doc).ok).toBe(true);
    const adoptedIds = [...doc.fit.rules, ...doc.negative.rules]
      .filter((r) => r.id.startsWith("icp-"))
      .map((r) => r.id);
    expect(adoptedIds.sort()).toEqual(chosen.map((s) => s.id).sort());
    if (pair) {
      const rule = [...doc.fit.rules, ...doc.negative.rules].find((r) => r.id === pair.id);
      expect(rule?.when).toHaveProperty("all");
    }

    // Starting from the first ICP draft: its ICP rules are replaced, not stacked.
    const first = (await models()).find((m) => m.status === "draft" && m.name !== "ICP trial")!;
    const again = await post("/v1/predictive/icp/draft", t.keys.manager, {
      adopt: [single!.id],
      from: first.id,
    });
    expect(again.statusCode, again.body).toBe(201);
    const d2 = again.json().draft.document as Doc;
    expect(
      [...d2.fit.rules, ...d2.negative.rules].filter((r) => r.id.startsWith("icp-")).map((r) => r.id),
    ).toEqual([single!.id]);
    expect(again.json().removed.length).toBeGreaterThan(0);
    // Keeping earlier ones is a choice.
    const kept = await post("/v1/predictive/icp/draft", t.keys.manager, {
      adopt: [single!.id],
      from: first.id,
      replaceEarlier: false,
    });
    const d3 = kept.json().draft.document as Doc;
    expect(
      [...d3.fit.rules, ...d3.negative.rules].filter((r) => r.id.startsWith("icp-")).length,
    ).toBeGreaterThan(1);
  });
});

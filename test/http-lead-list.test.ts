import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predictiveRepo } from "../src/app/predictive/repo.ts";
import type { Storage } from "../src/storage/ports.ts";
import { freshStorage } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";

type Item = { lead: { id: string }; grade: string | null; probability: number | null };
type ListPage = { data: Item[]; nextCursor: string | null };

describe.each(ENGINES)("lead list: grade filter and predicted probability (%s)", (engine) => {
  let storage: Storage;
  let t: TestApi;
  const ids: string[] = [];
  // lead i: grade, probability under the active model (undefined = no prediction)
  const grades = ["A1", "A2", "B3", null, "D4"] as const;
  const probabilities = [0.2, 0.9, undefined, 0.55, 0.05] as const;
  beforeAll(async () => {
    storage = await freshStorage(engine);
    t = await startTestApi(storage);
    for (const [i, grade] of grades.entries()) {
      const res = await t.app.inject({
        method: "POST",
        url: "/v1/leads",
        headers: t.as(t.keys.manager),
        payload: {
          contact: { email: `g${i}@grade.example` },
          ownerId: i % 2 ? "bob" : "alice",
          createdAt: `2026-02-0${i + 1}T10:00:00Z`,
        },
      });
      expect(res.statusCode).toBe(201);
      const id = res.json().lead.id as string;
      ids.push(id);
      if (grade)
        await storage.leadScores.put({
          leadId: id,
          modelId: null,
          fit: 10 * i,
          engagement: 5,
          grade,
          explanation: null,
          computedAt: "2026-02-10T00:00:00Z",
        });
    }
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
  });
  const list = async (query: string, key = t.keys.manager): Promise<ListPage> => {
    const res = await t.app.inject({ url: `/v1/leads?${query}`, headers: t.as(key) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const idsOf = (page: ListPage) => page.data.map((i) => ids.indexOf(i.lead.id));

  it("filters by grades and fit letters, comma-separated or repeated", async () => {
    expect(idsOf(await list("grade=A1&sort=createdAt&direction=asc"))).toEqual([0]);
    expect(idsOf(await list("grade=A&sort=createdAt&direction=asc"))).toEqual([0, 1]);
    expect(idsOf(await list("grade=a2,b3&sort=createdAt&direction=asc"))).toEqual([1, 2]);
    expect(idsOf(await list("grade=A1&grade=D&sort=createdAt&direction=asc"))).toEqual([0, 4]);
    // A rep still sees only their own leads within the filter.
    expect(idsOf(await list("grade=A,B", t.keys.alice))).toEqual([2, 0]);
    const bad = await t.app.inject({ url: "/v1/leads?grade=A1,Z9", headers: t.as(t.keys.manager) });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().issues[0].path).toBe("query.grade.1");
  });

  it("gives the active model's probability in each item, null without a model", async () => {
    const before = await list("sort=createdAt&direction=asc");
    expect(before.data.map((i) => i.probability)).toEqual([null, null, null, null, null]);
    const repo = predictiveRepo(storage);
    const save = () =>
      repo.saveModel({
        learner: "logistic",
        model: {},
        metrics: {},
        trainedAt: "2026-02-11T00:00:00Z",
        trainedBy: "test",
      });
    const old = await save();
    await repo.putPredictions(
      ids.map((leadId) => ({
        leadId,
        modelId: old.id,
        probability: 0.5,
        reasons: [],
        computedAt: old.trainedAt,
      })),
    );
    const active = await save(); // retires `old`: its predictions no longer show
    await repo.putPredictions(
      ids.flatMap((leadId, i) => {
        const probability = probabilities[i];
        return probability === undefined
          ? []
          : [{ leadId, modelId: active.id, probability, reasons: [], computedAt: active.trainedAt }];
      }),
    );
    const after = await list("sort=createdAt&direction=asc");
    expect(after.data.map((i) => i.probability)).toEqual([0.2, 0.9, null, 0.55, 0.05]);
  });

  it("sorts by probability (no prediction last when descending) and pages through it", async () => {
    expect(idsOf(await list("sort=probability"))).toEqual([1, 3, 0, 4, 2]);
    expect(idsOf(await list("sort=probability&direction=asc"))).toEqual([2, 4, 0, 3, 1]);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: ListPage = await list(`sort=probability&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...idsOf(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([1, 3, 0, 4, 2]);
    expect(idsOf(await list("sort=probability&grade=A"))).toEqual([1, 0]);
  });
});

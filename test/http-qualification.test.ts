import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storage } from "../src/storage/ports.ts";
import { freshStorage } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";
import { startReceiver } from "./helpers/receiver.ts";

const example = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../examples/fortune-1000-ceo-email-templates.json"), "utf8"),
);

describe.each(ENGINES)("qualification, scorecards and transitions over HTTP (%s)", (engine) => {
  let storage: Storage;
  let t: TestApi;
  let leadId = "";
  beforeAll(async () => {
    storage = await freshStorage(engine);
    t = await startTestApi(storage);
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/leads",
      headers: t.as(t.keys.alice),
      payload: {
        contact: { email: "cfo@initech.example", seniority: "c_level", buyingRole: "economic_buyer" },
        account: { name: "Initech", domain: "initech.example", industry: "software", employees: 900 },
      },
    });
    leadId = res.json().lead.id;
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
  });

  it("lists frameworks and their questions", async () => {
    const list = (await t.app.inject({ url: "/v1/frameworks", headers: t.as(t.keys.alice) })).json().data;
    expect(list.map((f: { id: string }) => f.id)).toEqual(
      expect.arrayContaining(["bant", "meddic", "meddpicc", "champ", "anum", "faint", "gpctba-ci"]),
    );
    const meddic = (await t.app.inject({ url: "/v1/frameworks/meddic", headers: t.as(t.keys.alice) })).json();
    expect(meddic.criteria.length).toBeGreaterThanOrEqual(6);
    const q = (
      await t.app.inject({
        url: "/v1/frameworks/bant/questions?criterion=budget",
        headers: t.as(t.keys.alice),
      })
    ).json().data;
    expect(q).toHaveLength(1);
    expect(q[0].questions.length).toBeGreaterThan(0);
    const missing = await t.app.inject({ url: "/v1/frameworks/nope", headers: t.as(t.keys.alice) });
    expect(missing.statusCode).toBe(404);
    expect((await t.app.inject({ url: "/v1/frameworks", headers: t.as(t.keys.ingest) })).statusCode).toBe(
      403,
    );
  });

  it("qualifies a scorecard without storing it: BANT near-perfect, MEDDIC walks away", async () => {
    const bant = await t.app.inject({
      method: "POST",
      url: "/v1/qualify",
      headers: t.as(t.keys.alice),
      payload: { scorecard: example, framework: "bant", now: "2026-03-03T00:00:00Z" },
    });
    expect(bant.statusCode).toBe(200);
    const meddic = await t.app.inject({
      method: "POST",
      url: "/v1/qualify",
      headers: t.as(t.keys.alice),
      payload: { scorecard: example, framework: "meddic", now: "2026-03-03T00:00:00Z" },
    });
    expect(meddic.json().outcome).not.toBe("advance");
    expect(meddic.json().explanation).toMatch(/MEDDIC/);
    const bad = await t.app.inject({
      method: "POST",
      url: "/v1/qualify",
      headers: t.as(t.keys.alice),
      payload: { scorecard: { evidence: { budget: { state: "maybe" } } } },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().issues.map((i: { path: string }) => i.path)).toContain(
      "body.scorecard.evidence.budget.state",
    );
  });

  it("records evidence on a lead as scorecard versions, with verdict and next questions", async () => {
    const empty = (
      await t.app.inject({ url: `/v1/leads/${leadId}/scorecard`, headers: t.as(t.keys.alice) })
    ).json();
    expect(empty.scorecard).toBeNull();
    expect(empty.verdict.outcome).toBe("keep-qualifying");
    expect(empty.verdict.nextQuestions.length).toBeGreaterThan(0);
    const url = `/v1/leads/${leadId}/scorecard/evidence`;
    const first = await t.app.inject({
      method: "POST",
      url,
      headers: t.as(t.keys.alice),
      payload: {
        expectedVersion: 0,
        framework: "bant",
        element: "budget",
        state: "verified",
        source: "call",
        quote: "40k set aside for Q3",
      },
    });
    expect(first.statusCode).toBe(200);
    expect(first.json().scorecard).toMatchObject({ version: 1, framework: "bant", createdBy: "alice" });
    expect(first.json().scorecard.evidence.budget).toMatchObject({ state: "verified", recordedBy: "alice" });
    const stale = await t.app.inject({
      method: "POST",
      url,
      headers: t.as(t.keys.alice),
      payload: { expectedVersion: 0, element: "need", state: "claimed", source: "call" },
    });
    expect(stale.statusCode).toBe(409);
    const second = await t.app.inject({
      method: "POST",
      url,
      headers: t.as(t.keys.alice),
      payload: {
        expectedVersion: 1,
        element: "need",
        state: "claimed",
        source: "call",
        quote: "Reps lose 4 hours a day",
      },
    });
    expect(Object.keys(second.json().scorecard.evidence).sort()).toEqual(["budget", "need"]);
    const versions = (
      await t.app.inject({ url: `/v1/leads/${leadId}/scorecard/versions`, headers: t.as(t.keys.alice) })
    ).json().data;
    expect(versions.map((v: { version: number }) => v.version).sort()).toEqual([1, 2]);
    const bad = await t.app.inject({
      method: "PUT",
      url: `/v1/leads/${leadId}/scorecard`,
      headers: t.as(t.keys.alice),
      payload: { expectedVersion: 2, framework: "bant", evidence: { budget: { state: "verified" } } },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().issues.map((i: { path: string }) => i.path)).toContain("body.evidence.budget.source");
    expect(
      (await t.app.inject({ url: `/v1/leads/${leadId}/scorecard`, headers: t.as(t.keys.bob) })).statusCode,
    ).toBe(404);
  });

  it("moves leads through the lifecycle and tells webhook subscribers", async () => {
    const receiver = await startReceiver();
    const got = receiver.bodies;
    try {
      await t.app.inject({
        method: "POST",
        url: "/v1/webhooks",
        headers: t.as(t.keys.admin),
        payload: { url: receiver.url, events: ["lead.stage_changed"] },
      });
      const next = (
        await t.app.inject({ url: `/v1/leads/${leadId}/transitions`, headers: t.as(t.keys.alice) })
      ).json();
      expect(next.from).toBe("new");
      expect(next.to).toContain("mql");
      const url = `/v1/leads/${leadId}/transitions`;
      const moved = await t.app.inject({
        method: "POST",
        url,
        headers: t.as(t.keys.alice),
        payload: { to: "mql" },
      });
      expect(moved.statusCode).toBe(200);
      expect(moved.json()).toMatchObject({ from: "new", lead: { stage: "mql" } });
      const illegal = await t.app.inject({
        method: "POST",
        url,
        headers: t.as(t.keys.alice),
        payload: { to: "won" },
      });
      expect(illegal.statusCode).toBeGreaterThanOrEqual(409);
      expect(illegal.statusCode).toBeLessThan(500);
      expect(illegal.json().code).toMatch(/^WINNOW_ERR_/);
      const noReason = await t.app.inject({
        method: "POST",
        url,
        headers: t.as(t.keys.alice),
        payload: { to: "recycled" },
      });
      expect(noReason.statusCode).toBeGreaterThanOrEqual(400);
      expect(
        (await t.app.inject({ method: "POST", url, headers: t.as(t.keys.bob), payload: { to: "sal" } }))
          .statusCode,
      ).toBe(404);
      await t.app.winnow.webhooks.drain();
      expect(got.map((b) => JSON.parse(b).data)).toEqual([
        expect.objectContaining({ leadId, from: "new", to: "mql", actor: "alice" }),
      ]);
      const detail = (await t.app.inject({ url: `/v1/leads/${leadId}`, headers: t.as(t.keys.alice) })).json();
      expect(
        detail.history.filter((h: { kind: string }) => h.kind === "stage").length,
      ).toBeGreaterThanOrEqual(2);
    } finally {
      await receiver.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storage } from "../src/storage/ports.ts";
import { freshStorage } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";

const NOW = new Date("2026-03-02T09:00:00.000Z");

type Detail = {
  scorecard: { version: number; verdictOutcome: string | null; verdict: { failedLevel: string | null } };
  history: { kind: string; actor: string; reason: string | null; before: unknown; after: unknown }[];
};

describe.each(ENGINES)("saving the ICP re-judges stored verdicts (%s)", (engine) => {
  let storage: Storage;
  let t: TestApi;
  beforeAll(async () => {
    storage = await freshStorage(engine);
    t = await startTestApi(storage, {}, { now: () => NOW });
  });
  afterAll(async () => {
    await t?.close();
    await storage?.close();
  });

  /** A lead at an account of `industry` whose BANT evidence is all claimed: stored verdict "advance". */
  async function qualifiedLead(email: string, industry: string): Promise<string> {
    const created = await t.app.inject({
      method: "POST",
      url: "/v1/leads",
      headers: t.as(t.keys.manager),
      payload: {
        contact: { email, seniority: "c_level", buyingRole: "economic_buyer" },
        account: { name: email, domain: email.split("@")[1], industry, employees: 900 },
        ownerId: "alice",
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().lead.id as string;
    let version = 0;
    for (const element of ["budget", "authority", "need", "timeline"]) {
      const r = await t.app.inject({
        method: "POST",
        url: `/v1/leads/${id}/scorecard/evidence`,
        headers: t.as(t.keys.alice),
        payload: {
          expectedVersion: version,
          element,
          state: "claimed",
          quote: `about ${element}`,
          source: "call",
          ...(element === "timeline" ? { date: "2026-03-20" } : {}),
        },
      });
      expect(r.statusCode, r.body).toBe(200);
      version = r.json().scorecard.version;
    }
    return id;
  }
  const detail = async (id: string): Promise<Detail> =>
    (await t.app.inject({ url: `/v1/leads/${id}`, headers: t.as(t.keys.manager) })).json();
  async function jobDone(id: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 500; i++) {
      const res = await t.app.inject({ url: `/v1/settings/rejudge/${id}`, headers: t.as(t.keys.manager) });
      expect(res.statusCode, res.body).toBe(200);
      const job = res.json() as Record<string, unknown>;
      if (job["state"] !== "running") return job;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error("the re-judge job did not finish");
  }

  it("changes the stored verdict of an affected lead with a history entry saying why; others untouched", async () => {
    const none = await t.app.inject({ url: "/v1/settings/rejudge", headers: t.as(t.keys.manager) });
    expect(none.json()).toEqual({ job: null });
    const software = await qualifiedLead("cfo@software.example", "software");
    const health = await qualifiedLead("cfo@health.example", "healthcare");
    const before = { software: await detail(software), health: await detail(health) };
    expect(before.software.scorecard.verdictOutcome).toBe("advance");
    expect(before.health.scorecard.verdictOutcome).toBe("advance");

    const saved = await t.app.inject({
      method: "PUT",
      url: "/v1/settings/icp",
      headers: t.as(t.keys.admin),
      payload: { expectedVersion: 0, value: { industries: ["healthcare"] } },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().rejudge).toMatchObject({
      section: "icp",
      settingsVersion: 1,
      state: "running",
      total: 2,
      createdBy: "admin",
    });
    expect(await jobDone(saved.json().rejudge.id)).toMatchObject({
      state: "done",
      processed: 2,
      total: 2,
      changed: 1,
      error: null,
    });
    const latest = await t.app.inject({ url: "/v1/settings/rejudge", headers: t.as(t.keys.manager) });
    expect(latest.json().job).toMatchObject({ id: saved.json().rejudge.id, state: "done" });

    const software1 = await detail(software);
    expect(software1.scorecard.version).toBe(before.software.scorecard.version + 1);
    expect(software1.scorecard.verdictOutcome).toBe("disqualify");
    expect(software1.scorecard.verdict.failedLevel).toBe("organization");
    const last = software1.history.find((h) => h.kind === "evidence");
    expect(last).toMatchObject({
      actor: "admin",
      reason: "ICP changed (settings version 1)",
      before: { version: before.software.scorecard.version, verdict: "advance", evidence: {} },
      after: { version: before.software.scorecard.version + 1, verdict: "disqualify", evidence: {} },
    });
    // The healthcare lead passes the new ICP: same version, same verdict, no new history.
    expect(await detail(health)).toEqual(before.health);

    // Widening the ICP again brings the software lead back, recorded with the new version.
    const again = await t.app.inject({
      method: "PUT",
      url: "/v1/settings/icp",
      headers: t.as(t.keys.admin),
      payload: { expectedVersion: 1, value: { industries: ["healthcare", "software"] } },
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(await jobDone(again.json().rejudge.id)).toMatchObject({
      state: "done",
      settingsVersion: 2,
      changed: 1,
    });
    const software2 = await detail(software);
    expect(software2.scorecard.verdictOutcome).toBe("advance");
    expect(software2.history.find((h) => h.kind === "evidence")?.reason).toBe(
      "ICP changed (settings version 2)",
    );
    expect(await detail(health)).toEqual(before.health);
  });

  it("re-judges leads on a custom framework when its definition changes, and only them", async () => {
    const lite = (extra: Record<string, unknown>[]) => [
      {
        id: "lite",
        name: "Lite",
        summary: "Pain and a buyer",
        criteria: [
          { id: "pain", name: "Pain", elements: ["need"], level: "opportunity" },
          { id: "buyer", name: "Buyer", elements: ["authority"], level: "stakeholder" },
          ...extra,
        ],
      },
    ];
    const putFrameworks = async (expectedVersion: number, value: unknown) => {
      const r = await t.app.inject({
        method: "PUT",
        url: "/v1/settings/frameworks",
        headers: t.as(t.keys.admin),
        payload: { expectedVersion, value },
      });
      expect(r.statusCode, r.body).toBe(200);
      return jobDone(r.json().rejudge.id);
    };
    expect(await putFrameworks(0, lite([]))).toMatchObject({ state: "done", changed: 0 });
    const created = await t.app.inject({
      method: "POST",
      url: "/v1/leads",
      headers: t.as(t.keys.manager),
      payload: {
        contact: { email: "vp@lite.example", seniority: "vp", buyingRole: "economic_buyer" },
        account: { name: "Lite Co", domain: "lite.example", industry: "healthcare", employees: 300 },
        ownerId: "alice",
      },
    });
    const id = created.json().lead.id as string;
    const by = { recordedBy: "alice", recordedAt: "2026-03-02T08:00:00Z" };
    const saved = await t.app.inject({
      method: "PUT",
      url: `/v1/leads/${id}/scorecard`,
      headers: t.as(t.keys.alice),
      payload: {
        expectedVersion: 0,
        framework: "lite",
        evidence: {
          need: { state: "claimed", quote: "we lose leads", source: "call", ...by },
          authority: { state: "claimed", quote: "I sign", source: "call", ...by },
        },
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().scorecard.verdictOutcome).toBe("advance");
    // Lite now also needs a timeline the lead never gave: its stored verdict goes back to "keep qualifying".
    const job = await putFrameworks(
      1,
      lite([{ id: "when", name: "When", elements: ["timeline"], level: "opportunity" }]),
    );
    expect(job).toMatchObject({ state: "done", section: "frameworks", settingsVersion: 2, changed: 1 });
    const after = await detail(id);
    expect(after.scorecard).toMatchObject({ version: 2, verdictOutcome: null });
    expect(after.history.find((h) => h.kind === "evidence")).toMatchObject({
      actor: "admin",
      reason: "Custom frameworks changed (settings version 2)",
      before: { version: 1, verdict: "advance" },
      after: { version: 2, verdict: null },
    });
  });

  it("an SLA save starts no re-judge", async () => {
    const version = (await t.app.inject({ url: "/v1/settings/sla", headers: t.as(t.keys.manager) })).json()
      .version as number;
    const saved = await t.app.inject({
      method: "PUT",
      url: "/v1/settings/sla",
      headers: t.as(t.keys.admin),
      payload: { expectedVersion: version, value: null },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().rejudge).toBeNull();
    const missing = await t.app.inject({ url: "/v1/settings/rejudge/nope", headers: t.as(t.keys.manager) });
    expect(missing.statusCode).toBe(404);
    expect(
      (await t.app.inject({ url: "/v1/settings/rejudge", headers: t.as(t.keys.alice) })).statusCode,
    ).toBe(403);
  });
});

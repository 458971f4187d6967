import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storage } from "../src/storage/ports.ts";
import { freshStorage } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";

// Monday 2 March 2026, 09:00 UTC: the start of a working day in the default calendar (UTC, 09-17).
const NOW = new Date("2026-03-02T09:00:00.000Z");

const SLA = {
  calendar: { timeZone: "UTC", workdays: [1, 2, 3, 4, 5], start: "09:00", end: "17:00", holidays: [] },
  sla: { acceptWithinWorkingHours: 2, unreachable: { attempts: 4, overDays: 7 } },
};

describe.each(ENGINES)("workspace settings over HTTP (%s)", (engine) => {
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

  const put = (section: string, payload: Record<string, unknown>, key = t.keys.admin) =>
    t.app.inject({ method: "PUT", url: `/v1/settings/${section}`, headers: t.as(key), payload });
  const get = (url: string, key = t.keys.manager) => t.app.inject({ url, headers: t.as(key) });

  async function newMql(email: string): Promise<{ id: string; slaDueAt: string | null }> {
    const created = await t.app.inject({
      method: "POST",
      url: "/v1/leads",
      headers: t.as(t.keys.manager),
      payload: {
        contact: { email, seniority: "c_level", buyingRole: "economic_buyer" },
        account: { name: email, domain: email.split("@")[1], industry: "software", employees: 900 },
        ownerId: "alice",
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().lead.id as string;
    const moved = await t.app.inject({
      method: "POST",
      url: `/v1/leads/${id}/transitions`,
      headers: t.as(t.keys.manager),
      payload: { to: "mql" },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    return { id, slaDueAt: moved.json().lead.slaDueAt };
  }

  it("shows every section with the server's defaults until one is saved; managers read, admins write", async () => {
    const res = await get("/v1/settings");
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data as { section: string; version: number; stored: boolean; value: unknown }[];
    expect(data.map((s) => [s.section, s.version, s.stored])).toEqual([
      ["icp", 0, false],
      ["sla", 0, false],
      ["frameworks", 0, false],
      ["questions", 0, false],
    ]);
    expect(data[1]?.value).toMatchObject({
      sla: { acceptWithinWorkingHours: 8 },
      calendar: { timeZone: "UTC" },
    });
    expect((await get("/v1/settings", t.keys.alice)).statusCode).toBe(403);
    expect((await put("sla", { expectedVersion: 0, value: SLA }, t.keys.manager)).statusCode).toBe(403);
    expect((await get("/v1/settings/nope")).statusCode).toBe(422);
  });

  it("refuses bad settings with the path of every problem, and stores nothing", async () => {
    const sla = await put("sla", {
      expectedVersion: 0,
      value: {
        calendar: { ...SLA.calendar, timeZone: "Mars/Olympus", start: "9am" },
        sla: SLA.sla,
        extra: 1,
      },
    });
    expect(sla.statusCode).toBe(422);
    expect(sla.headers["content-type"]).toMatch(/problem\+json/);
    expect(sla.json().issues.map((i: { path: string }) => i.path)).toEqual(["body.value.extra"]);
    const zone = await put("sla", {
      expectedVersion: 0,
      value: {
        calendar: { ...SLA.calendar, timeZone: "Mars/Olympus", holidays: ["next monday"] },
        sla: SLA.sla,
      },
    });
    expect(
      zone
        .json()
        .issues.map((i: { path: string }) => i.path)
        .sort(),
    ).toEqual(["body.value.calendar.holidays.0", "body.value.calendar.timeZone"]);
    const icp = await put("icp", { expectedVersion: 0, value: { employees: { min: 500, max: 10 } } });
    expect(icp.statusCode).toBe(422);
    expect(icp.json().issues).toEqual([{ path: "body.value.employees", message: "min must not exceed max" }]);
    const fw = await put("frameworks", {
      expectedVersion: 0,
      value: [
        {
          id: "lite",
          name: "Lite",
          criteria: [{ id: "pain", name: "Pain", elements: ["pane"], level: "opportunity" }],
        },
      ],
    });
    expect(fw.statusCode).toBe(422);
    expect(fw.json().issues.map((i: { path: string }) => i.path)).toEqual([
      "body.value.0.criteria.0.elements.0",
    ]);
    const builtIn = await put("frameworks", {
      expectedVersion: 0,
      value: [
        {
          id: "bant",
          name: "Mine",
          criteria: [{ id: "pain", name: "Pain", elements: ["need"], level: "opportunity" }],
        },
      ],
    });
    expect(builtIn.json().issues.map((i: { path: string }) => i.path)).toEqual(["body.value.0.id"]);
    const qs = await put("questions", {
      expectedVersion: 0,
      value: [
        { id: "q1", element: "need", text: "What happens if nothing changes?" },
        { id: "q1", element: "budget", text: "How is a purchase like this funded?" },
      ],
    });
    expect(qs.json().issues.map((i: { path: string }) => i.path)).toEqual(["body.value.1.id"]);
    const all = (await get("/v1/settings")).json().data as { version: number }[];
    expect(all.every((s) => s.version === 0)).toBe(true);
  });

  it("catches a stale write and keeps who changed what, when", async () => {
    const first = await put("icp", {
      expectedVersion: 0,
      value: { industries: ["software"] },
      why: "first ICP",
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      version: 1,
      stored: true,
      updatedBy: "admin",
      updatedAt: NOW.toISOString(),
    });
    // A second admin read version 0 before the save above: their write must not silently win.
    const stale = await put("icp", { expectedVersion: 0, value: { industries: ["retail"] } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      code: "WINNOW_ERR_STALE_WRITE",
      details: { section: "icp", expectedVersion: 0, currentVersion: 1 },
    });
    const second = await put("icp", { expectedVersion: 1, value: { industries: ["software", "fintech"] } });
    expect(second.json().version).toBe(2);
    const history = (await get("/v1/settings/icp/history")).json().data;
    expect(
      history.map((h: { version: number; changedBy: string; why: string | null }) => [
        h.version,
        h.changedBy,
        h.why,
      ]),
    ).toEqual([
      [2, "admin", null],
      [1, "admin", "first ICP"],
    ]);
    expect(history[1].value).toEqual({ industries: ["software"] });
    // The history is append-only in the database itself.
    await expect(
      storage.sql.query("UPDATE workspace_settings_history SET why = 'rewritten'"),
    ).rejects.toThrow(/append-only/);
    await expect(storage.sql.query("DELETE FROM workspace_settings_history")).rejects.toThrow(/append-only/);
    // Back to no ICP for the next test.
    expect((await put("icp", { expectedVersion: 2, value: null })).json()).toMatchObject({
      version: 3,
      stored: false,
      value: null,
    });
  });

  it("qualifies with the stored ICP: the same evidence advances, then fails the organization level", async () => {
    const lead = await newMql("cfo@initech.example");
    let version = 0;
    for (const element of ["budget", "authority", "need", "timeline"]) {
      const r = await t.app.inject({
        method: "POST",
        url: `/v1/leads/${lead.id}/scorecard/evidence`,
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
    const verdict = async () =>
      (await get(`/v1/leads/${lead.id}/scorecard`, t.keys.alice)).json().verdict as {
        outcome: string;
        failedLevel: string | null;
        coverage: { organization: { status: string } };
      };
    const before = await verdict();
    expect(before.outcome).toBe("advance");
    expect(before.coverage.organization.status).toBe("unchecked");
    const icp = (await get("/v1/settings/icp")).json().version as number;
    expect(
      (await put("icp", { expectedVersion: icp, value: { industries: ["healthcare"] } })).statusCode,
    ).toBe(200);
    const after = await verdict();
    expect(after).toMatchObject({ outcome: "disqualify", failedLevel: "organization" });
    // The stateless qualify route reads the same ICP.
    const q = await t.app.inject({
      method: "POST",
      url: "/v1/qualify",
      headers: t.as(t.keys.alice),
      payload: {
        scorecard: { framework: "bant", evidence: {}, account: { industry: "Healthcare" } },
        framework: "bant",
      },
    });
    expect(q.json().coverage.organization.status).toBe("pass");
    await put("icp", { expectedVersion: icp + 1, value: { industries: ["software"] } });
    expect((await verdict()).outcome).toBe("advance");
  });

  it("times new MQLs with the stored SLA policy", async () => {
    // Default policy: 8 working hours from Monday 09:00 UTC is Monday 17:00.
    expect((await newMql("a@sla-before.example")).slaDueAt).toBe("2026-03-02T17:00:00.000Z");
    const saved = await put("sla", { expectedVersion: 0, value: SLA });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().value).toEqual(SLA);
    expect((await newMql("b@sla-after.example")).slaDueAt).toBe("2026-03-02T11:00:00.000Z");
    // Paris working hours: 09:00 Paris is 08:00 UTC, so 09:00 UTC is 10:00 Paris, + 2 h = 12:00 Paris.
    const paris = { ...SLA, calendar: { ...SLA.calendar, timeZone: "Europe/Paris" } };
    expect((await put("sla", { expectedVersion: 1, value: paris })).statusCode).toBe(200);
    expect((await newMql("c@sla-paris.example")).slaDueAt).toBe("2026-03-02T11:00:00.000Z");
  });

  it("serves custom frameworks and questions with the built-in ones, to reps too", async () => {
    const fw = await put("frameworks", {
      expectedVersion: 0,
      value: [
        {
          id: "lite",
          name: "Lite",
          summary: "Pain and a buyer",
          criteria: [
            { id: "pain", name: "Pain", elements: ["need"], level: "opportunity" },
            {
              id: "buyer",
              name: "Buyer",
              elements: ["economic_buyer", "authority"],
              level: "stakeholder",
              rule: { combine: "any" },
            },
          ],
        },
      ],
    });
    expect(fw.statusCode, fw.body).toBe(200);
    const qs = await put("questions", {
      expectedVersion: 0,
      value: [
        { id: "acme.need.1", element: "need", text: "What does a lost lead cost your team in a week?" },
        { element: "budget", text: "Do you have a budget?" },
      ],
    });
    expect(qs.statusCode, qs.body).toBe(200);
    // A closed question is saved, with advice.
    expect(qs.json().warnings.map((w: { path: string }) => w.path)).toContain("1.text");
    const list = (await get("/v1/frameworks", t.keys.alice)).json().data as { id: string; custom: boolean }[];
    expect(list.find((f) => f.id === "lite")).toMatchObject({ custom: true });
    const questions = (await get("/v1/frameworks/lite/questions?criterion=pain", t.keys.alice)).json().data;
    expect(questions[0].questions[0]).toMatchObject({ id: "acme.need.1" });
    const playbook = (await get("/v1/playbook", t.keys.alice)).json();
    expect(playbook.frameworks.map((f: { id: string }) => f.id)).toEqual(["lite"]);
    expect(playbook.questions.map((q: { id: string }) => q.id)).toEqual(["acme.need.1", "custom.budget.2"]);
    expect(playbook.icp).toEqual({ industries: ["software"] });
    const verdict = await t.app.inject({
      method: "POST",
      url: "/v1/qualify",
      headers: t.as(t.keys.alice),
      payload: { scorecard: { evidence: {} }, framework: "lite" },
    });
    expect(verdict.json().framework).toEqual({ id: "lite", name: "Lite" });
    // The stored ICP asks about the unknown industry first; the custom question leads on pain.
    const pain = verdict.json().nextQuestions.find((q: { criterion: string }) => q.criterion === "pain");
    expect(pain.question.id).toBe("acme.need.1");
  });

  it("documents the routes in OpenAPI", async () => {
    const doc = (await t.app.inject({ url: "/openapi.json" })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/v1/settings",
        "/v1/settings/{section}",
        "/v1/settings/{section}/history",
        "/v1/playbook",
      ]),
    );
    expect(doc.paths["/v1/settings/{section}"].put.responses).toHaveProperty("409");
    const value =
      doc.paths["/v1/settings/{section}"].put.requestBody.content["application/json"].schema.properties.value;
    expect(value.oneOf.map((s: { title: string }) => s.title)).toEqual([
      "icp",
      "sla",
      "frameworks",
      "questions",
    ]);
  });
});

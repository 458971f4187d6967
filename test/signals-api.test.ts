import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storage } from "../src/storage/ports.ts";
import { freshStorage } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";

type Span = { start: number; end: number; text: string };
type Suggestion = {
  element: string;
  state: string;
  quote: string;
  span: Span;
  activityId: string | null;
  confirm: Record<string, unknown>;
};

describe.each(ENGINES)("signals over HTTP (%s)", (engine) => {
  let storage: Storage;
  let t: TestApi;
  let leadId = "";
  beforeAll(async () => {
    storage = await freshStorage(engine);
    t = await startTestApi(storage, {}, { now: () => new Date("2026-06-03T10:00:00Z") });
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/leads",
      headers: t.as(t.keys.alice),
      payload: {
        contact: { email: "ines@globex.example", seniority: "director" },
        account: { name: "Globex", domain: "globex.example" },
      },
    });
    expect(res.statusCode).toBe(201);
    leadId = res.json().lead.id;
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
  });

  it("reads a note: evidence, red flags and questions, each quoting its span", async () => {
    const text = "Opening with 30 agents growing to 60. Proposal due 11 June, final selection 18 June.";
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/signals",
      headers: t.as(t.keys.alice),
      payload: { text, date: "2026-05-20" },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.date).toBe("2026-05-20");
    expect(body.redFlags.map((f: { signal: string }) => f.signal)).toContain("short_decision_window");
    for (const e of [...body.evidence, ...body.redFlags] as { span: Span }[]) {
      expect(text.slice(e.span.start, e.span.end)).toBe(e.span.text);
    }
    const timeline = body.evidence.find((e: { element: string }) => e.element === "timeline");
    expect(timeline.value).toMatchObject({ type: "date", date: "2026-06-11" });
    expect(body.questions.length).toBeGreaterThan(0);
    expect(body.suggestions.map((s: Suggestion) => s.element)).toContain("timeline");
  });

  it("checks earlier notes for inconsistency", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/signals",
      headers: t.as(t.keys.manager),
      payload: {
        text: "Second call. Ines now tells me there is no money for this.",
        date: "2026-06-02",
        previous: [{ date: "2026-05-12", text: "Ines confirmed the budget is in place for the rollout." }],
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().redFlags.map((f: { rule: string }) => f.rule)).toContain("inconsistency.budget");
  });

  it("answers bad input with problem+json naming the field", async () => {
    const badDate = await t.app.inject({
      method: "POST",
      url: "/v1/signals",
      headers: t.as(t.keys.alice),
      payload: { text: "We have budget.", date: "2026-02-30" },
    });
    expect(badDate.statusCode).toBe(422);
    expect(badDate.headers["content-type"]).toContain("application/problem+json");
    expect(JSON.stringify(badDate.json().issues ?? [])).toContain("date");
    const empty = await t.app.inject({
      method: "POST",
      url: "/v1/signals",
      headers: t.as(t.keys.alice),
      payload: { text: "   ", date: "2026-02-03" },
    });
    expect(empty.statusCode).toBe(422);
    expect(empty.json().code).toBe("WINNOW_ERR_SIGNALS_EMPTY_TEXT");
    const lang = await t.app.inject({
      method: "POST",
      url: "/v1/signals",
      headers: t.as(t.keys.alice),
      payload: { text: "Tenemos presupuesto.", date: "2026-02-03", lang: "xx" },
    });
    expect(lang.json().code).toBe("WINNOW_ERR_SIGNALS_LANGUAGE");
    const ingest = await t.app.inject({
      method: "POST",
      url: "/v1/signals",
      headers: t.as(t.keys.ingest),
      payload: { text: "We have budget.", date: "2026-02-03" },
    });
    expect(ingest.statusCode).toBe(403);
  });

  it("a lead without notes has nothing to read", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: `/v1/leads/${leadId}/signals`,
      headers: t.as(t.keys.alice),
      payload: {},
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("WINNOW_ERR_SIGNALS_EMPTY_TEXT");
  });

  it("suggests evidence from the lead's notes, which a rep confirms into the scorecard", async () => {
    const notes = [
      ["2026-05-12T09:00:00Z", "Ines confirmed the budget is in place for the rollout: $40k approved."],
      ["2026-06-02T09:00:00Z", "Second call. Ines now tells me there is no money for this."],
    ] as const;
    for (const [occurredAt, body] of notes) {
      const res = await t.app.inject({
        method: "POST",
        url: `/v1/leads/${leadId}/activities`,
        headers: t.as(t.keys.alice),
        payload: { type: "call", outcome: "connected", occurredAt, body },
      });
      expect(res.statusCode).toBe(201);
    }
    const res = await t.app.inject({
      method: "POST",
      url: `/v1/leads/${leadId}/signals`,
      headers: t.as(t.keys.alice),
      payload: {},
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.scorecardVersion).toBe(0);
    expect(body.notes).toHaveLength(2);
    // The later call read the earlier one: the budget story changed.
    const second = body.notes[1].result;
    expect(second.redFlags.map((f: { rule: string }) => f.rule)).toContain("inconsistency.budget");
    // One suggestion per element; the latest note decides the budget.
    const budget = body.suggestions.find((s: Suggestion) => s.element === "budget") as Suggestion;
    expect(budget.state).toBe("failed");
    expect(budget.activityId).toBe(body.notes[1].activityId);
    expect(notes[1][1].slice(budget.span.start, budget.span.end)).toBe(budget.quote);
    expect(budget.confirm).toMatchObject({ expectedVersion: 0, element: "budget", source: "signal" });

    const confirmed = await t.app.inject({
      method: "POST",
      url: `/v1/leads/${leadId}/scorecard/evidence`,
      headers: t.as(t.keys.alice),
      payload: { ...budget.confirm, framework: "bant" },
    });
    expect(confirmed.statusCode, confirmed.body).toBeLessThan(300);
    const card = (
      await t.app.inject({ url: `/v1/leads/${leadId}/scorecard`, headers: t.as(t.keys.alice) })
    ).json();
    expect(card.scorecard.version).toBe(1);
    expect(card.scorecard.evidence.budget).toMatchObject({
      state: "failed",
      source: "signal",
      quote: budget.quote,
    });

    const again = (
      await t.app.inject({
        method: "POST",
        url: `/v1/leads/${leadId}/signals`,
        headers: t.as(t.keys.alice),
        payload: { text: "They want to go live by 1 September.", date: "2026-06-03" },
      })
    ).json();
    expect(again.scorecardVersion).toBe(1);
    expect(again.notes).toHaveLength(1);
    expect(again.notes[0].activityId).toBeNull();
    expect(again.suggestions.map((s: Suggestion) => s.element)).toEqual(["timeline"]);
    expect(again.suggestions[0].confirm).toMatchObject({ expectedVersion: 1, date: "2026-09-01" });
    const timeline = await t.app.inject({
      method: "POST",
      url: `/v1/leads/${leadId}/scorecard/evidence`,
      headers: t.as(t.keys.alice),
      payload: again.suggestions[0].confirm,
    });
    expect(timeline.statusCode, timeline.body).toBeLessThan(300);
  });

  it("hides another rep's lead", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: `/v1/leads/${leadId}/signals`,
      headers: t.as(t.keys.bob),
      payload: { text: "We have budget.", date: "2026-02-03" },
    });
    expect(res.statusCode).toBe(404);
  });
});

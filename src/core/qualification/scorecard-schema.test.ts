import { describe, expect, it } from "vitest";
import { locateJsonPath, parseJsonText } from "./json-text.ts";
import { parseScorecard } from "./scorecard-schema.ts";

const base = { source: "call", recordedBy: "ana", recordedAt: "2026-03-01T09:00:00Z" };

describe("parseScorecard", () => {
  it("accepts a scorecard and fills each record's element from its key", () => {
    const r = parseScorecard({
      framework: "meddic",
      evidence: { budget: { ...base, state: "verified", quote: "40k set aside", qualifier: "allocated" } },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.evidence.budget).toMatchObject({
      element: "budget",
      state: "verified",
      quote: "40k set aside",
      qualifier: "allocated",
    });
    expect(r.value.framework).toBe("meddic");
  });

  it("reports every problem with its JSON path", () => {
    const r = parseScorecard({
      evidence: {
        budget: { ...base, state: "maybe" },
        pain: { ...base, state: "claimed" },
        need: { state: "claimed", source: "fax", recordedAt: "yesterday" },
      },
      contact: { buyingRole: "boss" },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((i) => i.path).sort()).toEqual(
      [
        "contact.buyingRole",
        "evidence.budget.state",
        "evidence.need.recordedAt",
        "evidence.need.recordedBy",
        "evidence.need.source",
        "evidence.pain",
      ].sort(),
    );
    expect(r.error.find((i) => i.path === "evidence.pain")?.message).toContain("unknown element");
  });

  it("checks qualifiers, dates and the element key", () => {
    const r = parseScorecard({
      evidence: {
        budget: { ...base, state: "claimed", qualifier: "want" },
        authority: { ...base, state: "claimed", qualifier: "boss" },
        need: { ...base, state: "claimed", element: "budget", date: "2026-05-01" },
        timeline: { ...base, state: "claimed", date: "next spring" },
      },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "evidence.timeline.date: must be a date, YYYY-MM-DD",
    ]);
    const r2 = parseScorecard({
      evidence: {
        budget: { ...base, state: "claimed", qualifier: "want" },
        authority: { ...base, state: "claimed", qualifier: "boss" },
        need: { ...base, state: "claimed", element: "budget", date: "2026-05-01" },
      },
    });
    if (r2.ok) throw new Error("expected errors");
    expect(r2.error.map((i) => i.path)).toEqual([
      "evidence.need.element",
      "evidence.need.date",
      "evidence.budget.qualifier",
      "evidence.authority.qualifier",
    ]);
  });

  it("rejects a non-object", () => {
    expect(parseScorecard([]).ok).toBe(false);
    expect(parseScorecard(null).ok).toBe(false);
  });
});

describe("JSON text", () => {
  it("gives line and column of a syntax error", () => {
    const r = parseJsonText('{\n  "a": 1,\n  "b": tru\n}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ line: 3, column: 8 });
  });
  it("locates a path, or its nearest parent when missing", () => {
    const text = '{\n  "evidence": {\n    "need": { "state": "x" }\n  }\n}';
    expect(locateJsonPath(text, "evidence.need.state")).toEqual({ line: 3, column: 15 });
    expect(locateJsonPath(text, "evidence.need.recordedBy")).toEqual({ line: 3, column: 5 });
  });
});

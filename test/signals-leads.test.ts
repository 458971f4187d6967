import { describe, expect, it } from "vitest";
import { readSignals, suggestEvidence } from "../src/core/signals/index.ts";

// The two real inbound leads of PRODUCT.md §4, in our own words: the system must surface their facts
// and the questions they raise, not guess.

describe("the call-centre lead", () => {
  const text =
    "Web enquiry. We are setting up a new contact centre: 30 agents at launch, rising to 60 within a year. " +
    "We need call scripting, reporting, scheduled call-backs and supervisor monitoring. " +
    "Please send your proposal by 11 June. We will make our final selection on 18 June.";
  const r = readSignals(text, { date: "2026-05-18" });

  it("reads the seats and their growth", () => {
    const growth = r.evidence.find((e) => e.rule === "plans.growth");
    expect(growth?.value).toEqual({ type: "growth", from: 30, to: 60, unit: "agents" });
    expect(r.evidence.some((e) => e.value?.type === "quantity" && e.value.value === 30)).toBe(true);
  });

  it("reads the requirement list as decision criteria", () => {
    const list = r.evidence.find((e) => e.element === "decision_criteria");
    expect(list?.value).toEqual({
      type: "list",
      items: ["call scripting", "reporting", "scheduled call-backs", "supervisor monitoring"],
    });
  });

  it("resolves both dates against the note's date and gives them their roles", () => {
    const dates = r.evidence.filter((e) => e.element === "timeline").map((e) => e.value);
    expect(dates).toEqual([
      { type: "date", date: "2026-06-11", role: "proposal" },
      { type: "date", date: "2026-06-18", role: "decision" },
    ]);
  });

  it("flags one week between proposal and selection, and asks about a preferred supplier", () => {
    const flag = r.redFlags.find((f) => f.signal === "short_decision_window");
    expect(flag?.rule).toBe("decision-window.short");
    expect(flag?.span.text).toBe("18 June");
    expect(flag?.related?.[0]?.text).toBe("11 June");
    expect(r.questions[0]?.id).toBe("q.decision_window");
    expect(r.questions[0]?.text).toMatch(/supplier you already work with/);
  });

  it("asks what is behind the growth and which requirement matters most", () => {
    const ids = r.questions.map((q) => q.id);
    expect(ids).toContain("q.growth");
    expect(ids).toContain("q.criteria_rank");
  });
});

describe("the hospital lead", () => {
  const text =
    "Request from the procurement department of St Anne's hospital: a quote for 100 syringe pumps, needed by 15 November.";
  const r = readSignals(text, { date: "2026-10-01" });

  it("reads the quantity, the quote request and its due date", () => {
    expect(r.evidence.find((e) => e.rule === "quantity.goods")?.value).toEqual({
      type: "quantity",
      value: 100,
      unit: "pumps",
    });
    expect(r.evidence.some((e) => e.rule === "process.quote-request")).toBe(true);
    const due = r.evidence.find((e) => e.element === "timeline");
    expect(due?.value).toEqual({ type: "date", date: "2026-11-15", role: "proposal" });
  });

  it("asks whether it is a price auction or an entry order, and does not guess", () => {
    const ids = r.questions.map((q) => q.id);
    expect(ids.slice(0, 2)).toEqual(["q.quote_request", "q.quote_usage"]);
    expect(r.redFlags).toEqual([]);
  });

  it("resolves a date that has passed this year to next year's", () => {
    const late = readSignals("Quote for 20 infusion pumps needed by 15 March.", { date: "2026-10-01" });
    expect(late.evidence.find((e) => e.element === "timeline")?.value).toMatchObject({ date: "2027-03-15" });
  });
});

describe("suggestEvidence", () => {
  it("gives one claimed suggestion per element with the quote, source and rule", () => {
    const r = readSignals("Our CFO signs off and the budget is approved: $40,000 for this year.", {
      date: "2026-05-20",
    });
    const s = suggestEvidence(r);
    const budget = s.find((x) => x.element === "budget");
    expect(budget).toMatchObject({ state: "claimed", source: "signal", date: "2026-05-20" });
    expect(budget?.quote).toBe(budget?.span.text);
    expect(s.find((x) => x.element === "economic_buyer")?.quote).toBe("CFO");
    expect(new Set(s.map((x) => x.element)).size).toBe(s.length);
  });

  it("says failed when the last word on an element is against it", () => {
    const r = readSignals(
      "They mentioned a budget of $10k early on. By the end: there is no budget this year.",
      { date: "2026-05-20" },
    );
    const budget = suggestEvidence(r).find((x) => x.element === "budget");
    expect(budget?.state).toBe("failed");
    expect(budget?.supporting.map((x) => x.text)).toEqual(["$10k"]);
  });
});

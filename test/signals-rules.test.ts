import { describe, expect, it } from "vitest";
import { readSignals, type SignalsResult } from "../src/core/signals/index.ts";

// One or more sentences per rule, written for these tests (not taken from the bench set): each rule
// fires where it should and stays quiet on a near miss.

const DATE = "2026-03-10";
const read = (text: string, date = DATE): SignalsResult => readSignals(text, { date });
const rules = (r: SignalsResult) => [
  ...r.evidence.map((e) => e.rule),
  ...r.goodSigns.map((g) => g.rule),
  ...r.redFlags.map((f) => f.rule),
];
const elements = (r: SignalsResult) => new Set(r.evidence.map((e) => e.element));
const signals = (r: SignalsResult) => new Set([...r.goodSigns, ...r.redFlags].map((s) => s.signal));

describe("budget", () => {
  it("budget.amount: an amount next to a budget cue, with its qualifier", () => {
    const r = read("They have earmarked £25k for the new rostering system.");
    const e = r.evidence.find((x) => x.rule === "budget.amount");
    expect(e).toMatchObject({
      element: "budget",
      qualifier: "allocated",
      value: { type: "money", amount: 25000, currency: "GBP" },
    });
  });
  it("budget.current-spend: what they pay today is capacity to pay", () => {
    const e = read("We currently pay €900 per month for the old helpdesk licences.").evidence.find(
      (x) => x.element === "budget",
    );
    expect(e).toMatchObject({ rule: "budget.current-spend", qualifier: "capacity" });
  });
  it("budget.statement and budget.none", () => {
    expect(rules(read("Funding is secured for the project."))).toContain("budget.statement");
    const none = read("Sadly the budget was cut after the audit.").evidence.find(
      (x) => x.element === "budget",
    );
    expect(none).toMatchObject({ rule: "budget.none", polarity: "negative" });
  });
  it("money that is a loss, a revenue or a signing limit is not a budget", () => {
    expect(elements(read("Late invoices cost us $3,000 every month in fees."))).not.toContain("budget");
    expect(elements(read("Annual turnover is about €40 million."))).not.toContain("budget");
    expect(elements(read("Anything above $2k needs two signatures."))).not.toContain("budget");
    expect(elements(read("The budget review meeting is on Friday."))).not.toContain("budget");
  });
  it("a bare amount answering a budget question is a budget", () => {
    const r = read("Rep: How much are you looking to spend?\nBuyer: Around 15k a year.");
    expect(r.evidence.find((x) => x.element === "budget")?.value).toMatchObject({ amount: 15000 });
  });
});

describe("timeline", () => {
  it("resolves deadlines relative to the note's date, quarters and year-end included", () => {
    const r = read("We must be live by the end of Q2, and the contract is signed on 20 April.");
    expect(r.evidence.filter((e) => e.element === "timeline").map((e) => e.value)).toEqual([
      { type: "date", date: "2026-06-30", role: "go_live" },
      { type: "date", date: "2026-04-20", role: "decision" },
    ]);
  });
  it("urgency in words, and its absence", () => {
    expect(rules(read("This is urgent, the old server dies soon."))).toContain("timeline.urgency");
    expect(read("There is no deadline on this one.").evidence[0]).toMatchObject({
      rule: "timeline.no-urgency",
      polarity: "negative",
    });
  });
  it("meetings, past dates and durations are not deadlines", () => {
    for (const text of [
      "Let's talk again on Wednesday 18 March.",
      "They switched providers in January.",
      "The team has worked like this for three years.",
      "Each agent handles 40 calls a day.",
    ])
      expect(elements(read(text)), text).not.toContain("timeline");
  });
});

describe("people", () => {
  it("authority: the contact decides, or says they do not", () => {
    expect(rules(read("I'm the one who signs off on tools like this."))).toContain("authority.self-decides");
    const no = read("Honestly that's above my pay grade.").evidence.find((e) => e.element === "authority");
    expect(no).toMatchObject({ rule: "authority.not-self", polarity: "negative" });
    expect(
      read("She is a junior analyst on the team.").evidence.find((e) => e.rule === "authority.junior")
        ?.polarity,
    ).toBe("negative");
  });
  it("economic buyer: a named role with the money or the final yes", () => {
    const e = read("Their managing director controls the budget for all IT spend.").evidence.find(
      (x) => x.element === "economic_buyer",
    );
    expect(e?.value).toEqual({ type: "name", name: "managing director" });
  });
  it("decision process: others who weigh in, steps, paper process, champion", () => {
    expect(rules(read("Our CTO will want to review the security model."))).toContain("process.stakeholder");
    expect(rules(read("After the proof of concept we go to the steering committee."))).toContain(
      "process.steps",
    );
    expect(rules(read("Legal review of the data processing agreement takes a month."))).toContain(
      "paper.process",
    );
    expect(rules(read("I can get you a meeting with our COO."))).toContain("champion.offer");
  });
  it("a title alone in passing is not authority", () => {
    expect(elements(read("The weather was awful and the train was late."))).toEqual(new Set());
  });
});

describe("need, metrics, goals", () => {
  it("need.problem with a qualifier, and metrics from its numbers", () => {
    const r = read("Our engineers lose about 6 hours a week chasing parts by phone.");
    expect(r.evidence.find((e) => e.element === "need")).toMatchObject({
      rule: "need.problem",
      qualifier: "productivity",
    });
    expect(
      read("Missed renewals cost us $8k last quarter.").evidence.find((e) => e.element === "need")?.qualifier,
    ).toBe("financial");
    expect(r.evidence.some((e) => e.rule === "metrics.problem-size")).toBe(true);
  });
  it("need.none, and a want is interest not pain", () => {
    expect(read("The current process works fine for us.").evidence[0]).toMatchObject({
      rule: "need.none",
      polarity: "negative",
    });
    const r = read("Just curious about what the reporting looks like.");
    expect(elements(r)).toEqual(new Set(["interest"]));
  });
  it("metrics.kpi and goals with knowledge", () => {
    expect(rules(read("Our churn rate sits at 4% a month."))).toContain("metrics.kpi");
    const r = read("Our main objective for 2027 is to open 12 new clinics.");
    expect(rules(r)).toEqual(expect.arrayContaining(["goals.statement", "knowledge.goals"]));
  });
  it("consequences and priorities", () => {
    expect(rules(read("If this isn't fixed we risk losing the council contract."))).toContain(
      "consequences.negative",
    );
    expect(rules(read("Automating it would let us answer every enquiry the same day."))).toContain(
      "consequences.positive",
    );
    expect(read("Right now it's not a priority.").evidence[0]).toMatchObject({
      rule: "priority.statement",
      qualifier: "low",
    });
  });
});

describe("competition and criteria", () => {
  it("current tools, rivals under evaluation and generic alternatives", () => {
    expect(read("They still rely on HubSpot for everything.").evidence[0]?.value).toEqual({
      type: "name",
      name: "HubSpot",
    });
    expect(read("We are also evaluating Talkdesk and Aircall.").evidence[0]?.value).toEqual({
      type: "name",
      name: "Talkdesk, Aircall",
    });
    expect(rules(read("Orders are tracked in a shared spreadsheet."))).toContain("competition.alternative");
  });
  it("capitalised words without a cue are not rivals", () => {
    expect(elements(read("Jonas from Gdansk joined the call on Monday."))).not.toContain("competition");
  });
  it("requirement lists and criteria statements; a list of people is not criteria", () => {
    const r = read("It must support shift swaps, holiday requests and payroll export.");
    expect(r.evidence.find((e) => e.rule === "criteria.list")?.value).toEqual({
      type: "list",
      items: ["shift swaps", "holiday requests", "payroll export"],
    });
    expect(rules(read("Being ISO 27001 compliant is non-negotiable."))).toContain("criteria.statement");
    expect(elements(read("I need to speak with Ola, Marek and the finance team first."))).not.toContain(
      "decision_criteria",
    );
  });
});

describe("good signs", () => {
  it("excuse for past inaction", () => {
    expect(signals(read("We kept putting it off because of the office move."))).toContain("excuse");
    expect(signals(read("We moved offices last year."))).not.toContain("excuse");
  });
  it("specificity from numbers and dates, and from a step-by-step plan", () => {
    expect(read("We handle 3,000 tickets a month with 9 agents.").goodSigns[0]?.rule).toBe(
      "specificity.details",
    );
    const plan = read("First we migrate the contacts. Then we train the sales team.");
    expect(plan.goodSigns.map((g) => g.rule)).toContain("specificity.plan");
    expect(signals(read("We want something better."))).not.toContain("specificity");
  });
});

describe("red flags", () => {
  it("vague blanket statements, but not when the sentence is concrete", () => {
    expect(read("We're keeping our options open.").redFlags[0]?.rule).toBe("vague.blanket");
    expect(signals(read("It depends on whether the 40 new hires start in May."))).not.toContain("vague");
  });
  it("unrealistic change over a short time, not a realistic one", () => {
    expect(read("Their sales will triple within three weeks of launch.").redFlags[0]?.rule).toBe(
      "unrealistic.change",
    );
    expect(signals(read("They aim to double bookings over the next three years."))).not.toContain(
      "unrealistic",
    );
  });
  it("a growth in seats far beyond reason is unrealistic", () => {
    expect(signals(read("Starting with 4 users, going to 300 users by April."))).toContain("unrealistic");
    expect(signals(read("Starting with 40 users, going to 55 users by April."))).not.toContain("unrealistic");
  });
  it("short answers to open questions; short closed answers alone are fine", () => {
    const r = read(
      "Rep: How do you plan rotas today?\nProspect: Manually.\nRep: Is that a problem?\nProspect: Yes.",
    );
    expect(r.redFlags.map((f) => f.rule)).toEqual(["short-answer.open-question"]);
    expect(r.redFlags[0]?.span.text).toBe("Manually.");
    const fine = read(
      "Rep: Do you use a rota tool?\nProspect: No, we do it on paper and it takes Marta two days every month.",
    );
    expect(signals(fine)).not.toContain("short_answer");
  });
  it("a note reporting short answers", () => {
    expect(read("He was very curt and wouldn't elaborate on anything.").redFlags[0]?.rule).toBe(
      "short-answer.reported",
    );
  });
  it("a decision window of a week or less after proposals", () => {
    expect(signals(read("Quotes by 2 April, contract award on 6 April."))).toContain("short_decision_window");
    expect(signals(read("Quotes by 2 April, contract award on 30 April."))).not.toContain(
      "short_decision_window",
    );
  });
});

describe("reading rules", () => {
  it("ignores the rep's own words in a transcript", () => {
    const r = read(
      "Rep: We cost $50 per seat and most teams have budget approved by now.\nBuyer: Interesting.",
    );
    expect(elements(r)).not.toContain("budget");
  });
  it("every span quotes the text exactly", () => {
    const text =
      "Spoke with Ewa, Head of Finance.\nThey pay $2,000 a month for Salesforce; budget approved for Q4; decision by 1 December.";
    const r = read(text);
    for (const s of [...r.evidence, ...r.goodSigns, ...r.redFlags].map((x) => x.span))
      expect(text.slice(s.start, s.end)).toBe(s.text);
  });
  it("rejects an unknown language, a bad date and empty text with their codes", () => {
    expect(() => readSignals("x", { date: DATE, lang: "xx" })).toThrow(
      expect.objectContaining({ code: "WINNOW_ERR_SIGNALS_LANGUAGE" }),
    );
    expect(() => readSignals("x", { date: "2026-02-31" })).toThrow(
      expect.objectContaining({ code: "WINNOW_ERR_SIGNALS_INVALID_DATE" }),
    );
    expect(() => readSignals("  \n ", { date: DATE })).toThrow(
      expect.objectContaining({ code: "WINNOW_ERR_SIGNALS_EMPTY_TEXT" }),
    );
  });
});

describe("transcripts in Q/A form with note fields", () => {
  const text =
    "Q: What made you reach out?\nA: Our schedulers spend most of Monday building rotas in Excel, and mistakes cost us overtime.\n" +
    "Q: Who signs?\nA: Our COO has the final say.\nBudget: 50k\nNext steps: demo on 3 June";
  const r = readSignals(text, { date: DATE });
  it("reads the buyer's answers and the note fields, not the questions", () => {
    expect(elements(r)).toEqual(new Set(["need", "competition", "economic_buyer", "budget"]));
  });
  it("does not count a meeting date as a specific detail, and asks about users", () => {
    expect(signals(r)).not.toContain("specificity");
    expect(r.questions.map((q) => q.id)).toContain("missing.users");
  });
});

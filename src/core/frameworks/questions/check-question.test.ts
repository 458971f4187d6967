import { describe, expect, it } from "vitest";
import { checkQuestionLibrary } from "./check-library.ts";
import { checkQuestion } from "./check-question.ts";

describe("checkQuestion", () => {
  it.each([
    "Is this a priority?",
    "Do you have a budget for this?",
    "Does your team track churn?",
    "Are there other people involved?",
    "Have you evaluated other tools?",
    "Can you sign off on this yourself?",
    "Will you decide this quarter?",
    "So, is the team ready for change?",
    "Isn't it time to replace the old system?",
  ])("flags %s as closed and suggests an open form that passes", (text) => {
    const r = checkQuestion(text, "en");
    expect(r.open).toBe(false);
    expect(r.problems[0]?.kind).toBe("closed");
    expect(r.suggestion).toBeDefined();
    expect(checkQuestion(r.suggestion ?? "", "en").open).toBe(true);
  });

  it("suggests by topic: priorities", () => {
    expect(checkQuestion("Is this a priority?").suggestion).toBe(
      "Where does this fall among your priorities right now?",
    );
  });

  it("rewrites by grammar when no topic matches", () => {
    expect(checkQuestion("Does your team track churn?").suggestion).toBe("How does your team track churn?");
  });

  it("flags leading tag questions", () => {
    const r = checkQuestion("This would save you time, wouldn't you agree?");
    expect(r.problems[0]?.kind).toBe("leading");
    expect(checkQuestion(r.suggestion ?? "").open).toBe(true);
  });

  it.each([
    "Where does this fall among your priorities?",
    "How are purchases like this funded?",
    "Walk me through your current process.",
    "Could you walk me through the approval steps?",
    "Who else will weigh in?",
  ])("accepts %s", (text) => {
    expect(checkQuestion(text).open).toBe(true);
  });

  it("flags text that is not a question and empty text", () => {
    expect(checkQuestion("Budget.").problems[0]?.kind).toBe("not-a-question");
    expect(checkQuestion("   ").problems[0]?.kind).toBe("empty");
  });
});

describe("checkQuestionLibrary", () => {
  it("reports closed questions, duplicates and clashes with the shipped library", () => {
    const r = checkQuestionLibrary([
      { element: "budget", text: "Do you have a budget?" },
      { element: "need", text: "What keeps billing slow today?" },
      { element: "need", text: "what keeps billing slow today" },
      { element: "timeline", text: "What event or deadline is driving the timing?" },
    ]);
    if (!r.ok) throw new Error("expected a valid library");
    expect(r.value.findings.map((f) => `${f.path}:${f.kind}`)).toEqual([
      "0.text:closed",
      "2.text:not-a-question",
      "2.text:duplicate",
      "3.text:duplicate",
    ]);
    expect(r.value.findings[3]?.message).toContain("shipped question timeline.event");
    expect(r.value.questions[0]?.id).toBe("custom.budget.1");
  });

  it("rejects a malformed library with paths", () => {
    const r = checkQuestionLibrary([{ element: "pain", text: "" }]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.map((i) => i.path)).toEqual(["0.element", "0.text"]);
  });
});

import { describe, expect, it } from "vitest";
import { readSignals } from "../src/core/signals/index.ts";

// Inconsistency between answers in one note and across calls (PRODUCT.md §4), with the explained
// change as the near miss.

describe("inconsistency", () => {
  it("budget said to exist on the first call, not on the second", () => {
    const r = readSignals("Second call. Ines now tells me there is no money for this.", {
      date: "2026-06-02",
      previous: [{ date: "2026-05-12", text: "Ines confirmed the budget is in place for the rollout." }],
    });
    const flag = r.redFlags.find((f) => f.signal === "inconsistency");
    expect(flag?.rule).toBe("inconsistency.budget");
    expect(flag?.span.text).toBe("no money");
    expect(flag?.earlier?.[0]).toMatchObject({
      note: 0,
      date: "2026-05-12",
      span: { text: "budget is in place" },
    });
    expect(r.questions[0]?.id).toBe("q.inconsistency_budget");
  });

  it("a deadline that moves between calls, each resolved against its own note's date", () => {
    const r = readSignals("They now want to go live by 15 September.", {
      date: "2026-05-20",
      previous: [{ date: "2026-02-01", text: "Go-live needed by 1 June." }],
    });
    const flag = r.redFlags.find((f) => f.rule === "inconsistency.deadline");
    expect(flag?.summary).toContain("2026-06-01");
    expect(flag?.summary).toContain("2026-09-15");
  });

  it("the same deadline repeated is consistent", () => {
    const r = readSignals("Still aiming to go live by 1 June.", {
      date: "2026-05-20",
      previous: [{ date: "2026-02-01", text: "Go-live needed by 1 June." }],
    });
    expect(r.redFlags).toEqual([]);
  });

  it("a budget amount that changes a lot", () => {
    const r = readSignals("Their budget is about $20k.", {
      date: "2026-05-20",
      previous: [{ date: "2026-04-20", text: "Their budget is about $60k." }],
    });
    expect(r.redFlags.map((f) => f.rule)).toContain("inconsistency.budget-amount");
  });

  it("the contact said they decide, now someone else does", () => {
    const r = readSignals("Turns out the group CFO has the final say.", {
      date: "2026-05-20",
      previous: [{ date: "2026-05-01", text: "I make the final decision on this." }],
    });
    expect(r.redFlags.map((f) => f.rule)).toContain("inconsistency.authority");
  });

  it("within one note: budget there and not there", () => {
    const r = readSignals(
      "Early on he said the budget was signed off. Near the end he said they do not have the budget.",
      {
        date: "2026-05-20",
      },
    );
    expect(r.redFlags.map((f) => f.rule)).toEqual(["inconsistency.budget"]);
    expect(r.redFlags[0]?.related?.[0]?.text).toBe("budget was signed off");
  });

  it("a change the buyer explains is not flagged", () => {
    const within = readSignals("Last year there was no budget, but this year the budget has been approved.", {
      date: "2026-05-20",
    });
    expect(within.redFlags).toEqual([]);
    const across = readSignals("Since our last call the funds have been approved.", {
      date: "2026-05-20",
      previous: [{ date: "2026-04-01", text: "There is no budget yet." }],
    });
    expect(across.redFlags).toEqual([]);
  });

  it("rejects an earlier note with a bad date", () => {
    expect(() =>
      readSignals("ok then", { date: "2026-05-20", previous: [{ date: "yesterday", text: "x" }] }),
    ).toThrow(expect.objectContaining({ code: "WINNOW_ERR_SIGNALS_INVALID_DATE" }));
  });
});

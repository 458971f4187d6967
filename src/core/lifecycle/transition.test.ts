import { describe, expect, it } from "vitest";
import { DEFAULT_LIFECYCLE_CONFIG, type LifecycleConfig, parseLifecycleConfig } from "./config.ts";
import { acceptSlaBreach, unreachableAttempts } from "./sla.ts";
import { type LifecycleLead, transition } from "./transition.ts";

const NOW = "2026-03-02T10:00:00.000Z"; // a Monday
const config = DEFAULT_LIFECYCLE_CONFIG;
const lead = (stage: LifecycleLead["stage"], extra: Partial<LifecycleLead> = {}): LifecycleLead => ({
  stage,
  entryPath: "standard",
  stageEnteredAt: "2026-03-01T10:00:00.000Z",
  ...extra,
});
const codeOf = (r: ReturnType<typeof transition>) => (r.ok ? "ok" : r.error.code);

describe("lifecycle transitions", () => {
  it("walks the main path new -> mql -> sal -> sql -> opportunity -> won", () => {
    let current = lead("new");
    const steps = [
      { to: "mql" },
      { to: "sal" },
      { to: "sql", verdict: "advance" },
      { to: "opportunity" },
      { to: "won" },
    ] as const;
    for (const step of steps) {
      const r = transition(current, step, NOW, config);
      if (!r.ok) throw new Error(r.error.message);
      expect(r.lead.stage).toBe(step.to);
      expect(r.lead.stageEnteredAt).toBe(NOW);
      current = { ...current, stage: r.lead.stage };
    }
  });

  it("refuses moves that are not in the table", () => {
    expect(codeOf(transition(lead("mql"), { to: "sql", verdict: "advance" }, NOW, config))).toBe(
      "WINNOW_ERR_TRANSITION_NOT_ALLOWED",
    );
    expect(codeOf(transition(lead("won"), { to: "lost", reason: "x" }, NOW, config))).toBe(
      "WINNOW_ERR_TRANSITION_NOT_ALLOWED",
    );
    expect(codeOf(transition(lead("new"), { to: "won" }, NOW, config))).toBe(
      "WINNOW_ERR_TRANSITION_NOT_ALLOWED",
    );
  });

  it("needs an advance verdict for SAL -> SQL", () => {
    expect(codeOf(transition(lead("sal"), { to: "sql" }, NOW, config))).toBe("WINNOW_ERR_VERDICT_REQUIRED");
    expect(codeOf(transition(lead("sal"), { to: "sql", verdict: "nurture" }, NOW, config))).toBe(
      "WINNOW_ERR_VERDICT_REQUIRED",
    );
    expect(codeOf(transition(lead("sal"), { to: "sql", verdict: "advance" }, NOW, config))).toBe("ok");
    const relaxed: LifecycleConfig = { ...config, sqlNeedsAdvanceVerdict: false };
    expect(codeOf(transition(lead("sal"), { to: "sql" }, NOW, relaxed))).toBe("ok");
  });

  it("makes an MQL rejection carry a known reason and recycles it with re-entry criteria", () => {
    expect(codeOf(transition(lead("mql"), { to: "recycled" }, NOW, config))).toBe(
      "WINNOW_ERR_REASON_REQUIRED",
    );
    const unknown = transition(lead("mql"), { to: "recycled", reason: "too_busy" }, NOW, config);
    expect(codeOf(unknown)).toBe("WINNOW_ERR_REASON_UNKNOWN");
    expect(unknown.ok ? [] : unknown.error.allowed).toEqual([
      "unreachable",
      "inaccurate_data",
      "no_bant",
      "no_fit",
    ]);
    const r = transition(lead("mql"), { to: "recycled", reason: "no_fit" }, NOW, config);
    expect(r.ok && r.lead).toMatchObject({
      stage: "recycled",
      reason: "no_fit",
      reEntry: { after: "2026-05-31T10:00:00.000Z", minScore: null },
    });
    const custom: LifecycleConfig = { ...config, customReasons: ["student"] };
    expect(codeOf(transition(lead("mql"), { to: "recycled", reason: "student" }, NOW, custom))).toBe("ok");
  });

  it("accepts unreachable only after K attempts over D days", () => {
    const attempts = (days: number[]) =>
      days.map((d) => ({
        type: "call",
        occurredAt: new Date(Date.parse(NOW) - d * 86_400_000).toISOString(),
      }));
    const move = (a: ReturnType<typeof attempts>) =>
      transition(lead("mql"), { to: "recycled", reason: "unreachable", attempts: a }, NOW, config);
    expect(codeOf(move(attempts([1, 2])))).toBe("WINNOW_ERR_SLA_ATTEMPTS_NOT_MET");
    expect(codeOf(move(attempts([1, 2, 3])))).toBe("WINNOW_ERR_SLA_ATTEMPTS_NOT_MET"); // 3 attempts but only over 3 days
    expect(codeOf(move(attempts([1, 3, 6])))).toBe("ok");
    expect(
      unreachableAttempts([{ type: "note", occurredAt: "2026-02-01T00:00:00Z" }], NOW, {
        attempts: 1,
        overDays: 0,
      }).met,
    ).toBe(false);
  });

  it("lets PQL and CQL leads enter higher, as configured", () => {
    expect(codeOf(transition(lead("new"), { to: "sal" }, NOW, config))).toBe("WINNOW_ERR_ENTRY_NOT_ALLOWED");
    expect(codeOf(transition(lead("new", { entryPath: "pql" }), { to: "sal" }, NOW, config))).toBe("ok");
    expect(
      codeOf(transition(lead("new", { entryPath: "cql" }), { to: "sql", verdict: "advance" }, NOW, config)),
    ).toBe("WINNOW_ERR_ENTRY_NOT_ALLOWED");
    const open: LifecycleConfig = {
      ...config,
      entryStages: { ...config.entryStages, cql: ["mql", "sal", "sql"] },
    };
    expect(
      codeOf(transition(lead("new", { entryPath: "cql" }), { to: "sql", verdict: "advance" }, NOW, open)),
    ).toBe("ok");
  });

  it("holds a recycled lead back until its re-entry criteria hold", () => {
    const recycled = lead("recycled", {
      reEntry: { after: "2026-04-01T00:00:00.000Z", minScore: 50, note: null },
    });
    expect(codeOf(transition(recycled, { to: "mql", score: 80 }, NOW, config))).toBe(
      "WINNOW_ERR_RE_ENTRY_NOT_MET",
    );
    expect(codeOf(transition(recycled, { to: "mql", score: 20 }, "2026-04-02T00:00:00.000Z", config))).toBe(
      "WINNOW_ERR_RE_ENTRY_NOT_MET",
    );
    expect(codeOf(transition(recycled, { to: "mql", score: 80 }, "2026-04-02T00:00:00.000Z", config))).toBe(
      "ok",
    );
  });

  it("starts the accept-or-reject SLA clock in working hours when a lead becomes MQL", () => {
    // Friday 15:00 UTC + 8 working hours (09:00-17:00) = Monday 15:00 UTC.
    const r = transition(lead("new"), { to: "mql" }, "2026-03-06T15:00:00.000Z", config);
    expect(r.ok && r.lead.slaDueAt).toBe("2026-03-09T15:00:00.000Z");
    const accepted = transition(lead("mql"), { to: "sal" }, NOW, config);
    expect(accepted.ok && accepted.lead.slaDueAt).toBeNull();
  });

  it("reports an SLA breach with how long it was overdue", () => {
    const mql = { stage: "mql" as const, slaDueAt: "2026-03-06T16:00:00.000Z" };
    expect(acceptSlaBreach(mql, "2026-03-06T15:59:00.000Z", config.calendar)).toBeNull();
    // Due Friday 16:00 UTC, checked Monday 10:00: 66 hours of wall clock, 2 working hours.
    expect(acceptSlaBreach(mql, "2026-03-09T10:00:00.000Z", config.calendar)).toEqual({
      sla: "accept_within",
      dueAt: "2026-03-06T16:00:00.000Z",
      overdueSeconds: 66 * 3600,
      overdueWorkingHours: 2,
    });
    expect(acceptSlaBreach({ ...mql, stage: "sal" }, "2026-03-09T10:00:00.000Z", config.calendar)).toBeNull();
  });
});

describe("lifecycle configuration", () => {
  it("fills defaults and validates with paths", () => {
    const r = parseLifecycleConfig({ sla: { acceptWithinWorkingHours: 4 } });
    expect(r.ok && r.value.sla).toEqual({
      acceptWithinWorkingHours: 4,
      unreachable: { attempts: 3, overDays: 5 },
    });
    const bad = parseLifecycleConfig({
      calendar: { timeZone: "Mars/Olympus", workdays: [1], start: "09:00", end: "08:00" },
      customReasons: ["no_fit"],
    });
    expect(bad.ok ? [] : bad.error.map((i) => i.path).sort()).toEqual([
      "calendar.end",
      "calendar.timeZone",
      "customReasons",
    ]);
  });
});

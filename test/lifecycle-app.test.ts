import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createAccount,
  createContact,
  createLead,
  moveLead,
  recordDealOutcome,
  recordScore,
  saveScorecard,
  sweepSlaBreaches,
  updateLead,
} from "../src/app/index.ts";
import { isWinnowError } from "../src/core/errors.ts";
import { DEFAULT_LIFECYCLE_CONFIG, type LifecycleConfig } from "../src/core/lifecycle/config.ts";
import type { Storage } from "../src/storage/ports.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";

// Monday 2 March 2026, 09:00 UTC. Calendar: Mon-Fri 09:00-17:00 UTC, accept within 8 working hours.
const MON = "2026-03-02T09:00:00.000Z";
const at = (iso: string) => new Date(iso).toISOString();
const config: LifecycleConfig = DEFAULT_LIFECYCLE_CONFIG;

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (isWinnowError(error)) return error.code;
    throw error;
  }
  return "no error";
}

describe.each(ENGINES)("lifecycle use cases and queries on %s", (engine) => {
  let s: Storage;
  let n = 0;
  beforeAll(async () => {
    s = await freshStorage(engine);
  });
  afterAll(async () => {
    await s?.close();
  });

  async function lead(owner = "sdr-1", entryPath: "standard" | "pql" = "standard") {
    n += 1;
    const account = await createAccount(s, {
      name: `Company ${n}`,
      domain: `c${n}.example`,
      employees: 50 * n,
    });
    const contact = await createContact(s, {
      email: `p${n}@c${n}.example`,
      accountId: account.id,
      firstName: "Pat",
      lastName: `N${n}`,
    });
    return createLead(
      s,
      {
        contactId: contact.id,
        accountId: account.id,
        ownerId: owner,
        entryPath,
        source: "webinar",
        actor: "import",
        now: MON,
      },
      config,
    );
  }

  it("moves a lead with guards and history, recycling a rejected MQL with re-entry criteria", async () => {
    const l = await lead();
    const mql = await moveLead(s, { leadId: l.id, to: "mql", actor: "marketing", now: MON }, config);
    expect(mql.lead.slaDueAt).toBe(at("2026-03-02T17:00:00Z"));
    expect(
      await codeOf(() => moveLead(s, { leadId: l.id, to: "recycled", actor: "sdr-1", now: MON }, config)),
    ).toBe("WINNOW_ERR_REASON_REQUIRED");
    expect(
      await codeOf(() =>
        moveLead(
          s,
          { leadId: l.id, to: "recycled", reason: "unreachable", actor: "sdr-1", now: MON },
          config,
        ),
      ),
    ).toBe("WINNOW_ERR_SLA_ATTEMPTS_NOT_MET");
    const rejected = await moveLead(
      s,
      { leadId: l.id, to: "recycled", reason: "no_bant", actor: "sdr-1", now: MON },
      config,
    );
    expect(rejected.lead).toMatchObject({ stage: "recycled", reason: "no_bant", slaDueAt: null });
    expect(rejected.lead.reEntry?.after).toBe(at("2026-05-31T09:00:00Z"));
    const history = await s.history.listForLead(l.id, ["stage"]);
    expect(history.map((h) => [h.actor, (h.after as { stage: string }).stage, h.reason])).toEqual([
      ["import", "new", "created"],
      ["marketing", "mql", null],
      ["sdr-1", "recycled", "no_bant"],
    ]);
  });

  it("accepts unreachable once the attempts SLA is met", async () => {
    const l = await lead();
    await moveLead(s, { leadId: l.id, to: "mql", actor: "marketing", now: MON }, config);
    for (const day of ["02", "04", "06"]) {
      await s.activities.create({
        leadId: l.id,
        type: "call",
        outcome: "no_answer",
        occurredAt: `2026-03-${day}T10:00:00.000Z`,
        by: "sdr-1",
      });
    }
    const late = "2026-03-09T10:00:00.000Z";
    const r = await moveLead(
      s,
      { leadId: l.id, to: "recycled", reason: "unreachable", actor: "sdr-1", now: late },
      config,
    );
    expect(r.lead.reason).toBe("unreachable");
    // Handled a week after the SLA fell due: the breach is recorded with who and by how long.
    expect(r.breach).toMatchObject({
      leadId: l.id,
      ownerId: "sdr-1",
      sla: "accept_within",
      overdueSeconds: 6 * 86_400 + 17 * 3600,
    });
  });

  it("needs an advance verdict for SQL, and keeps evidence edits in history", async () => {
    const l = await lead();
    await moveLead(s, { leadId: l.id, to: "mql", actor: "m", now: MON }, config);
    await moveLead(s, { leadId: l.id, to: "sal", actor: "sdr-1", now: MON }, config);
    expect(
      await codeOf(() => moveLead(s, { leadId: l.id, to: "sql", actor: "sdr-1", now: MON }, config)),
    ).toBe("WINNOW_ERR_VERDICT_REQUIRED");
    const v1 = await saveScorecard(s, {
      leadId: l.id,
      expectedVersion: 0,
      framework: "bant",
      evidence: { budget: { state: "claimed" }, need: { state: "verified" } },
      verdictOutcome: "nurture",
      actor: "sdr-1",
      now: MON,
      why: "first call",
    });
    expect(
      await codeOf(() => moveLead(s, { leadId: l.id, to: "sql", actor: "sdr-1", now: MON }, config)),
    ).toBe("WINNOW_ERR_VERDICT_REQUIRED");
    await saveScorecard(s, {
      leadId: l.id,
      expectedVersion: v1.version,
      framework: "bant",
      evidence: { budget: { state: "verified" }, need: { state: "verified" } },
      verdictOutcome: "advance",
      actor: "ae-1",
      now: MON,
      why: "budget confirmed by CFO",
    });
    // A third editor still holding version 1 is refused and writes nothing.
    expect(
      await codeOf(() =>
        saveScorecard(s, {
          leadId: l.id,
          expectedVersion: 1,
          framework: "bant",
          evidence: {},
          verdictOutcome: null,
          actor: "x",
          now: MON,
        }),
      ),
    ).toBe("WINNOW_ERR_STALE_WRITE");
    const sql = await moveLead(s, { leadId: l.id, to: "sql", actor: "sdr-1", now: MON }, config);
    expect(sql.lead.stage).toBe("sql");
    const edits = await s.history.listForLead(l.id, ["evidence"]);
    expect(edits).toHaveLength(2);
    expect(edits[1]).toMatchObject({
      actor: "ae-1",
      reason: "budget confirmed by CFO",
      before: { version: 1, verdict: "nurture", evidence: { budget: { state: "claimed" } } },
      after: { version: 2, verdict: "advance", evidence: { budget: { state: "verified" } } },
    });
  });

  it("refuses a move based on a stale version, and an owner change is recorded", async () => {
    const l = await lead();
    const updated = await updateLead(s, l.id, l.version, {
      ownerId: "sdr-2",
      actor: "manager",
      now: MON,
      why: "rebalance",
    });
    expect(
      await codeOf(() =>
        moveLead(s, { leadId: l.id, to: "mql", expectedVersion: l.version, actor: "m", now: MON }, config),
      ),
    ).toBe("WINNOW_ERR_STALE_WRITE");
    expect(
      await codeOf(() => updateLead(s, l.id, l.version, { ownerId: "sdr-3", actor: "m", now: MON })),
    ).toBe("WINNOW_ERR_STALE_WRITE");
    const owners = await s.history.listForLead(l.id, ["owner"]);
    expect(owners.map((h) => h.after)).toEqual([{ ownerId: "sdr-2" }]);
    expect(updated.version).toBe(l.version + 1);
  });

  it("closes a deal and moves its lead to won or lost in one go", async () => {
    const l = await lead();
    await moveLead(s, { leadId: l.id, to: "mql", actor: "m", now: MON }, config);
    await moveLead(s, { leadId: l.id, to: "sal", actor: "m", now: MON }, config);
    await saveScorecard(s, {
      leadId: l.id,
      expectedVersion: 0,
      framework: "bant",
      evidence: {},
      verdictOutcome: "advance",
      actor: "a",
      now: MON,
    });
    await moveLead(s, { leadId: l.id, to: "sql", actor: "m", now: MON }, config);
    await moveLead(s, { leadId: l.id, to: "opportunity", actor: "m", now: MON }, config);
    const deal = await s.deals.create({
      leadId: l.id,
      accountId: l.accountId,
      name: "Deal",
      amount: 12000,
      createdAt: MON,
    });
    expect(
      await codeOf(() =>
        recordDealOutcome(
          s,
          { dealId: deal.id, expectedVersion: 1, status: "lost", actor: "ae", now: MON },
          config,
        ),
      ),
    ).toBe("WINNOW_ERR_REASON_REQUIRED");
    const r = await recordDealOutcome(
      s,
      { dealId: deal.id, expectedVersion: 1, status: "lost", reason: "price", actor: "ae", now: MON },
      config,
    );
    expect([r.deal.status, r.lead?.stage, r.lead?.reason]).toEqual(["lost", "lost", "price"]);
  });

  it("lets a PQL enter at SAL but not a standard lead", async () => {
    const pql = await lead("sdr-1", "pql");
    expect(
      (await moveLead(s, { leadId: pql.id, to: "sal", actor: "product", now: MON }, config)).lead.stage,
    ).toBe("sal");
    const std = await lead();
    expect(await codeOf(() => moveLead(s, { leadId: std.id, to: "sal", actor: "x", now: MON }, config))).toBe(
      "WINNOW_ERR_ENTRY_NOT_ALLOWED",
    );
  });

  it("sweeps overdue MQLs into SLA breaches once, and lists them by owner", async () => {
    const l = await lead("sdr-sweep");
    await moveLead(s, { leadId: l.id, to: "mql", actor: "m", now: "2026-03-06T15:00:00.000Z" }, config); // due Monday 15:00
    expect(await sweepSlaBreaches(s, "2026-03-09T14:00:00.000Z", config)).toHaveLength(0);
    const found = await sweepSlaBreaches(s, "2026-03-09T16:30:00.000Z", config);
    expect(
      found.map((b) => [b.leadId, b.ownerId, b.overdueSeconds, b.details["overdueWorkingHours"]]),
    ).toEqual([[l.id, "sdr-sweep", 5400, 1.5]]);
    expect(await sweepSlaBreaches(s, "2026-03-09T16:45:00.000Z", config)).toHaveLength(0);
    const listed = await s.slaBreaches.list({ ownerId: "sdr-sweep" });
    expect(listed).toHaveLength(1);
    // Still not handled: the breach's lateness keeps growing, it is not announced again.
    expect(listed[0]!.overdueSeconds).toBe(6300);
    // Handled next morning: the same breach now says how late it was handled (19 h on the clock,
    // 3 working hours: 15:00-17:00 Monday and 09:00-10:00 Tuesday) and how.
    const moved = await moveLead(
      s,
      { leadId: l.id, to: "sal", actor: "sdr-sweep", now: "2026-03-10T10:00:00.000Z" },
      config,
    );
    expect(moved.breach).toBeNull();
    const [handled] = await s.slaBreaches.list({ ownerId: "sdr-sweep" });
    expect([
      handled!.detectedAt,
      handled!.overdueSeconds,
      handled!.details["overdueWorkingHours"],
      handled!.details["handledAs"],
    ]).toEqual(["2026-03-09T16:30:00.000Z", 19 * 3600, 3, "sal"]);
  });

  it("keeps score changes in history, and a recycled lead needs its re-entry score to come back", async () => {
    const l = await lead();
    await moveLead(s, { leadId: l.id, to: "mql", actor: "m", now: MON }, config);
    await moveLead(
      s,
      {
        leadId: l.id,
        to: "recycled",
        reason: "no_fit",
        reEntry: { after: MON, minScore: 60 },
        actor: "sdr-1",
        now: MON,
      },
      config,
    );
    const score = {
      leadId: l.id,
      modelId: null,
      fit: 20,
      engagement: 10,
      grade: "C",
      explanation: null,
      computedAt: MON,
    };
    expect((await recordScore(s, score, { actor: "scoring" })).changed).toBe(true);
    expect((await recordScore(s, score, { actor: "scoring" })).changed).toBe(false);
    expect(await codeOf(() => moveLead(s, { leadId: l.id, to: "mql", actor: "m", now: MON }, config))).toBe(
      "WINNOW_ERR_RE_ENTRY_NOT_MET",
    );
    await recordScore(s, { ...score, fit: 50, grade: "A" }, { actor: "scoring", reason: "visited pricing" });
    expect((await moveLead(s, { leadId: l.id, to: "mql", actor: "m", now: MON }, config)).lead.stage).toBe(
      "mql",
    );
    const scores = await s.history.listForLead(l.id, ["score"]);
    expect(scores.map((h) => [h.reason, (h.after as { fit: number }).fit])).toEqual([
      [null, 20],
      ["visited pricing", 50],
    ]);
  });
});

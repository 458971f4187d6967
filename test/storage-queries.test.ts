import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLead, moveLead, saveScorecard } from "../src/app/index.ts";
import { isWinnowError } from "../src/core/errors.ts";
import { DEFAULT_LIFECYCLE_CONFIG } from "../src/core/lifecycle/config.ts";
import type { Stage } from "../src/core/lifecycle/stages.ts";
import type { Storage, StoredLead } from "../src/storage/ports.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";

const config = DEFAULT_LIFECYCLE_CONFIG;
const day = (d: number, h = 10) =>
  `2026-03-${String(d).padStart(2, "0")}T${String(h).padStart(2, "0")}:00:00.000Z`;

describe.each(ENGINES)("queries on %s", (engine) => {
  let s: Storage;
  const leads: StoredLead[] = [];

  // Six leads on a path through the funnel, with scores, moved on known days.
  beforeAll(async () => {
    s = await freshStorage(engine);
    const paths: { to: Stage; reason?: string; d: number }[][] = [
      [
        { to: "mql", d: 2 },
        { to: "sal", d: 3 },
        { to: "sql", d: 5 },
        { to: "opportunity", d: 9 },
        { to: "won", d: 20 },
      ],
      [
        { to: "mql", d: 2 },
        { to: "sal", d: 4 },
        { to: "sql", d: 6 },
      ],
      [
        { to: "mql", d: 3 },
        { to: "recycled", reason: "no_fit", d: 4 },
      ],
      [
        { to: "mql", d: 3 },
        { to: "recycled", reason: "no_fit", d: 5 },
      ],
      [
        { to: "mql", d: 4 },
        { to: "recycled", reason: "no_bant", d: 6 },
      ],
      [{ to: "mql", d: 30 }],
    ];
    for (const [i, path] of paths.entries()) {
      const account = await s.accounts.create({ name: `Org ${i}`, domain: `org${i}.example` });
      const contact = await s.contacts.create({
        email: `c${i}@org${i}.example`,
        accountId: account.id,
        firstName: "Kim",
        lastName: `Lee${i}`,
      });
      const lead = await createLead(
        s,
        {
          contactId: contact.id,
          accountId: account.id,
          ownerId: i % 2 === 0 ? "ana" : "bob",
          source: i < 3 ? "webinar" : "ads",
          actor: "t",
          now: day(1),
        },
        config,
      );
      await s.leadScores.put({
        leadId: lead.id,
        modelId: null,
        fit: 10 * i,
        engagement: 5,
        grade: "B",
        explanation: null,
        computedAt: day(1),
      });
      for (const step of path) {
        if (step.to === "sql") {
          const v = (await s.scorecards.latest(lead.id))?.version ?? 0;
          await saveScorecard(s, {
            leadId: lead.id,
            expectedVersion: v,
            framework: "bant",
            evidence: {},
            verdictOutcome: "advance",
            actor: "t",
            now: day(step.d),
          });
        }
        await moveLead(
          s,
          { leadId: lead.id, to: step.to, reason: step.reason ?? null, actor: "t", now: day(step.d) },
          config,
        );
      }
      leads.push((await s.leads.get(lead.id)) as StoredLead);
    }
  });
  afterAll(async () => {
    await s?.close();
  });

  it("counts the funnel and the conversion between stages over a period", async () => {
    const f = await s.queries.funnel({ from: day(1, 0), to: day(29, 0) });
    expect(f.steps).toEqual([
      { stage: "new", entered: 6 },
      { stage: "mql", entered: 5 },
      { stage: "sal", entered: 2 },
      { stage: "sql", entered: 2 },
      { stage: "opportunity", entered: 1 },
      { stage: "won", entered: 1 },
    ]);
    expect(f.conversions.find((c) => c.from === "mql")).toEqual({
      from: "mql",
      to: "sal",
      count: 2,
      rate: 0.4,
    });
    expect(f.conversions.find((c) => c.from === "sql")).toEqual({
      from: "sql",
      to: "opportunity",
      count: 1,
      rate: 0.5,
    });
  });

  it("reports rejection reasons and time in stage", async () => {
    expect(await s.queries.rejectionReasons({ from: day(1, 0), to: day(31, 0) })).toEqual([
      { reason: "no_fit", count: 2 },
      { reason: "no_bant", count: 1 },
    ]);
    const times = await s.queries.timeInStage({ from: day(1, 0), to: day(31, 0) });
    const sal = times.find((t) => t.stage === "sal");
    expect(sal).toEqual({ stage: "sal", exits: 2, meanHours: 48, medianHours: 48 });
    expect(times.find((t) => t.stage === "mql")?.exits).toBe(5);
  });

  it("gives a lead with everything attached", async () => {
    const d = await s.queries.leadDetail(leads[0]?.id as string);
    expect(d?.lead.stage).toBe("won");
    expect(d?.contact.email).toBe("c0@org0.example");
    expect(d?.account?.domain).toBe("org0.example");
    expect(d?.score?.fit).toBe(0);
    expect(d?.scorecard?.verdictOutcome).toBe("advance");
    expect(d?.history.filter((h) => h.kind === "stage")).toHaveLength(6);
    expect(await s.queries.leadDetail("missing")).toBeNull();
  });

  it("orders an owner's inbox by SLA due time, then score", async () => {
    const inbox = await s.queries.inbox("ana", { now: day(30, 12) });
    // ana owns leads 0, 2, 4: lead 0 is won, 2 and 4 recycled -> nothing actionable; bob owns 1 (sql), 3 (recycled), 5 (mql with SLA).
    expect(inbox).toEqual([]);
    const bob = await s.queries.inbox("bob", { now: day(30, 12) });
    expect(bob.map((i) => i.lead.id)).toEqual([leads[5]?.id, leads[1]?.id]);
    expect(bob[0]?.slaSecondsLeft).toBe(22 * 3600); // MQL Monday 30th 10:00 + 8 working hours = 31st 10:00
    expect(bob[0]?.contact.lastName).toBe("Lee5");
    expect(bob[1]?.score?.fit).toBe(10);
  });

  it("pages through leads with a cursor, filters and sorting", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const r = await s.queries.listLeads({
        sort: "fit",
        direction: "desc",
        limit: 4,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...r.items.map((i) => i.lead.id));
      if (!r.nextCursor) break;
      cursor = r.nextCursor;
    }
    expect(seen).toEqual([...leads].reverse().map((l) => l.id));
    const filtered = await s.queries.listLeads({
      stages: ["recycled"],
      source: "ads",
      sort: "fit",
      direction: "asc",
    });
    expect(filtered.items.map((i) => i.lead.id)).toEqual([leads[3]?.id, leads[4]?.id]);
    expect(filtered.nextCursor).toBeNull();
    const search = await s.queries.listLeads({ search: "lee2" });
    expect(search.items.map((i) => [i.email, i.company])).toEqual([["c2@org2.example", "Org 2"]]);
    try {
      await s.queries.listLeads({ sort: "createdAt", cursor: cursor ?? "x" });
      expect.unreachable();
    } catch (error) {
      expect(isWinnowError(error) && error.code).toBe("WINNOW_ERR_INVALID_CURSOR");
    }
  });
});

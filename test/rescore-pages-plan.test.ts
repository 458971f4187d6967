import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { rescoreAll, scorerFor } from "../src/app/rescore-all.ts";
import type { Storage } from "../src/storage/ports.ts";
import { PAGE_SQL, readLedgerLeads, readLedgerPage } from "../src/storage/rescore-pages.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";

type PlanNode = {
  "Relation Name"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  Plans?: PlanNode[];
};

/** Rows of `table` that the plan's scans of it visited (returned plus filtered out), over all loops. */
function rowsVisited(node: PlanNode, table: string): number {
  const own =
    node["Relation Name"] === table
      ? ((node["Actual Rows"] ?? 0) + (node["Rows Removed by Filter"] ?? 0)) * (node["Actual Loops"] ?? 1)
      : 0;
  return own + (node.Plans ?? []).reduce((sum, p) => sum + rowsVisited(p, table), 0);
}

const LEADS = 80;

// Issue #4: at 1,000,000 leads on PostgreSQL, pages whose range was estimated large were built with
// a merge join whose lead_scores side scanned the index from its first row up to the page, because
// the page's range (on l.id) is not carried across the outer join. The join condition now repeats
// the range. The planner is made to take that merge join here, whatever its estimates.
describe.each(ENGINES)("full-rescore page read on %s", (engine) => {
  let storage: Storage;
  let ids: string[] = [];
  beforeAll(async () => {
    storage = await freshStorage(engine);
    await seedDemoWorkspace(storage, { leads: LEADS, accounts: 20 });
    ids = (await storage.sql.query<{ id: string }>("SELECT id FROM leads ORDER BY id")).rows.map((r) => r.id);
  });
  afterAll(async () => {
    await storage?.close();
  });

  it("reads only the page's own scores when lead_scores is merge-joined", async () => {
    const scored = await storage.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM lead_scores");
    expect(scored.rows[0]!.n).toBe(LEADS); // every lead has a stored score to join
    const after = ids[59]!;
    const upTo = ids[69]!;
    const plan = await storage.sql.transaction(async (tx) => {
      await tx.exec("SET LOCAL enable_nestloop = off");
      await tx.exec("SET LOCAL enable_hashjoin = off");
      await tx.exec("SET LOCAL enable_seqscan = off");
      const r = await tx.query<{ "QUERY PLAN": [{ Plan: PlanNode }] | string }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${PAGE_SQL}`,
        [after, upTo, 1000],
      );
      const raw = r.rows[0]!["QUERY PLAN"];
      return (typeof raw === "string" ? JSON.parse(raw) : raw)[0].Plan as PlanNode;
    });
    expect(JSON.stringify(plan)).toContain("Merge");
    // 10 leads in (ids[59], ids[69]]: the merge may look one score past the page's end, never at the 59 before it.
    expect(rowsVisited(plan, "lead_scores")).toBeLessThanOrEqual(11);
    expect(rowsVisited(plan, "leads")).toBeLessThanOrEqual(11);
  });

  it("still gives every lead of the page with its stored score", async () => {
    const texts = await readLedgerPage(storage.sql, storage.engine, ids[59]!, ids[69]!, 1000);
    expect(texts.map((t) => JSON.parse(t)[0])).toEqual(ids.slice(60, 70));
    for (const t of texts) expect(JSON.parse(t)[28]).not.toBeNull();
    const open = await readLedgerPage(storage.sql, storage.engine, ids[74]!, null, 1000);
    expect(open.map((t) => JSON.parse(t)[0])).toEqual(ids.slice(75));
    for (const t of open) expect(JSON.parse(t)[28]).not.toBeNull();
  });
});

// The full rescore yields to the event loop every 250 leads while it scores a page (so that the next
// page streams in meanwhile on PostgreSQL): a page of 700 leads is scored in three slices, and every
// lead still gets exactly what scoring its ledger gives.
describe.each(ENGINES)("full rescore in slices on %s", (engine) => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await freshStorage(engine);
    await seedDemoWorkspace(storage, { leads: 700, accounts: 50 });
  });
  afterAll(async () => {
    await storage?.close();
  });

  it("scores every lead of a page larger than a slice", async () => {
    const model = await storage.scoringModels.getDefault();
    if (!model) throw new Error("no default model");
    await storage.sql.exec("DELETE FROM lead_scores"); // every score below is the rescore's own
    const now = "2030-01-01T00:00:00.000Z";
    const result = await rescoreAll(storage, model, { now, pageSize: 1000 });
    expect(result.leads).toBe(700);
    const ids = (await storage.sql.query<{ id: string }>("SELECT id FROM leads ORDER BY id")).rows.map(
      (r) => r.id,
    );
    const scorer = scorerFor(model);
    const out = { fit: 0, engagement: 0, total: 0, grade: "D4" as const };
    const stored = await storage.sql.query<{
      lead_id: string;
      fit: number;
      engagement: number;
      computed_at: Date | string;
    }>("SELECT lead_id, fit, engagement, computed_at FROM lead_scores ORDER BY lead_id");
    expect(stored.rows.map((r) => r.lead_id)).toEqual(ids);
    const byId = new Map(stored.rows.map((r) => [r.lead_id, r]));
    for (const { lead } of await readLedgerLeads(storage.sql, ids)) {
      scorer.scoreInto(lead, Date.parse(now), out);
      const got = byId.get(lead.lead.id)!;
      expect([Number(got.fit), Number(got.engagement)]).toEqual([out.fit, out.engagement]);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import type { Storage } from "../src/storage/ports.ts";
import { PAGE_SQL, readLedgerPage } from "../src/storage/rescore-pages.ts";
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

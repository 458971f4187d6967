import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { openStorage } from "../src/storage/open.ts";
import { winnow } from "./helpers/cli.ts";
import { migratedPgliteFolder } from "./helpers/db.ts";

const NOW = "2026-04-06T00:00:00.000Z";

describe("winnow train-db", () => {
  const dir = mkdtempSync(join(tmpdir(), "winnow-train-db-"));
  const db = join(dir, "db");
  beforeAll(async () => {
    await migratedPgliteFolder(db);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses to train on an empty history, says why and exits 7", async () => {
    const r = await winnow(["train-db", "--db", db, "--now", NOW, "--json"]);
    expect(r.code).toBe(7);
    expect(JSON.parse(r.stdout)).toMatchObject({ trained: false, won: 0, lost: 0, fallback: "rules-score" });
    const usage = await winnow(["train-db", "--db", db, "--population", "everyone"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--population");
  });

  it("trains on the demo workspace, stores the active model and scores open leads", async () => {
    const storage = await openStorage({ engine: "pglite", dataDir: db });
    await seedDemoWorkspace(storage, { leads: 400, accounts: 80, eventsPerLead: 4 });
    await storage.close();
    const r = await winnow(["train-db", "--db", db, "--now", NOW, "--icp", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.model).toMatchObject({
      version: 1,
      status: "active",
      trainedBy: "cli",
      learner: "winnow-default",
    });
    expect(out.metrics).toMatchObject({ population: "leads", rows: 167, won: 21, lost: 146 });
    expect(out.metrics.heldOut.auc).toBeGreaterThan(0.7);
    expect(out.scored).toBeGreaterThan(200);
    expect(out.icp.ready).toBe(true);
    expect(out.icp.report.baseRate).toBeCloseTo(21 / 167, 10);
  });
});

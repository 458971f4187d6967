import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { validateScoringModel } from "../src/core/scoring/parse-model.ts";
import { openStorage } from "../src/storage/open.ts";
import { winnow } from "./helpers/cli.ts";
import { migratedPgliteFolder } from "./helpers/db.ts";

const NOW = "2026-04-06T00:00:00.000Z";

describe("winnow train-db --adopt", () => {
  const dir = mkdtempSync(join(tmpdir(), "winnow-icp-adopt-"));
  const db = join(dir, "db");
  beforeAll(async () => {
    await migratedPgliteFolder(db);
    const storage = await openStorage({ engine: "pglite", dataDir: db });
    await seedDemoWorkspace(storage, { leads: 800, accounts: 160, eventsPerLead: 4 });
    await storage.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("saves the suggested ICP rules as a draft of the default model and publishes nothing", async () => {
    const r = await winnow(["train-db", "--db", db, "--now", NOW, "--adopt", "suggested", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.draft.draft).toMatchObject({
      status: "draft",
      isDefault: false,
      version: 2,
      createdBy: "cli",
    });
    expect(out.draft.adopted.length).toBeGreaterThan(0);
    expect(validateScoringModel(out.draft.draft.document).ok).toBe(true);
    const storage = await openStorage({ engine: "pglite", dataDir: db });
    try {
      expect((await storage.scoringModels.getDefault())?.version).toBe(1);
    } finally {
      await storage.close();
    }
  });

  it("names an unknown segment id and saves nothing", async () => {
    const r = await winnow(["train-db", "--db", db, "--now", NOW, "--adopt", "icp-nope"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('no ICP segment or suggested rule has id "icp-nope"');
    const storage = await openStorage({ engine: "pglite", dataDir: db });
    try {
      expect((await storage.scoringModels.list()).filter((m) => m.status === "draft")).toHaveLength(1);
    } finally {
      await storage.close();
    }
  });
});

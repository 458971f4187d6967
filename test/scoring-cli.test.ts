import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { openStorage } from "../src/storage/open.ts";
import { winnow } from "./helpers/cli.ts";
import { migratedPgliteFolder } from "./helpers/db.ts";

const ROOT = resolve(import.meta.dirname, "..");
const run = (argv: string[]) => winnow(argv, {}, ROOT);
const dir = mkdtempSync(join(tmpdir(), "winnow-score-"));

describe("winnow score", () => {
  it("validates the example models", async () => {
    for (const file of ["examples/scoring-model.yaml", "examples/scoring-model-draft.yaml"]) {
      const r = await run(["score", "validate", file]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^valid: reference-b2b v\d .*18 fit, 15 engagement, 7 negative rules/);
    }
  });

  it("exits 3 on an invalid model and names each line", async () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(
      file,
      "id: bad\nname: Bad\nversion: 1\nengagement:\n  rules:\n    - id: pv\n      event: page_view\n      points: 0\n",
    );
    const r = await run(["score", "validate", file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("WINNOW_ERR_SCORING_MODEL_INVALID");
    expect(r.stderr).toMatch(/line 8, column \d+ \(engagement\.rules\.0\.points\)/);
    const j = await run(["score", "validate", file, "--json"]);
    expect(j.code).toBe(3);
    expect(JSON.parse(j.stdout)).toMatchObject({
      valid: false,
      issues: [{ path: "engagement.rules.0.points", line: 8 }],
    });
  });

  it("exits 4 when the model file is missing", async () => {
    expect((await run(["score", "validate", "nope.yaml"])).code).toBe(4);
  });

  it("scores demo leads with explanations that add up", async () => {
    const r = await run([
      "score",
      "leads",
      "examples/scoring-model.yaml",
      "--demo",
      "--leads",
      "15",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      leads: { total: number; grade: string; explanation: { counted: number }[] }[];
    };
    expect(out.leads).toHaveLength(15);
    for (const l of out.leads) expect(l.explanation.reduce((s, e) => s + e.counted, 0)).toBe(l.total);
    const text = await run(["score", "leads", "examples/scoring-model.yaml", "--demo", "--leads", "3"]);
    expect(text.stdout).toMatch(/lead-0\s+[A-D][1-4]/);
  });

  it("scores a JSON file of lead bundles, and says where a bundle is wrong", async () => {
    const file = join(dir, "leads.json");
    writeFileSync(
      file,
      JSON.stringify([
        {
          account: { id: "a1", industry: "software", employees: 800, region: "emea" },
          contact: {
            id: "c1",
            email: "vp@a1.example",
            seniority: "vp",
            title: "VP of Sales",
            emailStatus: "valid",
          },
          lead: { id: "l1", createdAt: "2026-02-01T00:00:00Z" },
          events: [{ id: "e1", type: "demo_request", occurredAt: "2026-02-02T00:00:00Z" }],
        },
      ]),
    );
    const r = await run([
      "score",
      "leads",
      "examples/scoring-model.yaml",
      file,
      "--at",
      "2026-02-02T00:00:00Z",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lead = (
      JSON.parse(r.stdout) as { leads: { leadId: string; grade: string; thresholdsMet: string[] }[] }
    ).leads[0];
    // fit 89 (A), engagement 40 from the demo request (band 2: 25..49), total 129 over the MQL line
    expect(lead).toMatchObject({
      leadId: "l1",
      fit: 89,
      engagement: 40,
      grade: "A2",
      thresholdsMet: ["mql"],
    });
    writeFileSync(file, JSON.stringify([{ lead: { id: "l1", createdAt: "yesterday" } }]));
    const bad = await run(["score", "leads", "examples/scoring-model.yaml", file]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/0\.lead\.createdAt/);
  });
});

describe("winnow backtest", () => {
  it("compares a draft with the published model on demo history", async () => {
    const r = await run([
      "backtest",
      "examples/scoring-model-draft.yaml",
      "--demo",
      "--leads",
      "400",
      "--from",
      "2025-01-06",
      "--to",
      "2025-07-07",
      "--compare",
      "examples/scoring-model.yaml",
      "--reps",
      "2",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.result.model).toMatchObject({ version: 2, status: "draft" });
    expect(out.compare.model).toMatchObject({ version: 1, status: "published" });
    expect(out.result.weeks).toHaveLength(26);
    expect(out.result.leads).toBe(out.compare.leads);
    expect(out.result.mqls).toBe(out.result.weeks.reduce((s: number, w: { mqls: number }) => s + w.mqls, 0));
    expect(out.capacity.capacityPerWeek).toBe(50);
    const text = await run(["backtest", "examples/scoring-model.yaml", "--demo", "--leads", "200"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/AUC won vs lost deals/);
  });

  it("rejects a bad period", async () => {
    expect(
      (
        await run([
          "backtest",
          "examples/scoring-model.yaml",
          "--demo",
          "--from",
          "2025-05-01",
          "--to",
          "2025-01-01",
        ])
      ).code,
    ).toBe(2);
    expect((await run(["backtest", "examples/scoring-model.yaml", "--demo", "--from", "soon"])).code).toBe(2);
  });
});

describe("winnow score publish / rescore and winnow backtest on the database", () => {
  const db = join(dir, "db");
  let asOf = "";
  beforeAll(async () => {
    await migratedPgliteFolder(db);
    const storage = await openStorage({ engine: "pglite", dataDir: db });
    try {
      asOf = (await seedDemoWorkspace(storage, { leads: 150, accounts: 30 })).asOf;
    } finally {
      await storage.close();
    }
  });

  it("publishing as the default rescores every lead with a progress bar; rescore runs it again", async () => {
    const r = await run(["score", "publish", "examples/scoring-model-draft.yaml", "--default", "--db", db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/published .+ v\d+ \(.+\), default/);
    expect(r.stdout).toMatch(/rescored 150 leads with .+: \d+ threshold crossings/);
    expect(r.stderr).toContain("rescoring: 150/150 leads (100%)");
    const storage = await openStorage({ engine: "pglite", dataDir: db });
    try {
      const model = await storage.scoringModels.getDefault();
      expect(model).toMatchObject({ status: "published", isDefault: true });
      const scored = await storage.sql.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM lead_scores WHERE model_id = $1",
        [model!.id],
      );
      expect(scored.rows[0]?.n).toBe(150);
      const again = await run(["score", "rescore", "--db", db, "--json"]);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout).rescore).toMatchObject({ state: "done", processed: 150, total: 150 });
      // Publishing what is already the published default changes nothing and rescores nothing.
      const same = await run(["score", "publish", model!.id, "--db", db]);
      expect(same.stdout).toMatch(/scores unchanged/);
    } finally {
      await storage.close();
    }
    expect((await run(["score", "rescore", "--db", join(dir, "empty")])).code).toBe(2);
  });

  it("backtests a draft against the database's history, compared with its default model", async () => {
    const to = asOf.slice(0, 10);
    const from = new Date(Date.parse(asOf) - 182 * 86_400_000).toISOString().slice(0, 10);
    const r = await run([
      "backtest",
      "examples/scoring-model.yaml",
      "--db",
      db,
      "--from",
      from,
      "--to",
      to,
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.result.leads).toBeGreaterThan(10);
    expect(out.result.model).toMatchObject({ version: 1 });
    // The default is the draft published by the test above (version 2 of the same name).
    expect(out.compare.model).toMatchObject({ version: 2, status: "draft" });
    expect(out.compare.leads).toBe(out.result.leads);
    const text = await run([
      "backtest",
      "examples/scoring-model.yaml",
      "--db",
      db,
      "--from",
      from,
      "--to",
      to,
    ]);
    expect(text.stdout).toMatch(/leads from the database/);
  });
});

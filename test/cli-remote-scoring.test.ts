import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { runCli } from "../src/cli/run.ts";
import { openStorage } from "../src/storage/open.ts";
import type { Storage } from "../src/storage/ports.ts";
import { winnow } from "./helpers/cli.ts";
import { freshStorage, migratedPgliteFolder } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";

// score (draft / publish / rescore), backtest and train-db through a real server on 127.0.0.1,
// compared with the same commands run locally on a second database seeded the same way (the
// server's clock is the seed's "now", which the local commands get as --now).
const SEED = { leads: 400, accounts: 80, eventsPerLead: 4 };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const noIds = (text: string) => text.replace(UUID, "<id>");

describe.each(ENGINES)("winnow score/backtest/train-db --url (%s)", (engine) => {
  const dir = mkdtempSync(join(tmpdir(), "winnow-remote-scoring-"));
  const db = join(dir, "db");
  let storage: Storage;
  let t: TestApi;
  let url = "";
  let asOf = "";
  let draftId = "";
  beforeAll(async () => {
    storage = await freshStorage(engine);
    asOf = (await seedDemoWorkspace(storage, SEED)).asOf;
    await migratedPgliteFolder(db);
    const local = await openStorage({ engine: "pglite", dataDir: db });
    try {
      await seedDemoWorkspace(local, SEED);
    } finally {
      await local.close();
    }
    t = await startTestApi(storage, {}, { now: () => new Date(asOf) });
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    const address = t.app.server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const remote = (argv: string[], key = t.keys.manager) => winnow([...argv, "--url", url, "--key", key]);
  const local = (argv: string[]) => winnow([...argv, "--db", db]);

  it("train-db trains on the server's history with the same report; train and --now are refused", async () => {
    const near = await local(["train-db", "--now", asOf, "--icp", "--json"]);
    const far = await remote(["train-db", "--icp", "--json"]);
    expect(near.code, near.stderr).toBe(0);
    expect(far.code, far.stderr).toBe(0);
    const a = JSON.parse(near.stdout);
    const b = JSON.parse(far.stdout);
    expect(b.metrics).toEqual(a.metrics);
    expect(b.scored).toBe(a.scored);
    expect(b.model).toMatchObject({
      version: 1,
      status: "active",
      learner: a.model.learner,
      trainedBy: "manager",
    });
    expect(b.icp.ready).toBe(true);
    expect(b.icp.rules).toEqual(a.icp.rules);
    expect(b.icp.report.baseRate).toBe(a.icp.report.baseRate);

    // Text, with adopting the suggested ICP rules into a draft: the same lines but the draft's id.
    const segment = (b.icp.report.byLift as { id: string }[])[0]!.id;
    const nearText = await local(["train-db", "--now", asOf, "--icp", "--adopt", segment]);
    const farText = await remote(["train-db", "--icp", "--adopt", segment]);
    expect(farText.code, farText.stderr).toBe(0);
    expect(farText.stdout).toMatch(
      /^model v2 .*\n[\s\S]*draft .* v\d+ \(.+\) = .*nothing was published\)\n$/,
    );
    expect(noIds(farText.stdout)).toBe(noIds(nearText.stdout));

    const now = await remote(["train-db", "--now", asOf]);
    expect(now.code).toBe(2);
    expect(now.stderr).toContain("--now cannot work with --url: the server trains as of its own clock");
    const csv = await remote(["train", "--spec", "bench/datasets/none.json"]);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain("winnow train cannot work with --url");
    expect(csv.stderr).toContain("winnow train-db --url");
    const rep = await remote(["train-db"], t.keys.alice);
    expect(rep.code).toBe(3);
    expect(rep.stderr).toContain("[WINNOW_ERR_FORBIDDEN]");
  });

  it("backtests a draft saved on the server with the same figures as locally", async () => {
    const saved = await remote(["score", "draft", "examples/scoring-model-draft.yaml", "--json"]);
    expect(saved.code, saved.stderr).toBe(0);
    const draft = JSON.parse(saved.stdout) as { id: string; status: string };
    expect(draft.status).toBe("draft");
    draftId = draft.id;
    const to = asOf.slice(0, 10);
    const from = new Date(Date.parse(asOf) - 182 * 86_400_000).toISOString().slice(0, 10);
    const period = ["--from", from, "--to", to, "--reps", "4"];
    const near = await local(["backtest", "examples/scoring-model-draft.yaml", ...period, "--json"]);
    const far = await remote(["backtest", draft.id, ...period, "--json"]);
    expect(near.code, near.stderr).toBe(0);
    expect(far.code, far.stderr).toBe(0);
    const a = JSON.parse(near.stdout);
    expect(a.result.leads).toBeGreaterThan(10);
    expect(a.compare.model).toMatchObject({ id: "reference-b2b", status: "published" });
    expect(a.capacity.capacityPerWeek).toBe(100);
    expect(JSON.parse(far.stdout)).toEqual(a);
    const nearText = await local(["backtest", "examples/scoring-model-draft.yaml", ...period]);
    const farText = await remote(["backtest", draft.id, ...period]);
    expect(farText.stdout).toContain("leads from the server's database)");
    expect(farText.stdout.replace("the server's database", "the database")).toBe(nearText.stdout);

    const file = await remote(["backtest", "examples/scoring-model.yaml"]);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain("winnow score draft <file> --url");
    const compareFile = await remote(["backtest", draft.id, "--compare", "examples/scoring-model.yaml"]);
    expect(compareFile.code).toBe(2);
    expect(compareFile.stderr).toContain("give a stored model's id");
    const compared = await remote(["backtest", draft.id, ...period, "--compare", draft.id, "--json"]);
    expect(JSON.parse(compared.stdout).compare).toBeNull();
    const missing = await remote(["backtest", "no-such-model"]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain("[WINNOW_ERR_SCORING_MODEL_NOT_FOUND]");
  });

  it("publishes as the default and rescores every lead with the server's job and a progress bar", async () => {
    // Locally the file becomes a draft and is published; remotely the draft saved above (same version).
    const near = await local(["score", "publish", "examples/scoring-model-draft.yaml", "--default"]);
    const far = await remote(["score", "publish", draftId, "--default"]);
    expect(near.code, near.stderr).toBe(0);
    expect(far.code, far.stderr).toBe(0);
    expect(far.stdout).toMatch(
      /^published .+ v\d+ \(.+\), default\nrescored 400 leads with .+: \d+ threshold crossings \(job .+\)\n$/,
    );
    expect(far.stderr).toContain("rescoring: 400/400 leads (100%)");
    const crossings = (s: string) => noIds(s).replace(/\d+ threshold crossings/, "N threshold crossings");
    expect(crossings(far.stdout)).toBe(crossings(near.stdout));
    const model = await storage.scoringModels.getDefault();
    expect(model).toMatchObject({ status: "published", isDefault: true, publishedBy: "manager" });
    const scored = await storage.sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM lead_scores WHERE model_id = $1",
      [model!.id],
    );
    expect(scored.rows[0]?.n).toBe(400);

    const again = await remote(["score", "rescore", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    const job = JSON.parse(again.stdout);
    expect(job.model.id).toBe(model!.id);
    expect(job.rescore).toMatchObject({ state: "done", processed: 400, total: 400, modelId: model!.id });
    const nearAgain = JSON.parse((await local(["score", "rescore", "--json"])).stdout);
    expect(Object.keys(job.rescore).sort()).toEqual(Object.keys(nearAgain.rescore).sort());
    expect(Object.keys(job.model).sort()).toEqual(Object.keys(nearAgain.model).sort());

    // On a terminal: the bar redrawn in place, ending with a newline at 400/400.
    let bar = "";
    const tty = await runCli(["score", "rescore", "--url", url, "--key", t.keys.manager], {
      stdout: () => undefined,
      stderr: (text) => {
        bar += text;
      },
      env: process.env,
      cwd: process.cwd(),
      isTty: true,
    });
    expect(tty).toBe(0);
    expect(bar).toMatch(/\rrescoring \[#{30}\] 400\/400 leads \(100%\), \d+ crossings\n$/);

    // The published default again: nothing changes, nothing is rescored, as locally.
    const same = await remote(["score", "publish", model!.id]);
    expect(same.stdout).toMatch(/scores unchanged/);
  });

  it("refuses what cannot work through a server and keeps local errors", async () => {
    writeFileSync(join(dir, "bad.yaml"), "id: x\nname: X\nversion: one\n");
    const bad = join(dir, "bad.yaml");
    const near = await local(["score", "publish", bad]);
    const far = await remote(["score", "publish", bad]);
    expect(far.code).toBe(3);
    expect(far.stderr).toBe(near.stderr);
    expect((await remote(["score", "publish", "nowhere.yaml"])).code).toBe(4);
    const rep = await remote(["score", "publish", "examples/scoring-model.yaml"], t.keys.alice);
    expect(rep.code).toBe(3);
    expect(rep.stderr).toContain("[WINNOW_ERR_FORBIDDEN]");
    const leads = await remote(["score", "leads", "examples/scoring-model.yaml", "--demo"]);
    expect(leads.code).toBe(2);
    expect(leads.stderr).toContain("score leads cannot work with --url");
    const both = await winnow(["score", "rescore", "--db", db, "--url", url, "--key", t.keys.manager]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--db cannot work with --url");
    // validate reads only the file: the same with or without a server.
    const valid = await remote(["score", "validate", "examples/scoring-model.yaml"]);
    expect(valid.stdout).toBe((await winnow(["score", "validate", "examples/scoring-model.yaml"])).stdout);
  });
});

describe("winnow train-db / score rescore --url on an empty workspace", () => {
  let storage: Storage;
  let t: TestApi;
  let url = "";
  beforeAll(async () => {
    storage = await freshStorage("pglite");
    t = await startTestApi(storage);
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    const address = t.app.server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
  });

  it("says there is too little history (exit 7) and no default model (exit 2) as locally", async () => {
    const remote = (argv: string[]) => winnow([...argv, "--url", url, "--key", t.keys.manager]);
    for (const json of [["--json"], []]) {
      const near = await winnow(["train-db", "--db", "memory://", ...json]);
      const far = await remote(["train-db", ...json]);
      expect(near.code, near.stderr).toBe(7);
      expect(far.code, far.stderr).toBe(7);
      if (json.length) {
        expect(JSON.parse(far.stdout)).toEqual(JSON.parse(near.stdout));
        expect(JSON.parse(far.stdout)).toMatchObject({ trained: false, won: 0, lost: 0 });
      } else expect(far.stdout).toBe(near.stdout);
    }
    const near = await winnow(["score", "rescore", "--db", "memory://"]);
    const far = await remote(["score", "rescore"]);
    expect(far.code).toBe(2);
    expect(far.stderr).toBe(near.stderr);
  });
});

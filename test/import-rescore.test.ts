import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStorage } from "../src/storage/open.ts";
import type { Storage } from "../src/storage/ports.ts";
import { winnow } from "./helpers/cli.ts";
import { freshStorage, migratedPgliteFolder } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";

const AT = "2026-11-01T09:00:00.000Z";
const MODEL = {
  id: "firmographic",
  name: "Firmographic",
  version: 1,
  fit: { rules: [{ id: "software", when: { field: "account.industry", equals: "software" }, points: 40 }] },
  engagement: { rules: [{ id: "demo", event: "demo_request", points: 30 }] },
};

/** Publishes MODEL as the default scoring model in `storage`. */
async function publishDefault(storage: Storage): Promise<string> {
  const draft = await storage.scoringModels.createDraft({
    name: MODEL.name,
    document: MODEL,
    createdBy: "test",
    createdAt: AT,
  });
  await storage.scoringModels.publish(draft.id, "test", AT);
  await storage.scoringModels.setDefault(draft.id);
  return draft.id;
}

const LEADS =
  "email,company,domain,industry\nana@soft.example,Soft,soft.example,software\nbo@shop.example,Shop,shop.example,retail\n";

// Imported leads, firmographics and events change scores: an import rescores every lead with the
// default model (only changed scores written), unless asked not to.
describe("winnow import rescores with the default scoring model", () => {
  const dir = mkdtempSync(join(tmpdir(), "winnow-import-rescore-"));
  const db = join(dir, "db");
  let modelId = "";
  beforeAll(async () => {
    await migratedPgliteFolder(db);
    const storage = await openStorage({ engine: "pglite", dataDir: db });
    modelId = await publishDefault(storage);
    await storage.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const scores = async () => {
    const storage = await openStorage({ engine: "pglite", dataDir: db });
    try {
      const { rows } = await storage.sql.query<{ email: string; fit: number; engagement: number }>(
        `SELECT c.email, s.fit, s.engagement FROM leads l JOIN contacts c ON c.id = l.contact_id
         LEFT JOIN lead_scores s ON s.lead_id = l.id ORDER BY c.email`,
      );
      return Object.fromEntries(rows.map((r) => [r.email, r.fit === null ? null : [r.fit, r.engagement]]));
    } finally {
      await storage.close();
    }
  };

  it("scores imported leads, follows imported firmographics and events, and --no-rescore leaves them", async () => {
    writeFileSync(join(dir, "leads.csv"), LEADS);
    const first = await winnow(["import", "leads.csv", "--as", "leads", "--db", db, "--json"], {}, dir);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      written: true,
      rescore: { state: "done", processed: 2, modelId },
    });
    expect(await scores()).toEqual({ "ana@soft.example": [40, 0], "bo@shop.example": [0, 0] });

    // Shop turns out to be a software company: its lead's fit follows the accounts import.
    writeFileSync(join(dir, "accounts.csv"), "name,domain,industry\nShop,shop.example,software\n");
    const accounts = await winnow(["import", "accounts.csv", "--as", "accounts", "--db", db], {}, dir);
    expect(accounts.code).toBe(0);
    expect(accounts.stdout).toContain("rescored 2 leads with Firmographic v1");
    expect((await scores())["bo@shop.example"]).toEqual([40, 0]);

    // Events: engagement follows (at the time of the import, the demo request is recent).
    writeFileSync(
      join(dir, "events.csv"),
      `type,occurred_at,email,key\ndemo_request,${new Date().toISOString()},ana@soft.example,k1\n`,
    );
    expect((await winnow(["import", "events.csv", "--as", "events", "--db", db], {}, dir)).code).toBe(0);
    expect((await scores())["ana@soft.example"]).toEqual([40, 30]);

    // --no-rescore: written, not scored (left to `winnow score rescore`).
    writeFileSync(
      join(dir, "more.csv"),
      "email,company,domain,industry\ncy@soft.example,Soft,soft.example,software\n",
    );
    const quiet = await winnow(
      ["import", "more.csv", "--as", "leads", "--no-rescore", "--db", db, "--json"],
      {},
      dir,
    );
    expect(JSON.parse(quiet.stdout)).toMatchObject({ written: true, rescore: null });
    expect((await scores())["cy@soft.example"]).toBeNull();
    // A dry run writes nothing and rescores nothing.
    const dry = await winnow(
      ["import", "more.csv", "--as", "leads", "--dry-run", "--db", db, "--json"],
      {},
      dir,
    );
    expect(JSON.parse(dry.stdout)).toMatchObject({ written: false, rescore: null });
  }, 120_000);
});

describe.each(ENGINES)("POST /v1/imports rescores as a job on %s", (engine) => {
  let api: TestApi;
  let storage: Storage;
  let modelId = "";
  beforeAll(async () => {
    storage = await freshStorage(engine);
    modelId = await publishDefault(storage);
    api = await startTestApi(storage);
  });
  afterAll(async () => {
    await api?.close();
    await storage?.close();
  });

  it("answers with the rescore job, which scores the imported leads", async () => {
    const post = (query: string) =>
      api.app.inject({
        method: "POST",
        url: `/v1/imports?as=leads${query}`,
        headers: { ...api.as(api.keys.admin), "content-type": "text/csv" },
        payload: LEADS,
      });
    const res = await post("");
    expect(res.statusCode).toBe(200);
    const job = (res.json() as { rescore: { id: string; state: string; modelId: string } }).rescore;
    expect(job).toMatchObject({ modelId });
    let state = job.state;
    for (let i = 0; i < 200 && state === "running"; i++) {
      await new Promise((r) => setTimeout(r, 20));
      state = (
        (
          await api.app.inject({
            method: "GET",
            url: `/v1/scoring-models/${job.modelId}/rescore`,
            headers: api.as(api.keys.admin),
          })
        ).json() as { state: string }
      ).state;
    }
    expect(state).toBe("done");
    const { rows } = await api.storage.sql.query<{ fit: number }>("SELECT fit FROM lead_scores ORDER BY fit");
    expect(rows.map((r) => Number(r.fit))).toEqual([0, 40]);
    // The same file again updates the leads: a job again; with rescore=false, none.
    expect((await post("")).json()).toMatchObject({
      rescore: expect.objectContaining({ modelId }),
    });
    expect((await post("&rescore=false")).json()).toMatchObject({ rescore: null });
  });
});

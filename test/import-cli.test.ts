import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMigrations } from "../src/storage/migrations/index.ts";
import { openStorage } from "../src/storage/open.ts";
import { winnow } from "./helpers/cli.ts";
import { migratedPgliteFolder } from "./helpers/db.ts";

// The commands end to end on an embedded database in a temp folder (each command opens it anew,
// as a user's shell would).
describe("winnow migrate / import / export", () => {
  const dir = mkdtempSync(join(tmpdir(), "winnow-cli-"));
  const db = join(dir, "db");
  beforeAll(() => migratedPgliteFolder(db));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("imports all or nothing, reports rejected rows with line and column, and exports safe CSV", async () => {
    writeFileSync(
      join(dir, "bad.csv"),
      "email,first_name,employees\nfine@ok.example,Fine,3\nnope,=1+1,many\n",
    );
    const bad = await winnow(["import", "bad.csv", "--as", "contacts", "--db", db], {}, dir);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain("[WINNOW_ERR_IMPORT_INVALID_ROWS]");
    expect(bad.stderr).toContain('line 3, column 1 (email): "nope" is not an email address');
    expect(bad.stderr).toContain("Nothing was written.");

    writeFileSync(
      join(dir, "mapping.json"),
      JSON.stringify({ columns: { Mail: "email", Name: "first_name", Note: null } }),
    );
    writeFileSync(join(dir, "good.csv"), 'Mail,Name,Note\nfine@ok.example,"=HYPERLINK(""http://evil"")",x\n');
    const good = await winnow(
      ["import", "good.csv", "--as", "contacts", "--mapping", "mapping.json", "--db", db, "--json"],
      {},
      dir,
    );
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({
      rows: 1,
      rejected: 0,
      written: true,
      counts: { contacts: { created: 1 } },
    });

    const out = await winnow(["export", "--as", "contacts", "--out", "contacts.csv", "--db", db], {}, dir);
    expect(out.code).toBe(0);
    const text = readFileSync(join(dir, "contacts.csv"), "utf8");
    expect(text).toContain(`fine@ok.example,"'=HYPERLINK(""http://evil"")"`);
    expect(text).not.toContain("nope");

    const migrate = await winnow(["migrate", "--db", db], {}, dir);
    expect([migrate.code, migrate.stdout]).toEqual([0, expect.stringContaining("up to date")]);
  }, 120_000);

  it("times imported MQLs with the lifecycle file's SLA policy (WINNOW_LIFECYCLE_FILE)", async () => {
    writeFileSync(join(dir, "no-sla.yaml"), "sla:\n  acceptWithinWorkingHours: null\n");
    writeFileSync(join(dir, "mql-a.csv"), "email,stage\nno-clock@sla.example,mql\n");
    writeFileSync(join(dir, "mql-b.csv"), "email,stage\nclock@sla.example,mql\n");
    const off = await winnow(
      ["import", "mql-a.csv", "--as", "leads", "--db", db],
      { WINNOW_LIFECYCLE_FILE: "no-sla.yaml" },
      dir,
    );
    const on = await winnow(["import", "mql-b.csv", "--as", "leads", "--db", db], {}, dir);
    expect([off.code, on.code]).toEqual([0, 0]);
    const storage = await openStorage({ engine: "pglite", dataDir: db });
    try {
      const due = async (email: string) =>
        (await storage.queries.listLeads({ search: email })).items[0]?.lead.slaDueAt;
      expect(await due("no-clock@sla.example")).toBeNull();
      expect(await due("clock@sla.example")).toEqual(expect.any(String));
    } finally {
      await storage.close();
    }
  });

  it("explains usage mistakes", async () => {
    const r = await winnow(["import", "missing.csv", "--as", "contacts", "--db", db], {}, dir);
    expect([r.code, r.stderr]).toEqual([4, expect.stringContaining("WINNOW_ERR_FILE_NOT_FOUND")]);
    const as = await winnow(["export", "--as", "widgets", "--db", db], {}, dir);
    expect(as.code).toBe(2);
  });
});

// `npm run build` is tsc plus bin/copy-migrations.js: the compiled migrations/index.js reads the .sql
// files from its own folder, which tsc alone leaves without them.
describe("migrations in a build", () => {
  const dir = mkdtempSync(join(tmpdir(), "winnow-build-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("the build step copies every migration next to the compiled code, and none found is an error", async () => {
    const to = join(dir, "dist", "storage", "migrations");
    const run = spawnSync(process.execPath, ["bin/copy-migrations.js", "src/storage/migrations", to], {
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    expect(loadMigrations(to).map((m) => [m.name, m.checksum])).toEqual(
      loadMigrations().map((m) => [m.name, m.checksum]),
    );
    mkdirSync(join(dir, "empty"));
    expect(() => loadMigrations(join(dir, "empty"))).toThrow(/No migration files/);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportCsv } from "../src/app/export-csv.ts";
import type { Storage } from "../src/storage/ports.ts";
import { winnow } from "./helpers/cli.ts";
import { freshStorage } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";

// The CLI in remote mode against a real server listening on 127.0.0.1 (the same app `winnow serve`
// builds), compared with what the same commands print locally.
describe.each(ENGINES)("winnow --url: the CLI through a server (%s)", (engine) => {
  const dir = mkdtempSync(join(tmpdir(), "winnow-remote-"));
  const examples = join(process.cwd(), "examples");
  let storage: Storage;
  let t: TestApi;
  let url = "";
  beforeAll(async () => {
    storage = await freshStorage(engine);
    t = await startTestApi(storage);
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    const address = t.app.server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const remote = (argv: string[], key = t.keys.admin) =>
    winnow([...argv, "--url", url, "--key", key], {}, dir);

  it("prints frameworks, questions and verdicts exactly as the local commands do", async () => {
    for (const argv of [
      ["frameworks"],
      ["frameworks", "meddic", "--json"],
      ["questions", "bant", "--criterion", "budget"],
      ["questions", "meddic", "--role", "economic_buyer", "--json"],
    ]) {
      const local = await winnow(argv, {}, dir);
      const far = await remote(argv, t.keys.alice);
      expect(far.stderr).toBe("");
      expect(far.code).toBe(local.code);
      // JSON: the same values (the server's serializer may order keys its own way); text: the same bytes.
      if (argv.includes("--json")) expect(JSON.parse(far.stdout)).toEqual(JSON.parse(local.stdout));
      else expect(far.stdout).toBe(local.stdout);
    }
    const scorecard = join(examples, "call-centre-expansion.json");
    const argv = ["qualify", scorecard, "--framework", "bant,meddic", "--now", "2026-03-01T00:00:00Z"];
    const local = await winnow(argv, {}, dir);
    const far = await remote(argv, t.keys.manager);
    expect(far.code).toBe(local.code);
    expect(far.stdout).toBe(local.stdout);
    // The environment variables do the same as the flags.
    const viaEnv = await winnow(argv, { WINNOW_URL: url, WINNOW_API_KEY: t.keys.manager }, dir);
    expect(viaEnv.stdout).toBe(local.stdout);
  });

  it("creates, lists and revokes API keys through the server", async () => {
    const made = await remote(["keys", "create", "--name", "crm-sync", "--role", "ingest", "--json"]);
    expect(made.code, made.stderr).toBe(0);
    const key = JSON.parse(made.stdout) as { id: string; key: string; role: string };
    expect(key).toMatchObject({ role: "ingest" });
    expect(key.key).toMatch(/^wnw_/);
    const listed = await remote(["keys", "list"]);
    expect(listed.stdout).toContain(`${key.id}  ingest   `);
    expect(listed.stdout).toContain("crm-sync");
    const revoked = await remote(["keys", "revoke", key.id]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain("REVOKED");
    // Revoked through the server: refused at once.
    const me = await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${key.key}` } });
    expect(me.status).toBe(401);
    const missing = await remote(["keys", "revoke", "no-such-key"]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain("[WINNOW_ERR_NOT_FOUND]");
    const asRep = await remote(["keys", "list"], t.keys.alice);
    expect(asRep.code).toBe(3);
    expect(asRep.stderr).toMatch(/answered 403: .*\[WINNOW_ERR_FORBIDDEN\]/);
  });

  it("imports all or nothing and exports CSV through the server", async () => {
    writeFileSync(
      join(dir, "bad.csv"),
      "email,first_name,employees\nfine@ok.example,Fine,3\nnope,=1+1,many\n",
    );
    const bad = await remote(["import", "bad.csv", "--as", "contacts"], t.keys.manager);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain("[WINNOW_ERR_IMPORT_INVALID_ROWS]");
    expect(bad.stderr).toContain('line 3, column 1 (email): "nope" is not an email address');
    expect(bad.stderr).toContain("Nothing was written.");
    expect((await storage.sql.query("SELECT count(*)::int AS n FROM contacts")).rows[0]?.["n"]).toBe(0);

    writeFileSync(
      join(dir, "mapping.json"),
      JSON.stringify({ columns: { Mail: "email", Name: "first_name" } }),
    );
    writeFileSync(
      join(dir, "good.csv"),
      `Mail,Name\n${Array.from({ length: 300 }, (_, i) => `p${i}@ok.example,"Name, ${i}"`).join("\n")}\n`,
    );
    const dry = await remote(
      ["import", "good.csv", "--as", "contacts", "--mapping", "mapping.json", "--dry-run"],
      t.keys.manager,
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("Dry run: 300 rows of contacts");
    const good = await remote(
      ["import", "good.csv", "--as", "contacts", "--mapping", "mapping.json", "--json"],
      t.keys.manager,
    );
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ rows: 300, rejected: 0, written: true });

    const exported = await remote(["export", "--as", "contacts", "--out", "contacts.csv"], t.keys.manager);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain("exported 300 contacts");
    let direct = "";
    await exportCsv(storage, "contacts", (chunk) => {
      direct += chunk;
    });
    expect(readFileSync(join(dir, "contacts.csv"), "utf8")).toBe(direct);
    const toStdout = await remote(["export", "--as", "contacts"], t.keys.manager);
    expect(toStdout.stdout).toBe(direct);

    const repImport = await remote(["import", "good.csv", "--as", "contacts"], t.keys.alice);
    expect(repImport.code).toBe(3);
    expect(repImport.stderr).toContain("[WINNOW_ERR_FORBIDDEN]");
    expect((await remote(["export", "--as", "leads"], t.keys.ingest)).code).toBe(3);
  });

  it("says clearly what is wrong with the server, the key or the flags", async () => {
    const noKey = await winnow(["frameworks", "--url", url], { WINNOW_API_KEY: undefined }, dir);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain("--url needs an API key");
    const wrongKey = await remote(["keys", "list"], "wnw_not-a-key");
    expect(wrongKey.code).toBe(3);
    expect(wrongKey.stderr).toContain("[WINNOW_ERR_UNAUTHORIZED]");
    const down = await winnow(["keys", "list", "--url", "http://127.0.0.1:9", "--key", "k"], {}, dir);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("Cannot reach the Winnow server at http://127.0.0.1:9");
    expect(down.stderr).toContain("[WINNOW_ERR_REMOTE]");
    const badUrl = await winnow(["frameworks", "--url", "ftp://x", "--key", "k"], {}, dir);
    expect(badUrl.code).toBe(2);
    const unknown = await remote(["questions", "nope"], t.keys.alice);
    expect(unknown.code).toBe(4);
  });
});

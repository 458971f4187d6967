import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serverConfig } from "../src/http/server-config.ts";
import { startServer } from "../src/http/start-server.ts";
import { winnow } from "./helpers/cli.ts";
import { freshStorage, migratedPgliteFolder } from "./helpers/db.ts";
import { startTestApi } from "./helpers/http.ts";

describe("winnow serve and winnow keys (embedded database)", () => {
  const dir = mkdtempSync(join(tmpdir(), "winnow-serve-"));
  const dataDir = join(dir, ".winnow");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("seeds the demo on first start, prints an admin key once, and reuses the data on restart", {
    timeout: 120_000,
  }, async () => {
    await migratedPgliteFolder(dataDir);
    const options = {
      server: serverConfig({ port: 0 }),
      database: { engine: "pglite" as const, dataDir },
      demo: { leads: 30, accounts: 12 },
    };
    const first = await startServer(options);
    let key = "";
    try {
      expect(first.demo).toMatchObject({ seeded: true, leads: 30 });
      expect(first.adminKey).toMatch(/^wnw_/);
      key = first.adminKey ?? "";
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const leads = await fetch(`${first.url}/v1/leads?limit=5&sort=priority`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(leads.status).toBe(200);
      const body = (await leads.json()) as { data: { fit: number | null }[] };
      expect(body.data).toHaveLength(5);
      expect(body.data.every((i) => typeof i.fit === "number")).toBe(true);
      const models = (await (
        await fetch(`${first.url}/v1/scoring-models`, { headers: { authorization: `Bearer ${key}` } })
      ).json()) as { data: { status: string; isDefault: boolean }[] };
      expect(models.data).toEqual([expect.objectContaining({ status: "published", isDefault: true })]);
      const modelId = (models.data[0] as unknown as { id: string }).id;
      const bt = await fetch(`${first.url}/v1/scoring-models/${modelId}/backtest`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }),
      });
      const report = (await bt.json()) as { result: { leads: number; mqls: number }; compare: unknown };
      expect(bt.status).toBe(200);
      expect(report.result.leads).toBeGreaterThan(0);
      expect(report.result.leads).toBeLessThanOrEqual(30);
      expect(report.compare).toBeNull();
      const dist = (await (
        await fetch(
          `${first.url}/v1/reports/score-distribution?from=2024-01-01T00:00:00Z&to=2027-01-01T00:00:00Z`,
          { headers: { authorization: `Bearer ${key}` } },
        )
      ).json()) as { bins: number[]; series: { won: number[]; lost: number[]; open: number[] } };
      const total = [...dist.series.won, ...dist.series.lost, ...dist.series.open].reduce((a, b) => a + b, 0);
      expect(total).toBe(30);
      expect(dist.series.won).toHaveLength(dist.bins.length);
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    } finally {
      await first.close();
    }
    const again = await startServer(options);
    try {
      expect(again.demo?.seeded).toBe(false);
      expect(again.adminKey).toBeNull();
      const me = await fetch(`${again.url}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
      expect(((await me.json()) as { role: string }).role).toBe("admin");
    } finally {
      await again.close();
    }
  });

  it("creates, lists and revokes keys from the command line", { timeout: 120_000 }, async () => {
    const created = await winnow([
      "keys",
      "create",
      "--name",
      "website",
      "--role",
      "ingest",
      "--json",
      "--db",
      dataDir,
    ]);
    expect(created.code, created.stderr).toBe(0);
    const { id, key } = JSON.parse(created.stdout) as { id: string; key: string };
    expect(key).toMatch(/^wnw_/);
    const listed = await winnow(["keys", "list", "--db", dataDir]);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).not.toContain(key);
    const revoked = await winnow(["keys", "revoke", id, "--json", "--db", dataDir]);
    expect(JSON.parse(revoked.stdout).revokedAt).not.toBeNull();
    const badRole = await winnow(["keys", "create", "--name", "x", "--role", "boss", "--db", dataDir]);
    expect(badRole.code).toBe(2);
    const rep = await winnow(["keys", "create", "--name", "x", "--role", "rep", "--db", dataDir]);
    expect(rep.stderr).toContain("--subject");
  });

  it("refuses a bad port before opening anything", async () => {
    const r = await winnow(["serve", "--port", "http", "--db", "memory://"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--port must be a whole number");
  });

  it("serves the built web app at / and hands client-side routes index.html", async () => {
    const web = join(dir, "dist");
    mkdirSync(join(web, "assets"), { recursive: true });
    writeFileSync(join(web, "index.html"), "<!doctype html><title>Winnow</title>");
    writeFileSync(join(web, "assets", "app.js"), "console.log('hi')");
    const storage = await freshStorage("pglite");
    const t = await startTestApi(storage, { webDist: web });
    try {
      const root = await t.app.inject({ url: "/", headers: { accept: "text/html" } });
      expect(root.statusCode).toBe(200);
      expect(root.body).toContain("<title>Winnow</title>");
      expect((await t.app.inject({ url: "/assets/app.js" })).body).toContain("hi");
      const deep = await t.app.inject({ url: "/leads/lead-7", headers: { accept: "text/html,*/*" } });
      expect(deep.body).toContain("<title>Winnow</title>");
      const api = await t.app.inject({ url: "/v1/nope", headers: { accept: "text/html" } });
      expect(api.statusCode).toBe(404);
      expect(api.json().code).toBe("WINNOW_ERR_ROUTE_NOT_FOUND");
    } finally {
      await t.close();
      await storage.close();
    }
  });
});

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedManyLeads } from "../src/demo/many-leads.ts";
import type { Storage } from "../src/storage/ports.ts";
import { buildWeb, launchBrowser, openPage } from "./helpers/browser.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";
import { startTestApi, type TestApi } from "./helpers/http.ts";

const LEADS = 100_000;

type Item = {
  lead: { id: string; stage: string; ownerId: string | null };
  fit: number | null;
  engagement: number | null;
};
type Page = { data: Item[]; nextCursor: string | null };

/**
 * 100,000 leads: the list API and the inbox stay server-paginated — one page of rows per request,
 * cursors that walk on without repeats or gaps. (How fast is measured by `npm run bench:web`.)
 */
describe.each(ENGINES)("100,000 leads (%s)", (engine) => {
  let storage: Storage;
  let t: TestApi;
  let web: Awaited<ReturnType<typeof buildWeb>> | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    storage = await freshStorage(engine);
    await seedManyLeads(storage.sql, { leads: LEADS });
    if (engine === "pglite") [web, browser] = await Promise.all([buildWeb(), launchBrowser()]);
    t = await startTestApi(storage, web ? { webDist: web.dir } : {});
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await storage?.close();
    web?.remove();
  });
  const list = async (query: string): Promise<Page> => {
    const res = await t.app.inject({ url: `/v1/leads?${query}`, headers: t.as(t.keys.manager) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Page;
  };

  it("has them all", async () => {
    const n = await storage.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM leads");
    expect(n.rows[0]?.n).toBe(LEADS);
  });

  it("answers one page at a time in priority order, and the cursor walks on without repeats", async () => {
    const seen = new Set<string>();
    let last = Number.POSITIVE_INFINITY;
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const body: Page = await list(`sort=priority&limit=25${cursor ? `&cursor=${cursor}` : ""}`);
      expect(body.data).toHaveLength(25);
      for (const item of body.data) {
        expect(seen.has(item.lead.id)).toBe(false);
        seen.add(item.lead.id);
        const priority = (item.fit ?? 0) + (item.engagement ?? 0);
        expect(priority).toBeLessThanOrEqual(last);
        last = priority;
      }
      expect(body.nextCursor).toEqual(expect.any(String));
      cursor = body.nextCursor;
    }
    expect(seen.size).toBe(125);
  });

  it("walks a filtered list to its end: every lead exactly once, then no cursor", async () => {
    // rep-3's won leads: g ≡ 3 (mod 10) and stage index g mod 9 = 6 (won).
    const expected = await storage.sql.query<{ id: string }>(
      "SELECT id FROM leads WHERE owner_id = $1 AND stage = $2",
      ["rep-3", "won"],
    );
    expect(expected.rows.length).toBeGreaterThan(1_000);
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body: Page = await list(
        `ownerId=rep-3&stage=won&sort=createdAt&limit=200${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(body.data.length).toBeLessThanOrEqual(200);
      for (const item of body.data) {
        expect(item.lead).toMatchObject({ ownerId: "rep-3", stage: "won" });
        expect(seen.has(item.lead.id)).toBe(false);
        seen.add(item.lead.id);
      }
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(cursor).toBeNull();
    expect(seen.size).toBe(expected.rows.length);
    expect(pages).toBe(Math.ceil(expected.rows.length / 200));
  });

  it.runIf(engine === "pglite")(
    "the inbox fetches one page of rows, and the next page by cursor",
    async () => {
      const base = await t.app.listen({ host: "127.0.0.1", port: 0 });
      const { page, errors } = await openPage(browser!);
      const fetched: { url: URL; rows: number }[] = [];
      page.on("response", async (res) => {
        const url = new URL(res.url());
        if (url.pathname !== "/v1/leads" || res.request().method() !== "GET") return;
        const body = (await res.json()) as Page;
        fetched.push({ url, rows: body.data.length });
      });
      await page.goto(`${base}/`);
      const keyField = page.getByLabel("API key");
      const useKey = page.getByRole("button", { name: "Use an API key instead" });
      await keyField.or(useKey).first().waitFor();
      if (await useKey.isVisible()) await useKey.click();
      await keyField.fill(t.keys.manager);
      await page.getByRole("button", { name: "Sign in" }).click();
      const rows = page.locator("table[aria-label=Leads] tbody tr");
      await rows.nth(24).waitFor({ timeout: 30_000 });
      // Count from a fresh load of the signed-in inbox.
      fetched.length = 0;
      await page.reload();
      await rows.nth(24).waitFor({ timeout: 30_000 });
      await expect.poll(() => fetched.length).toBeGreaterThan(0);
      expect(await rows.count()).toBe(25);
      // However many leads there are, the browser asked for one page and received at most that.
      for (const f of fetched) {
        expect(Number(f.url.searchParams.get("limit"))).toBe(25);
        expect(f.url.searchParams.has("cursor")).toBe(false);
        expect(f.rows).toBeLessThanOrEqual(25);
      }
      // One distinct request. (Under vitest NODE_ENV is "test", so the bundle is React's development
      // build, where StrictMode runs each effect twice: the same request may be sent twice.)
      expect(new Set(fetched.map((f) => f.url.search)).size).toBe(1);

      const firstId = await rows.first().locator("td a").textContent();
      await page.getByRole("button", { name: "Next page" }).click();
      await page.getByText("Page 2").waitFor();
      const paged = () => fetched.filter((f) => f.url.searchParams.has("cursor"));
      await expect.poll(() => paged().length).toBeGreaterThan(0);
      expect(new Set(paged().map((f) => f.url.search)).size).toBe(1);
      for (const f of paged()) expect(f.rows).toBe(25);
      await expect.poll(() => rows.first().locator("td a").textContent()).not.toBe(firstId);
      expect(errors).toEqual([]);
    },
  );
});

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStorage } from "../src/storage/open.ts";
import type { Storage } from "../src/storage/ports.ts";
import { buildWeb, launchBrowser, openPage, screenshot, serveWebDist } from "./helpers/browser.ts";
import { startTestApi, type TestApi } from "./helpers/http.ts";

describe("web app: sign-in and settings in a real browser", () => {
  let web: Awaited<ReturnType<typeof buildWeb>>;
  let api: TestApi;
  let browser: Browser;
  let base: string;
  let storage: Storage;

  beforeAll(async () => {
    web = await buildWeb();
    storage = await openStorage({ engine: "pglite", dataDir: "memory://" });
    api = await startTestApi(storage);
    serveWebDist(api.app, web.dir);
    base = await api.app.listen({ host: "127.0.0.1", port: 0 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await storage?.close();
    web?.remove();
  });

  async function signIn(page: Page, key: string) {
    await page.goto(`${base}/settings`);
    await page.getByLabel("API key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
  }

  it("refuses a wrong key and says what to do", async () => {
    const { page } = await openPage(browser);
    await signIn(page, "wnw_not-a-real-key");
    await expect(page.getByRole("alert").textContent()).resolves.toMatch(/unknown or revoked/i);
    await page.close();
  });

  it("an admin creates a rep key, revokes it, and subscribes a webhook", async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, api.keys.admin);
    await page.getByRole("heading", { name: "API keys" }).waitFor();
    await page.getByLabel("Name").fill("carol");
    await page.getByLabel("Subject (owner id, for reps)").fill("carol");
    await page.getByRole("button", { name: "Create key" }).click();
    await expect(page.locator(".notice-ok code").textContent()).resolves.toMatch(/^wnw_/);
    await page.getByRole("button", { name: "Revoke carol" }).click();
    await page
      .getByText(/^revoked /)
      .first()
      .waitFor();

    await page.getByLabel("Endpoint URL").fill("http://127.0.0.1:9/hook");
    await page.getByRole("button", { name: "Subscribe" }).click();
    await expect(page.locator(".notice-ok code").last().textContent()).resolves.toMatch(/^whsec_/);
    await page.getByRole("button", { name: "Delivery log" }).click();
    await page.getByText("No deliveries yet").waitFor();
    await screenshot(page, "settings");
    expect(errors).toEqual([]);
    await page.close();
  });
});

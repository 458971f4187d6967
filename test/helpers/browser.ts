import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import type { Storage } from "../../src/storage/ports.ts";
import { freshStorage } from "./db.ts";
import { startTestApi, type TestApi } from "./http.ts";

/**
 * Browser-test plumbing: build the web app once into a temp folder, launch Debian's Chromium
 * (WINNOW_CHROMIUM or /usr/bin/chromium) headless, and save screenshots under docs/screenshots.
 */
export const CHROMIUM = process.env["WINNOW_CHROMIUM"] ?? "/usr/bin/chromium";
const ROOT = resolve(import.meta.dirname, "../..");
export const SCREENSHOTS = join(ROOT, "docs/screenshots");

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
];

/** Builds web/ with Vite into a fresh temp folder; returns the folder and a cleanup. */
export async function buildWeb(): Promise<{ dir: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), "winnow-web-"));
  const { build } = await import("vite");
  await build({
    configFile: join(ROOT, "web/vite.config.ts"),
    logLevel: "warn",
    build: { outDir: dir, emptyOutDir: true },
  });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** A fresh page at a laptop-sized viewport; page errors fail loudly through `errors`. */
export async function openPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.setDefaultTimeout(10_000);
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** A real server on 127.0.0.1 (buildApp on in-memory PGlite) serving the built bundle, with Chromium and one page. */
export type WebApp = {
  readonly storage: Storage;
  readonly api: TestApi;
  readonly browser: Browser;
  readonly base: string;
  readonly page: Page;
  readonly errors: string[];
  close(): Promise<void>;
};

/**
 * Builds the web app, opens a fresh PGlite workspace, lets `prepare` seed it (and add keys) before
 * the server listens, launches Chromium and opens a page. `close()` undoes all of it.
 */
export async function startWebApp(
  prepare?: (storage: Storage, api: TestApi) => Promise<void>,
): Promise<WebApp> {
  const [web, storage, browser] = await Promise.all([buildWeb(), freshStorage("pglite"), launchBrowser()]);
  const api = await startTestApi(storage, { webDist: web.dir });
  await prepare?.(storage, api);
  const base = await api.app.listen({ host: "127.0.0.1", port: 0 });
  const { page, errors } = await openPage(browser);
  return {
    storage,
    api,
    browser,
    base,
    page,
    errors,
    async close() {
      await browser.close();
      await api.close();
      await storage.close();
      web.remove();
    },
  };
}

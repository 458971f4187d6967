import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve } from "node:path";
import type { FastifyInstance, FastifyReply } from "fastify";
import { type Browser, chromium, type Page } from "playwright-core";

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

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
};

/**
 * Serves a built web app on an app built without `webDist`: public asset routes and index.html for
 * every other non-API GET (client-side routes). Used until the server serves web/dist without a key.
 */
export function serveWebDist(app: FastifyInstance, dir: string): void {
  const send = async (file: string, reply: FastifyReply) => {
    const body = await readFile(file);
    return reply.type(TYPES[extname(file)] ?? "application/octet-stream").send(body);
  };
  const index = () => join(dir, "index.html");
  const open = { config: { permission: "public" as const } };
  app.get("/", open, (_req, reply) => send(index(), reply));
  app.get("/assets/*", open, async (req, reply) => {
    const rest = (req.params as Record<string, string>)["*"] ?? "";
    const file = normalize(join(dir, "assets", rest));
    if (!file.startsWith(join(dir, "assets")) || !existsSync(file)) return reply.code(404).send();
    return send(file, reply);
  });
  app.get("/*", open, async (req, reply) => {
    if (req.url.startsWith("/v1/"))
      return reply
        .code(404)
        .type("application/problem+json")
        .send({
          code: "WINNOW_ERR_ROUTE_NOT_FOUND",
          status: 404,
          title: "No such route",
          detail: `No route GET ${req.url}`,
        });
    return send(index(), reply);
  });
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverConfig } from "../src/http/server-config.ts";
import { type RunningServer, startServer } from "../src/http/start-server.ts";
import { audit } from "./helpers/axe.ts";
import { buildWeb, launchBrowser, openPage, screenshot } from "./helpers/browser.ts";
import { migratedPgliteFolder } from "./helpers/db.ts";

/**
 * Email and password sign-in end to end, on the demo server `npm start` runs (startServer with the
 * demo, which makes the demo users), the built bundle and Debian's Chromium.
 */
describe("user accounts in a real browser", () => {
  const dir = mkdtempSync(join(tmpdir(), "winnow-users-web-"));
  let web: Awaited<ReturnType<typeof buildWeb>>;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    await migratedPgliteFolder(join(dir, "db"));
    [web, browser] = await Promise.all([buildWeb(), launchBrowser()]);
    server = await startServer({
      server: serverConfig({ port: 0, webDist: web.dir, rateLimit: false }),
      database: { engine: "pglite", dataDir: join(dir, "db") },
      demo: { leads: 120, accounts: 40 },
      // Cheap hashes keep the test quick; the cost travels inside each hash.
      scrypt: { N: 1024, r: 8, p: 1 },
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    web?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it("signs a demo rep in with email and password, shows their inbox, and signs out", async () => {
    const demo = server.demoUsers;
    expect(demo?.admin.email).toBe("admin@demo.winnow.local");
    expect(demo?.reps.emails).toContain("rep-1@demo.winnow.local");
    const { page, errors } = await openPage(browser);
    await page.goto(`${server.url}/?stage=`);
    await page.getByLabel("Email").waitFor();
    await screenshot(page, "sign-in");

    await page.getByLabel("Email").fill("rep-1@demo.winnow.local");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").getByText("The email or password is not right.").waitFor();

    await page.getByLabel("Password").fill(demo?.reps.password ?? "");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "My leads" }).waitFor();
    await page.locator("table[aria-label=Leads] tbody tr").first().waitFor();
    await page.getByText("Demo rep-1 · rep (rep-1)").waitFor();
    // The session cookie is out of reach of scripts; the API answers with it all the same.
    await expect(page.evaluate(() => document.cookie)).resolves.not.toContain("winnow_session");
    const owners = await page.evaluate(async () => {
      const res = await fetch("/v1/leads?limit=100&stage=", { credentials: "same-origin" });
      const body = (await res.json()) as { data: { lead: { ownerId: string | null } }[] };
      return [...new Set(body.data.map((i) => i.lead.ownerId))];
    });
    expect(owners).toEqual(["rep-1"]);
    // A write without the CSRF header is refused even with the cookie.
    const forged = await page.evaluate(async () => {
      const res = await fetch("/v1/users", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          email: "x@example.com",
          displayName: "X",
          role: "admin",
          password: "0123456789",
        }),
      });
      return ((await res.json()) as { code: string }).code;
    });
    expect(forged).toBe("WINNOW_ERR_CSRF");

    // A reload keeps the session; signing out ends it on the server.
    await page.reload();
    await page.getByRole("heading", { name: "My leads" }).waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Email").waitFor();
    const after = await page.evaluate(async () => (await fetch("/v1/me")).status);
    expect(after).toBe(401);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("lets the demo admin invite a user from Settings → Users; the invite link sets a password and signs in", async () => {
    const demo = server.demoUsers;
    const { page, errors } = await openPage(browser);
    await page.goto(server.url);
    await page.getByLabel("Email").fill(demo?.admin.email ?? "");
    await page.getByLabel("Password").fill(demo?.admin.password ?? "");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "Settings" }).click();
    const panel = page.getByRole("region", { name: "Users" });
    await panel.getByRole("cell", { name: "rep-2@demo.winnow.local", exact: true }).waitFor();
    const form = page.getByRole("form", { name: "Add a user" });
    await form.getByLabel("Email").fill("Nora@Example.com");
    await form.getByLabel("Display name").fill("Nora");
    await form.getByLabel("User role").selectOption("manager");
    await form.getByRole("button", { name: "Add user" }).click();
    const link = (await panel.locator(".notice-ok code").textContent()) ?? "";
    expect(link).toMatch(/\/#invite=[\w-]{43}$/);
    await panel
      .getByRole("row", { name: /Nora@Example\.com/ })
      .getByText("invited")
      .waitFor();
    await screenshot(page, "settings-users");

    // Nora opens the link in her own browser.
    const nora = await openPage(browser);
    await nora.page.goto(link);
    await nora.page.getByLabel("New password").fill("noras own password");
    await nora.page.getByLabel("Repeat the password").fill("noras own password");
    await nora.page.getByRole("button", { name: "Set password and sign in" }).click();
    await nora.page.getByRole("heading", { name: "Leads" }).waitFor();
    await nora.page.getByText("Nora · manager").waitFor();

    // The admin disables her: her next request signs her out.
    await page.reload();
    await panel.getByRole("button", { name: "Disable Nora@Example.com" }).click();
    await panel
      .getByRole("row", { name: /Nora@Example\.com/ })
      .getByText(/^disabled /)
      .waitFor();
    await nora.page.reload();
    await nora.page.getByLabel("Email").waitFor();
    expect([...errors, ...nora.errors]).toEqual([]);
    await nora.page.context().close();
    await page.context().close();
  });

  it("lets a rep change their own password from My account: the other session is signed out, this one stays", async () => {
    const demo = server.demoUsers;
    const signedIn = async () => {
      const opened = await openPage(browser);
      await opened.page.goto(server.url);
      await opened.page.getByLabel("Email").fill("rep-2@demo.winnow.local");
      await opened.page.getByLabel("Password").fill(demo?.reps.password ?? "");
      await opened.page.getByRole("button", { name: "Sign in" }).click();
      await opened.page.getByRole("heading", { name: "My leads" }).waitFor();
      return opened;
    };
    const other = await signedIn();
    const { page, errors } = await signedIn();
    await page.getByRole("link", { name: "My account" }).click();
    const form = page.getByRole("form", { name: "Change password" });
    await form.getByLabel("Current password").fill("not my password");
    await form.getByLabel("New password", { exact: true }).fill("rep two new passphrase");
    await form.getByLabel("Repeat new password").fill("rep two new passphrase");
    await form.getByRole("button", { name: "Change password" }).click();
    await page.getByRole("alert").getByText("is not your current password").waitFor();

    await form.getByLabel("Current password").fill(demo?.reps.password ?? "");
    await form.getByRole("button", { name: "Change password" }).click();
    await page
      .getByRole("status")
      .getByText("Password changed. Your other session was signed out.")
      .waitFor();
    await screenshot(page, "my-account");
    expect(await audit(page)).toEqual([]);
    // This tab is still signed in; the other one is back at the sign-in form.
    await page.getByRole("link", { name: "Inbox" }).click();
    await page.getByRole("heading", { name: "My leads" }).waitFor();
    await other.page.reload();
    await other.page.getByLabel("Email").waitFor();
    // The new password signs in there.
    await other.page.getByLabel("Email").fill("rep-2@demo.winnow.local");
    await other.page.getByLabel("Password").fill("rep two new passphrase");
    await other.page.getByRole("button", { name: "Sign in" }).click();
    await other.page.getByRole("heading", { name: "My leads" }).waitFor();
    expect([...errors, ...other.errors]).toEqual([]);
    await other.page.context().close();
    await page.context().close();
  });
});

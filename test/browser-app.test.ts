import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/auth/create-key.ts";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { screenshot, startWebApp, type WebApp } from "./helpers/browser.ts";
import type { TestApi } from "./helpers/http.ts";

const PEOPLE = [
  ["Ada", "Moreau", "VP Sales", "vp", "economic_buyer"],
  ["Ben", "Okafor", "Head of Revenue Operations", "director", "champion"],
  ["Chloe", "Tanaka", "Sales Manager", "manager", "influencer"],
  ["Dev", "Sharma", "Marketing Director", "director", "champion"],
  ["Eva", "Lindqvist", "Chief Revenue Officer", "c_level", "economic_buyer"],
  // User text is never markup: this name must show as typed and never run.
  ["Mallory", `<img src=x onerror="window.__xss=1">`, "<b>Head</b> of Sales", "director", "influencer"],
] as const;

/** Today's inbound: six leads from the website for rep-1, five waiting as MQLs and one accepted (SAL). */
async function inboundLeads(api: TestApi): Promise<void> {
  const headers = api.as(api.keys.manager);
  for (const [i, [firstName, lastName, title, seniority, buyingRole]] of PEOPLE.entries()) {
    const created = await api.app.inject({
      method: "POST",
      url: "/v1/leads",
      headers,
      payload: {
        contact: {
          email: `${firstName.toLowerCase()}@inbound-${i}.example`,
          firstName,
          lastName,
          title,
          seniority,
          buyingRole,
        },
        account: {
          name: `Inbound Co ${i}`,
          domain: `inbound-${i}.example`,
          industry: "software",
          employees: 400,
          country: "US",
          region: "na",
        },
        source: "website_form",
        ownerId: "rep-1",
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { lead: { id: string } }).lead.id;
    for (const to of i === 0 ? ["mql", "sal"] : ["mql"]) {
      const moved = await api.app.inject({
        method: "POST",
        url: `/v1/leads/${id}/transitions`,
        headers,
        payload: { to },
      });
      expect(moved.statusCode, moved.body).toBe(200);
    }
  }
}

/**
 * The web app end to end: a real server (buildApp on in-memory PGlite, from the migrated template, with a small demo workspace)
 * on 127.0.0.1, the built bundle, and Debian's Chromium. The tests run in order on one server, as a
 * working day would: settings, the inbox, a rejection, a discovery call, a model, the dashboard.
 */
describe("web app in a real browser", () => {
  let app: WebApp;
  let api: TestApi;
  let base: string;
  let repKey: string;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    app = await startWebApp(async (s, a) => {
      await seedDemoWorkspace(s, { leads: 200, accounts: 60, eventsPerLead: 6 });
      repKey = (
        await createApiKey(
          a.app.winnow.deps.keys,
          { name: "Rita", role: "rep", subject: "rep-1" },
          new Date(),
          randomUUID,
        )
      ).key;
      await inboundLeads(a);
    });
    ({ api, base, page, errors } = app);
  });
  afterAll(async () => {
    await app?.close();
  });

  async function signIn(key: string, path = "/") {
    await page.goto(`${base}${path}`);
    const out = page.getByRole("button", { name: "Sign out" });
    if (await out.isVisible()) {
      await out.click();
      await page.goto(`${base}${path}`);
    }
    // Email and password is the default way in; this suite signs in with API keys.
    await page.getByRole("button", { name: "Use an API key instead" }).click();
    await page.getByLabel("API key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
  }

  it("refuses a wrong key and says what to do", async () => {
    await signIn("wnw_not-a-real-key");
    await expect(page.getByRole("alert").textContent()).resolves.toMatch(
      /unknown or revoked.*Sign in again/i,
    );
  });

  it("admin settings: create and revoke a key, subscribe a webhook and read its log", async () => {
    await signIn(api.keys.admin, "/settings");
    await page.getByRole("heading", { name: "API keys" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("carol");
    await page.getByLabel("Subject (owner id, for reps)").fill("rep-2");
    await page.getByRole("button", { name: "Create key" }).click();
    await page.locator(".notice-ok code", { hasText: /^wnw_/ }).waitFor();
    await page.getByRole("button", { name: "Revoke carol" }).click();
    await page
      .getByText(/^revoked /)
      .first()
      .waitFor();
    await page.getByLabel("Endpoint URL").fill("http://127.0.0.1:9/hook");
    await page.getByRole("button", { name: "Subscribe" }).click();
    await page.locator(".notice-ok code", { hasText: /^whsec_/ }).waitFor();
    await page.getByRole("button", { name: "Delivery log" }).click();
    await page.getByText("No deliveries yet").waitFor();
    await page
      .getByRole("heading", { name: "Meeting discovery" })
      .or(page.getByText("Identify pain"))
      .first()
      .waitFor();
    await screenshot(page, "settings");
  });

  it("a rep sees only their own leads, in priority order, and moves with j/k/enter", async () => {
    await signIn(repKey, "/?stage=");
    await page.getByRole("heading", { name: "My leads" }).waitFor();
    const rows = page.locator("table[aria-label=Leads] tbody tr");
    await rows.first().waitFor();
    await expect(page.locator("th", { hasText: "Owner" }).count()).resolves.toBe(0);
    await screenshot(page, "inbox");
    await page.keyboard.press("j");
    await expect(rows.nth(1).getAttribute("class")).resolves.toContain("active");
    await page.keyboard.press("k");
    const first = (await rows.first().locator("td a").textContent()) ?? "";
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1 }).filter({ hasText: first }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/leads\//);
    // A demo lead explains its score rule by rule.
    await page.getByRole("table", { name: /Why: the rules that counted/ }).waitFor();
    // No predictive model is trained in this workspace: the page says why and what to do.
    await page.getByRole("heading", { name: "Probability of winning" }).waitFor();
    await page.getByText(/Train one with/).waitFor();
    await screenshot(page, "lead");
  });

  it("a manager rejects an MQL with a reason and sees it recycled with the reason in its history", async () => {
    await signIn(api.keys.manager, "/?stage=mql");
    const rows = page.locator("table[aria-label=Leads] tbody tr");
    await rows.first().waitFor();
    await rows.first().locator("td a").click();
    await page.getByRole("heading", { name: "Actions" }).waitFor();
    await page.getByLabel("Reject reason").selectOption("no_fit");
    await page.getByRole("button", { name: "Reject", exact: true }).click();
    await page.getByText("Rejected and recycled to marketing.").waitFor();
    await page.locator("h1 .badge", { hasText: "recycled" }).waitFor();
    await page.locator("ol[aria-label='Stage history']").getByText("Reason: no_fit").waitFor();
  });

  it("shows user text as text: markup in a lead's name is neither rendered nor run", async () => {
    await page.goto(`${base}/?stage=&q=mallory`);
    await page.getByText(`Mallory <img src=x onerror="window.__xss=1">`).waitFor();
    await expect(
      page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
    ).resolves.toBeUndefined();
    await expect(page.locator("table[aria-label=Leads] img").count()).resolves.toBe(0);
  });

  it("bulk-accepts two MQLs from the inbox", async () => {
    await page.goto(`${base}/?stage=mql`);
    const rows = page.locator("table[aria-label=Leads] tbody tr");
    await rows.nth(1).waitFor();
    await rows.nth(0).locator("input[type=checkbox]").check();
    await rows.nth(1).locator("input[type=checkbox]").check();
    await page.getByRole("button", { name: "Accept selected" }).click();
    await page.getByText("2 lead(s) updated.").waitFor();
  });

  it("runs a discovery call to an advance verdict, saves it and advances the lead to SQL", async () => {
    await page.goto(`${base}/?stage=sal`);
    await page.locator("table[aria-label=Leads] tbody tr").first().locator("td a").click();
    await page.getByRole("button", { name: "Discovery call" }).click();
    await page.getByLabel("Framework").selectOption("bant");
    const outcome = page.getByTestId("outcome");
    await expect(outcome.textContent()).resolves.not.toBe("Advance");
    const say = async (element: string, state: string, words: string, qualifier?: string) => {
      await page.locator(`#ev-${element}-state`).selectOption(state);
      await page.locator(`#ev-${element}-quote`).fill(words);
      if (qualifier) await page.locator(`#ev-${element}-qualifier`).selectOption(qualifier);
    };
    await say("need", "verified", "Reps lose six hours a week on leads that never buy.", "productivity");
    await say("budget", "claimed", "We set aside money for sales tooling this year.", "allocated");
    await say("authority", "claimed", "I own this decision with our VP Sales.");
    await say("timeline", "claimed", "We want it live before next quarter's planning.");
    await outcome.filter({ hasText: /^Advance$/ }).waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, "discovery");
    // Another lens on the same evidence: MEDDIC still has gaps.
    await page.getByLabel("Framework").selectOption("meddic");
    await outcome.filter({ hasNotText: /^Advance$/ }).waitFor();
    await page.getByLabel("Framework").selectOption("bant");
    await page.getByRole("button", { name: "Save evidence" }).click();
    await page.getByText(/^Saved as version \d+\.$/).waitFor();
    await page.getByRole("button", { name: "Back to lead" }).click();
    await page.getByRole("button", { name: "Advance to SQL" }).click();
    await page.locator("h1 .badge", { hasText: "sql" }).waitFor();
  });

  it("reads a pasted note: a red flag on the decision window, and a budget suggestion used in the form", async () => {
    // On from the lead advanced above: its discovery screen, its BANT scorecard as saved.
    await page.getByRole("button", { name: "Discovery call" }).click();
    await expect(page.locator("#ev-budget-quote").inputValue()).resolves.toMatch(/set aside money/);
    await page.getByRole("button", { name: "Read this lead's notes" }).click();
    // This lead has no notes yet: the server says so, and the pasted note is read instead.
    await page.getByText(/no notes or activity text to read/).waitFor();
    await page
      .getByLabel("Note or transcript")
      .fill(
        "We have 40k budgeted for this and the VP Sales signs off. Proposal due 11 June, final decision 18 June.",
      );
    await page.getByLabel("Note date").fill("2026-05-20");
    await page.getByRole("button", { name: "Read", exact: true }).click();
    await page
      .getByRole("list", { name: "Red flags" })
      .getByText(/Only 7 day\(s\) between proposals .* and the decision/)
      .waitFor();
    const budget = page.getByRole("list", { name: "Suggested evidence" }).locator("li[data-element=budget]");
    await expect(budget.textContent()).resolves.toMatch(/Budget.*claimed.*budgeted for this/);
    await budget.getByRole("button", { name: "Use Budget" }).click();
    await expect(page.locator("#ev-budget-quote").inputValue()).resolves.toBe("budgeted for this");
    await expect(page.locator("#ev-budget-state").inputValue()).resolves.toBe("claimed");
    await expect(page.locator("#ev-budget-qualifier").inputValue()).resolves.toBe("allocated");
    expect(errors).toEqual([]);
  });

  it("validates a draft model as it is typed, backtests it against the published one, and publishes it", async () => {
    await signIn(api.keys.admin, "/scoring");
    const editor = page.getByLabel(/Edit the rules/);
    await editor.waitFor();
    const text = await editor.inputValue();
    const published = Number(/atLeast: (\d+)/.exec(text)?.[1]);
    expect(published).toBeGreaterThan(0);
    await editor.fill(text.replace(/^name: .*$/m, "name: 12: [oops"));
    await page.locator("#model-issues li").first().waitFor();
    await expect(page.getByRole("button", { name: "Save draft" }).isDisabled()).resolves.toBe(true);
    // A stricter MQL threshold: the first `atLeast` is the become_mql threshold of the reference model.
    await editor.fill(text.replace(/atLeast: (\d+)/, (_m, n: string) => `atLeast: ${Number(n) + 10}`));
    await page.getByText("Valid model.").waitFor();
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText(/Draft .* saved/).waitFor();
    await expect(page.getByRole("button", { name: "Publish", exact: true }).isDisabled()).resolves.toBe(true);
    await page.getByLabel("From").fill("2025-01-01");
    await page.getByLabel("To").fill("2026-07-01");
    await page.getByRole("button", { name: "Backtest against published" }).click();
    await page.getByRole("heading", { name: /^Backtest / }).waitFor();
    // Draft (threshold raised by 10) against the published default, over the same history.
    const threshold = page.getByRole("row", { name: /MQL threshold/ });
    await expect(threshold.locator("td").allTextContents()).resolves.toEqual([
      String(published + 10),
      String(published),
    ]);
    await page.getByTestId("capacity-advice").waitFor();
    await page.locator("[aria-label^='Leads per week and expected wins'] svg").waitFor();
    await page.evaluate(() => document.getElementById("backtest-title")?.scrollIntoView());
    await screenshot(page, "scoring");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await page.getByText(/Published .* now the default model/).waitFor();
  });

  it("reads the dashboard: funnel, reasons (with the rejection made above), time in stage, breaches", async () => {
    await page.goto(`${base}/dashboard`);
    await page.getByLabel("Period").selectOption("all");
    await page.getByRole("heading", { name: "Funnel and conversion" }).waitFor();
    await page.locator("[aria-label^='Leads entering each stage'] svg").waitFor();
    await page.locator("[aria-label^='Leads rejected or disqualified'] svg").waitFor();
    const mqls = Number(await page.locator(".kpis > div").first().locator(".big").textContent());
    expect(mqls).toBeGreaterThan(0);
    await screenshot(page, "dashboard");
    expect(errors).toEqual([]);
  });
});

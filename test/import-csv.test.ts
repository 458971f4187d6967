import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportCsv, safeCell } from "../src/app/export-csv.ts";
import { type ImportOptions, importCsv } from "../src/app/import/index.ts";
import { createLead } from "../src/app/records.ts";
import { isWinnowError, type WinnowError } from "../src/core/errors.ts";
import { addWorkingHours } from "../src/core/lifecycle/calendar.ts";
import { DEFAULT_LIFECYCLE_CONFIG } from "../src/core/lifecycle/config.ts";
import type { Storage } from "../src/storage/ports.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";

const NOW = "2026-03-02T09:00:00.000Z";
const csv = (text: string) => Readable.from([text]);
const opts = (extra: Partial<ImportOptions> & Pick<ImportOptions, "as">): ImportOptions => ({
  now: NOW,
  actor: "test",
  ...extra,
});

async function failure(run: () => Promise<unknown>): Promise<WinnowError> {
  try {
    await run();
  } catch (error) {
    if (isWinnowError(error)) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe.each(ENGINES)("CSV import and export on %s", (engine) => {
  let s: Storage;
  beforeAll(async () => {
    s = await freshStorage(engine);
  });
  afterAll(async () => {
    await s?.close();
  });

  it("imports a HubSpot contacts export: preset columns, coercion, accounts from domains", async () => {
    const file = [
      "Record ID,First Name,Last Name,Email,Job Title,Company Name,Company Domain Name,Number of Employees,Annual Revenue,Lifecycle Stage,Create Date,Original Source",
      '1,Ada,Lovelace,Ada@Analytical.io,CTO,Analytical,https://www.analytical.io/,51-200,"$1,200,000",marketingqualifiedlead,2024-01-15 10:23,ORGANIC_SEARCH',
      "2,Bob,Smith,bob@gmail.com,Intern,,,,,lead,1705312980000,PAID_SEARCH",
      "3,Cy,Ng,cy@analytical.io,VP Sales,Analytical,analytical.io,,,salesqualifiedlead,,REFERRALS",
    ].join("\n");
    const r = await importCsv(s, csv(file), opts({ as: "leads" }));
    expect(r.preset).toBe("hubspot");
    expect([r.rows, r.valid, r.rejected, r.written]).toEqual([3, 3, 0, true]);
    expect(r.counts).toEqual({
      accounts: { created: 1, updated: 0, skipped: 0 },
      contacts: { created: 3, updated: 0, skipped: 0 },
      leads: { created: 3, updated: 0, skipped: 0 },
    });
    const account = await s.accounts.findByDomain("analytical.io");
    expect(account).toMatchObject({ name: "Analytical", employees: 51, annualRevenue: 1_200_000 });
    const ada = await s.contacts.findByEmail("ada@analytical.io");
    expect(ada?.accountId).toBe(account?.id);
    expect((await s.contacts.findByEmail("bob@gmail.com"))?.accountId).toBeNull(); // no account from a free mailbox
    const leads = await s.queries.listLeads({ search: "analytical", sort: "createdAt", direction: "asc" });
    expect(leads.items.map((i) => [i.email, i.lead.stage, i.lead.createdAt])).toEqual([
      ["ada@analytical.io", "mql", "2024-01-15T10:23:00.000Z"],
      ["cy@analytical.io", "sql", NOW],
    ]);
  });

  it("reports every rejected row with line, column and reason, and writes nothing", async () => {
    const file = [
      "email,first_name,employees,stage,created_at",
      "ok@fine.example,Ok,10,mql,2026-01-01",
      "not-an-email,Bad,ten,mql,2026-01-01",
      'multi@line.example,"two',
      'lines",5,stage-x,2026-02-30',
      "short@row.example,Short",
    ].join("\n");
    const e = await failure(() => importCsv(s, csv(file), opts({ as: "leads" })));
    expect(e.code).toBe("WINNOW_ERR_IMPORT_INVALID_ROWS");
    expect(e.issues).toEqual([
      { path: "email", line: 3, column: 1, message: '"not-an-email" is not an email address' },
      { path: "employees", line: 3, column: 3, message: '"ten" is not a number' },
      {
        path: "stage",
        line: 4,
        column: 4,
        message: expect.stringContaining('"stage-x" is not one of new, mql'),
      },
      {
        path: "created_at",
        line: 4,
        column: 5,
        message: expect.stringContaining('"2026-02-30" is not a date'),
      },
      { path: "", line: 6, message: "expected 5 columns, found 2" },
    ]);
    expect(await s.contacts.findByEmail("ok@fine.example")).toBeNull();
  });

  it("imports the valid rows with --skip-invalid, and a dry run writes nothing", async () => {
    const file = "email,first_name\nkeep@skip.example,Keep\nbroken,Nope\n";
    const dry = await importCsv(s, csv(file), opts({ as: "contacts", skipInvalid: true, dryRun: true }));
    expect([dry.valid, dry.rejected, dry.written, dry.counts["contacts"]?.created]).toEqual([1, 1, false, 1]);
    expect(await s.contacts.findByEmail("keep@skip.example")).toBeNull();
    const real = await importCsv(s, csv(file), opts({ as: "contacts", skipInvalid: true }));
    expect([real.written, real.issues[0]?.line]).toEqual([true, 3]);
    expect((await s.contacts.findByEmail("keep@skip.example"))?.firstName).toBe("Keep");
  });

  it("de-duplicates by email and domain inside a file and against the database", async () => {
    const file = [
      "domain,name,industry",
      "dedupe.example,Dedupe,",
      "DEDUPE.example,,software",
      "other.example,Other,",
    ].join("\n");
    const r = await importCsv(s, csv(file), opts({ as: "accounts" }));
    expect([r.merged, r.counts["accounts"]?.created]).toEqual([1, 2]);
    expect(await s.accounts.findByDomain("dedupe.example")).toMatchObject({
      name: "Dedupe",
      industry: "software",
    });
    const again = await importCsv(s, csv("domain,employees\ndedupe.example,40\n"), opts({ as: "accounts" }));
    expect(again.counts["accounts"]).toEqual({ created: 0, updated: 1, skipped: 0 });
    expect(await s.accounts.findByDomain("dedupe.example")).toMatchObject({ name: "Dedupe", employees: 40 });
  });

  it("imports leads over several batches in one statement each: shared domains, repeated emails, re-import is idempotent", async () => {
    const file = [
      "email,first_name,company,domain,stage",
      "a1@batches.example,A1,Batches,batches.example,new",
      "a2@batches.example,A2,,batches.example,mql",
      "a1@batches.example,,Batches Inc,batches.example,",
      "b1@second.example,B1,Second,,sal",
      "c1@gmail.com,C1,,,new",
    ].join("\n");
    const first = await importCsv(s, csv(file), opts({ as: "leads", batchSize: 2 }));
    expect(first.counts).toEqual({
      accounts: { created: 2, updated: 1, skipped: 0 },
      contacts: { created: 4, updated: 1, skipped: 0 },
      leads: { created: 4, updated: 0, skipped: 1 },
    });
    const account = await s.accounts.findByDomain("batches.example");
    expect(account?.name).toBe("Batches Inc");
    const a2 = await s.contacts.findByEmail("a2@batches.example");
    expect(a2?.accountId).toBe(account?.id);
    expect((await s.contacts.findByEmail("c1@gmail.com"))?.accountId).toBeNull();
    const again = await importCsv(s, csv(file), opts({ as: "leads", batchSize: 3 }));
    // Batches of 3: the repeated a1 row merges inside the first batch, so 4 leads reach the database.
    expect(again.counts["leads"]).toEqual({ created: 0, updated: 0, skipped: 4 });
    const leads = await s.queries.listLeads({
      search: "batches.example",
      sort: "createdAt",
      direction: "asc",
    });
    expect(leads.items).toHaveLength(2);
    for (const item of leads.items) {
      const history = await s.history.listForLead(item.lead.id, ["stage"]);
      expect(history.map((h) => [h.actor, h.reason])).toEqual([["test", "imported"]]);
    }
  });

  it("starts the accept SLA clock of leads imported as MQL, as createLead does, with the lifecycle given", async () => {
    const lifecycle = {
      ...DEFAULT_LIFECYCLE_CONFIG,
      sla: { ...DEFAULT_LIFECYCLE_CONFIG.sla, acceptWithinWorkingHours: 2 },
    };
    // The same lead made in the app, as MQL at the import's time: the clock every MQL should have.
    const contact = await s.contacts.create({ email: "app-mql@sla.example" });
    const viaApp = await createLead(
      s,
      { contactId: contact.id, stage: "mql", actor: "test", now: NOW },
      lifecycle,
    );
    expect(viaApp.slaDueAt).not.toBeNull();
    const file = [
      "email,stage,created_at",
      "old-mql@sla.example,mql,2024-01-15T10:00:00Z", // CRM history: not overdue the moment it lands
      "now-mql@sla.example,mql,",
      "future-mql@sla.example,mql,2026-03-09T09:00:00Z", // the clock starts when it becomes an MQL
      "sal@sla.example,sal,",
    ].join("\n");
    await importCsv(s, csv(file), opts({ as: "leads", lifecycle }));
    const due = async (email: string) =>
      (await s.queries.listLeads({ search: email })).items.find((i) => i.email === email)?.lead.slaDueAt;
    expect(await due("old-mql@sla.example")).toBe(viaApp.slaDueAt);
    expect(await due("now-mql@sla.example")).toBe(viaApp.slaDueAt);
    expect(await due("future-mql@sla.example")).toBe(
      addWorkingHours("2026-03-09T09:00:00Z", 2, lifecycle.calendar),
    );
    expect(await due("sal@sla.example")).toBeNull();
    // The sweep sees them as it sees the app's MQLs: due after the clock ran out, not before.
    const overdue = await s.leads.listSlaDue("mql", viaApp.slaDueAt as string, 100);
    expect(overdue.map((l) => l.id)).not.toContain(viaApp.id);
    const later = new Date(Date.parse(viaApp.slaDueAt as string) + 1000).toISOString();
    expect((await s.leads.listSlaDue("mql", later, 100)).length).toBeGreaterThanOrEqual(3);
  });

  it("maps Salesforce opportunity headers and rejects deals whose account is unknown", async () => {
    const file = [
      "Opportunity Name,Amount,StageName,CloseDate,Account Website",
      "Big deal,25000,Closed Won,3/15/2026,analytical.io",
      "Lost deal,1000,Closed Lost,3/16/2026,analytical.io",
      "Open deal,500,Negotiation/Review,,nobody.example",
    ].join("\n");
    const e = await failure(() => importCsv(s, csv(file), opts({ as: "deals" })));
    expect(e.issues).toEqual([
      { path: "Account Website", line: 4, column: 5, message: "no account with domain nobody.example" },
    ]);
    const r = await importCsv(s, csv(file), opts({ as: "deals", skipInvalid: true }));
    expect([r.preset, r.counts["deals"]?.created, r.rejected]).toEqual(["salesforce", 2, 1]);
  });

  it("updates deals re-imported with the same CRM id instead of adding copies (Salesforce and HubSpot ids)", async () => {
    const deals = async (like: string) =>
      (
        await s.sql.query<{
          external_id: string;
          name: string;
          amount: number;
          status: string;
          reason: string | null;
        }>(
          "SELECT external_id, name, amount, status, reason FROM deals WHERE name LIKE $1 ORDER BY external_id",
          [like],
        )
      ).rows;
    const sf = [
      "Opportunity ID,Opportunity Name,Amount,StageName,Loss Reason,Account Website",
      "006A1,Renewal A,1000,Prospecting,,analytical.io",
      "006A2,Renewal B,2000,Closed Lost,budget,analytical.io",
    ].join("\n");
    const first = await importCsv(s, csv(sf), opts({ as: "deals" }));
    expect([first.preset, first.counts["deals"]]).toEqual([
      "salesforce",
      { created: 2, updated: 0, skipped: 0 },
    ]);
    const again = [
      "Opportunity ID,Opportunity Name,Amount,StageName,Loss Reason,Account Website",
      "006A1,Renewal A,1500,Closed Won,,analytical.io",
      "006A2,Renewal B,,Closed Lost,,", // empty cells keep what is stored
      "006A3,Renewal C,300,Prospecting,,analytical.io",
      "006A3,Renewal C,350,,,", // the same deal twice in one file: one deal, later cells win
    ].join("\n");
    const second = await importCsv(s, csv(again), opts({ as: "deals" }));
    expect([second.counts["deals"], second.merged]).toEqual([{ created: 1, updated: 2, skipped: 0 }, 1]);
    expect(await deals("Renewal %")).toEqual([
      { external_id: "006A1", name: "Renewal A", amount: 1500, status: "won", reason: null },
      { external_id: "006A2", name: "Renewal B", amount: 2000, status: "lost", reason: "budget" },
      { external_id: "006A3", name: "Renewal C", amount: 350, status: "open", reason: null },
    ]);
    const hs = ["Record ID,Deal Name,Amount,Deal Stage", "9001,Hub deal,10,closedwon"].join("\n");
    await importCsv(s, csv(hs), opts({ as: "deals" }));
    const twice = await importCsv(s, csv(hs), opts({ as: "deals" }));
    expect([twice.preset, twice.counts["deals"]]).toEqual([
      "hubspot",
      { created: 0, updated: 1, skipped: 0 },
    ]);
    expect(await deals("Hub deal")).toHaveLength(1);
  });

  it("updates deals without a CRM id re-imported with the same account, lead, name and close date", async () => {
    const rows = async () =>
      (
        await s.sql.query<{ name: string; amount: number; status: string; close: string | null }>(
          "SELECT name, amount, status, close_date::text AS close FROM deals WHERE name LIKE 'Natural %' ORDER BY name, close_date",
        )
      ).rows.map((r) => [r.name, r.amount, r.status, r.close === null ? null : r.close.slice(0, 10)]);
    const first = [
      "name,amount,status,close_date,account_domain",
      "Natural A,100,open,2026-04-01,analytical.io",
      "Natural B,200,open,,analytical.io",
      "Natural C,300,open,2026-04-01,", // no account: the empty account is part of its key
    ].join("\n");
    const r1 = await importCsv(s, csv(first), opts({ as: "deals" }));
    expect(r1.counts["deals"]).toEqual({ created: 3, updated: 0, skipped: 0 });
    const again = [
      "name,amount,status,close_date,account_domain",
      "Natural A,150,won,2026-04-01,analytical.io", // same key: updated
      "Natural A,175,,2026-04-01,analytical.io", // the same deal twice in one file: one deal, later cells win
      "Natural B,250,lost,,analytical.io", // no close date on either side: still the same deal
      "Natural C,350,,2026-04-01,",
      "Natural A,900,open,2026-05-01,analytical.io", // another close date: another deal
    ].join("\n");
    const r2 = await importCsv(s, csv(again), opts({ as: "deals" }));
    expect([r2.counts["deals"], r2.merged]).toEqual([{ created: 1, updated: 3, skipped: 0 }, 1]);
    expect(await rows()).toEqual([
      ["Natural A", 175, "won", "2026-04-01"],
      ["Natural A", 900, "open", "2026-05-01"],
      ["Natural B", 250, "lost", null],
      ["Natural C", 350, "open", "2026-04-01"],
    ]);
    const r3 = await importCsv(s, csv(again), opts({ as: "deals" }));
    expect(r3.counts["deals"]).toEqual({ created: 0, updated: 4, skipped: 0 });
    expect(await rows()).toHaveLength(4);
  });

  it("imports events idempotently by key, finding leads by email", async () => {
    const file = [
      "email,type,occurred_at,key,attributes.path",
      "ada@analytical.io,page_view,2026-03-01T10:00:00Z,ev-1,/pricing",
    ].join("\n");
    const mapping = { columns: { "attributes.path": "attributes.path" } };
    const first = await importCsv(s, csv(file), opts({ as: "events", mapping }));
    const second = await importCsv(s, csv(file), opts({ as: "events", mapping }));
    expect([
      first.counts["events"]?.created,
      second.counts["events"]?.created,
      second.counts["events"]?.skipped,
    ]).toEqual([1, 0, 1]);
    const lead = (await s.queries.listLeads({ search: "ada@" })).items[0]?.lead;
    const events = await s.events.listForLead(lead?.id as string);
    expect(events.map((ev) => [ev.type, ev.properties])).toEqual([["page_view", { path: "/pricing" }]]);
  });

  it("reports an event key re-sent with a different event as a conflict, not as a duplicate", async () => {
    const mapping = { columns: { "attributes.path": "attributes.path" } };
    const head = "email,type,occurred_at,key,attributes.path";
    const first = [head, "ada@analytical.io,page_view,2026-03-01T11:00:00Z,ev-c1,/pricing"].join("\n");
    expect((await importCsv(s, csv(first), opts({ as: "events", mapping }))).counts["events"]?.created).toBe(
      1,
    );
    const file = [
      head,
      "ada@analytical.io,page_view,2026-03-01T11:00:00Z,ev-c1,/pricing", // the same event: a duplicate
      "ada@analytical.io,page_view,2026-03-01T11:00:00Z,ev-c1,/careers", // other properties
      "ada@analytical.io,demo_request,2026-03-01T12:00:00Z,ev-c2,", // new
      "ada@analytical.io,demo_request,2026-03-01T12:05:00Z,ev-c2,", // same key, other time, same file
    ].join("\n");
    const e = await failure(() => importCsv(s, csv(file), opts({ as: "events", mapping })));
    expect(e.code).toBe("WINNOW_ERR_IMPORT_INVALID_ROWS");
    expect(e.issues.map((i) => [i.line, i.column, i.path])).toEqual([
      [3, 4, "key"],
      [5, 4, "key"],
    ]);
    expect(e.issues[0]?.message).toMatch(
      /key "ev-c1" is already stored for a different event .*WINNOW_ERR_EVENT_KEY_CONFLICT/,
    );
    const lead = (await s.queries.listLeads({ search: "ada@" })).items[0]?.lead;
    const types = async () => (await s.events.listForLead(lead?.id as string)).map((ev) => ev.type);
    expect(await types()).not.toContain("demo_request"); // all or nothing
    const r = await importCsv(s, csv(file), opts({ as: "events", mapping, skipInvalid: true }));
    expect([r.counts["events"], r.rejected]).toEqual([{ created: 1, updated: 0, skipped: 1 }, 2]);
    const stored = await s.events.listForLead(lead?.id as string);
    expect(stored.filter((ev) => ev.idempotencyKey === "ev-c1").map((ev) => ev.properties)).toEqual([
      { path: "/pricing" },
    ]);
    expect(stored.filter((ev) => ev.idempotencyKey === "ev-c2").map((ev) => ev.occurredAt)).toEqual([
      "2026-03-01T12:00:00.000Z",
    ]);
  });

  it("refuses a mapping that names a missing column or unknown field, and unreadable CSV", async () => {
    const m = await failure(() =>
      importCsv(
        s,
        csv("mail\nx@y.example\n"),
        opts({ as: "contacts", mapping: { columns: { Email: "emial" } } }),
      ),
    );
    expect(m.code).toBe("WINNOW_ERR_IMPORT_MAPPING");
    expect(m.issues.map((i) => i.path)).toEqual(["columns.Email", "columns.Email", "email"]);
    const bad = await failure(() =>
      importCsv(s, csv('email\n"unclosed@quote.example\n'), opts({ as: "contacts" })),
    );
    expect([bad.code, bad.issues[0]?.line]).toEqual(["WINNOW_ERR_IMPORT_CSV", 2]);
  });

  it("exports CSV that a spreadsheet cannot run as formulas", async () => {
    await s.accounts.create({
      name: '=HYPERLINK("http://evil.example","click")',
      domain: "formula.example",
      industry: "+cmd|' /C calc'!A0",
    });
    await s.accounts.create({ name: "@SUM(1)", domain: "at.example", industry: "\tTab" });
    let out = "";
    const n = await exportCsv(s, "accounts", (chunk) => {
      out += chunk;
    });
    expect(n).toBeGreaterThanOrEqual(2);
    expect(out).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(out).toContain("'+cmd|");
    expect(out).toContain("'@SUM(1)");
    expect(out).toContain("'\tTab");
    expect(out.split("\n")[0]).toBe(
      "id,name,domain,industry,employees,annual_revenue,country,region,attributes,created_at",
    );
    expect([safeCell(-3), safeCell("-3"), safeCell("a=b")]).toEqual([-3, "'-3", "a=b"]);
  });
});

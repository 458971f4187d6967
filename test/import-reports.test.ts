// Import reports are part of the interface: a faster parse, coercion or batching must not change one
// byte of them. Messy generated files (bad cells of every type, quoted cells over several lines,
// wrong column counts, empty lines, CRLF, a BOM, duplicates, unknown accounts and leads, CSV syntax
// errors, files cut into random chunks, tiny batches) are imported on each engine, and every report,
// error and progress call is compared with test/fixtures/import-reports.json, recorded from the
// importer before its speed work (WINNOW_WRITE_IMPORT_FIXTURE=path writes it instead).
import { readFileSync, writeFileSync } from "node:fs";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coerce, type ImportOptions, importCsv, parseInstant } from "../src/app/import/index.ts";
import { isWinnowError } from "../src/core/errors.ts";
import { seededRandom } from "../src/core/model/random.ts";
import type { Storage } from "../src/storage/ports.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";

const NOW = "2026-03-02T09:00:00.000Z";
const FIXTURE = new URL("./fixtures/import-reports.json", import.meta.url);

const CELLS = {
  email: ["", "not-an-email", "A@B", " Spaced@Example.COM ", "x y@example.com"],
  domain: ["https://www.Acme.com/about", "acme", "bad domain", "WWW.Foo.example:8080/x?y", "a.b"],
  int: ["51-200", "$1,200", "12%", "ten", "-5", "1.5", "1e3", "1 200", "500+", "7"],
  number: ["$1,200,000.50", "€3", "abc", "-1", "2.5e6", "10 - 20"],
  instant: [
    "2026-02-01T10:00:00Z",
    "2026-02-01T10:00:00.123Z",
    "2026-02-01T10:00:00",
    "2026-02-01 10:23",
    "2026-02-01",
    "2026-02-01T10:00:00+02:00",
    "2026-02-01T10:00:00+0200",
    "2026-02-01T10:00:00+00:00",
    "2026-02-01T10:00:00.5Z",
    "2026-02-01t10:00:00z",
    "2026-02-30",
    "2026-02-30T00:00:00Z",
    "2026-02-30T00:00:00+00:00",
    "2024-02-29T23:59:59Z",
    "2023-02-29T00:00:00Z",
    "2026-02-01T24:00:00Z",
    "2026-02-01T10:60:00Z",
    "2026-02-01T10:00:60Z",
    "2026-13-01T00:00:00Z",
    "0001-01-01T00:00:00Z",
    "2999-12-31T23:59:59.999Z",
    "2/29/2024 3:05 PM",
    "12/31/2025, 11:59:59 pm",
    "13/1/2024",
    "1/1/2024 12:00 AM",
    "1705312980000",
    "170531298000",
    "garbage",
    " 2026-01-01T00:00:00Z ",
  ],
  stage: ["MQL", "marketing qualified lead", "Sales-Qualified", "hot", "won", "RECYCLED", "new"],
  seniority: ["VP", "c-level", "Director", "junior", "x"],
  text: ['He said "hi"', "multi\nline\ncell", "  padded  ", "é accent", "a,b", "crlf\r\ninside"],
} as const satisfies Record<string, readonly string[]>;

const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

/** A CSV of `rows` rows over `headers`; `kinds` says which cell list feeds each column. */
function messy(
  seed: number,
  headers: readonly string[],
  kinds: readonly ((i: number, r: () => number) => string)[],
  rows: number,
  opts: { crlf?: boolean; bom?: boolean } = {},
): string {
  const r = seededRandom(seed);
  const eol = opts.crlf ? "\r\n" : "\n";
  const lines = [headers.join(",")];
  for (let i = 0; i < rows; i++) {
    const x = r();
    if (x < 0.03) lines.push(""); // an empty line
    const cells = kinds.map((k) => quote(k(i, r)));
    if (x > 0.97)
      cells.pop(); // too few columns
    else if (x > 0.95) cells.push("extra"); // too many
    lines.push(cells.join(","));
  }
  return `${opts.bom ? "\uFEFF" : ""}${lines.join(eol)}${eol}`;
}

const pick =
  (list: readonly string[], good: string, p = 0.25) =>
  (i: number, r: () => number) =>
    r() < p ? (list[Math.floor(r() * list.length)] as string) : good.replaceAll("#", String(i));
const email =
  (domains: number, dupes = 0.1) =>
  (i: number, r: () => number) => {
    const y = r();
    if (y < 0.05) return CELLS.email[Math.floor(r() * 5)] as string;
    const n = y < 0.05 + dupes ? Math.floor(r() * (i + 1)) : i; // some rows repeat an earlier email
    return `${y < 0.2 ? "Lead" : "lead"}${n}@company${n % domains}.example`;
  };

/** Cuts a file into 1-300 character pieces, so records and quoted cells straddle chunks. */
function chunks(text: string, seed: number): Readable {
  const r = seededRandom(seed);
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(r() * 300);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return Readable.from(out);
}

type Case = {
  readonly name: string;
  readonly text: string;
  readonly options: Omit<ImportOptions, "now" | "actor">;
  readonly split?: number;
};

function cases(): Case[] {
  const leadHeaders = [
    "email",
    "first_name",
    "title",
    "company",
    "domain",
    "employees",
    "annual_revenue",
    "stage",
    "seniority",
    "created_at",
    "notes",
  ];
  const leadKinds = [
    email(7),
    pick(CELLS.text, "First#"),
    pick(CELLS.text, "CEO"),
    pick(CELLS.text, "Company #"),
    pick(CELLS.domain, "", 0.2),
    pick(CELLS.int, "#"),
    pick(CELLS.number, ""),
    pick(CELLS.stage, "mql", 0.4),
    pick(CELLS.seniority, ""),
    pick(CELLS.instant, "2026-02-01T10:00:00Z", 0.5),
    pick(CELLS.text, "note #"),
  ];
  const leads = messy(1, leadHeaders, leadKinds, 400);
  const hubspot = messy(
    2,
    ["Email", "First Name", "Company Domain Name", "Number of Employees", "Lifecycle Stage", "Create Date"],
    [
      email(5),
      pick(CELLS.text, "Ann"),
      pick(CELLS.domain, "hs#.example"),
      pick(CELLS.int, "11-50"),
      pick(["marketingqualifiedlead", "salesqualifiedlead", "customer", "lead", "bogus"], "lead", 0.6),
      pick(CELLS.instant, "1705312980000", 0.5),
    ],
    200,
    { crlf: true, bom: true },
  );
  const accounts = messy(
    3,
    ["name", "domain", "industry", "employees", "country"],
    [
      pick(["", "Acme"], "Account #", 0.1),
      (i, r) => (r() < 0.2 ? (CELLS.domain[Math.floor(r() * 5)] as string) : `acc${i % 60}.example`),
      pick(CELLS.text, "software"),
      pick(CELLS.int, "#"),
      pick(["", "FR"], "US"),
    ],
    150,
  );
  const contacts = messy(
    4,
    ["email", "first_name", "seniority", "account_domain", "tier"],
    [
      email(3, 0.3),
      pick(CELLS.text, "Cy"),
      pick(CELLS.seniority, "vp"),
      pick(CELLS.domain, "acc#.example"),
      pick(["", "gold"], "silver"),
    ],
    150,
  );
  const deals = messy(
    5,
    [
      "name",
      "external_id",
      "amount",
      "status",
      "created_at",
      "close_date",
      "account_domain",
      "contact_email",
    ],
    [
      pick(["", "Deal"], "Deal #", 0.1),
      (i, r) => (r() < 0.4 ? "" : `D${Math.floor(i / 2)}`),
      pick(CELLS.number, "1000"),
      pick(["won", "Lost", "pending"], "open"),
      pick(CELLS.instant, ""),
      (i, r) => (r() < 0.5 ? `2026-0${1 + (i % 9)}-15` : ""),
      (i, r) => (r() < 0.15 ? "nowhere.example" : r() < 0.5 ? `acc${i % 60}.example` : ""),
      (i, r) => (r() < 0.1 ? "ghost@nowhere.example" : r() < 0.5 ? `lead${i}@company${i % 7}.example` : ""),
    ],
    150,
  );
  const events = messy(
    6,
    ["type", "occurred_at", "email", "key", "properties", "page"],
    [
      pick(["", "Page View"], "page_view", 0.1),
      pick(CELLS.instant, "2026-02-01T10:00:00Z", 0.3),
      (i, r) =>
        r() < 0.1 ? "ghost@nowhere.example" : r() < 0.05 ? "" : `lead${i % 50}@company${i % 7}.example`,
      (i, r) => (r() < 0.3 ? "" : `ev${i % 80}`),
      pick(['{"a":1}', "[1]", "{bad", '{"path":"/x"}'], ""),
      pick(["/pricing", ""], "/home"),
    ],
    150,
  );
  const big = messy(7, leadHeaders, leadKinds, 2500);
  return [
    { name: "leads, skip invalid", text: leads, options: { as: "leads", skipInvalid: true, batchSize: 7 } },
    {
      name: "leads, chunked, skip invalid again",
      text: leads,
      split: 11,
      options: { as: "leads", skipInvalid: true, batchSize: 50 },
    },
    { name: "leads, all or nothing", text: leads, options: { as: "leads", batchSize: 13 } },
    {
      name: "leads, few issues kept",
      text: leads,
      split: 12,
      options: { as: "leads", maxIssues: 5, skipInvalid: true, dryRun: true },
    },
    {
      name: "hubspot leads, crlf and bom",
      text: hubspot,
      split: 13,
      options: { as: "leads", skipInvalid: true, batchSize: 9 },
    },
    { name: "accounts", text: accounts, options: { as: "accounts", skipInvalid: true, batchSize: 10 } },
    {
      name: "contacts with an attribute",
      text: contacts,
      split: 14,
      options: {
        as: "contacts",
        skipInvalid: true,
        batchSize: 8,
        mapping: { columns: { tier: "attributes.tier" } },
      },
    },
    { name: "deals", text: deals, options: { as: "deals", skipInvalid: true, batchSize: 6 } },
    {
      name: "deals again, chunked",
      text: deals,
      split: 15,
      options: { as: "deals", skipInvalid: true, batchSize: 40 },
    },
    {
      name: "events",
      text: events,
      options: {
        as: "events",
        skipInvalid: true,
        batchSize: 5,
        mapping: { columns: { page: "attributes.page" } },
      },
    },
    {
      name: "events, dry run",
      text: events,
      split: 16,
      options: { as: "events", skipInvalid: true, dryRun: true },
    },
    {
      name: "big file, chunked",
      text: big,
      split: 17,
      options: { as: "leads", skipInvalid: true, dryRun: true, batchSize: 300, maxIssues: 100 },
    },
    {
      name: "unclosed quote at the end",
      text: `${big}"unclosed@x.example,a\n`,
      split: 18,
      options: { as: "leads" },
    },
    {
      name: "quote inside an unquoted cell",
      text: `${leads.slice(0, 3000)}\nab"c@x.example,a\n`,
      options: { as: "leads" },
    },
    { name: "bad header and a syntax error in one chunk", text: 'mail,x\n"a\n', options: { as: "leads" } },
    {
      name: "bad header, syntax error later",
      text: `mail,x\n${"a,b\n".repeat(30000)}"a\n`,
      split: 19,
      options: { as: "leads" },
    },
    { name: "header only", text: "email,stage\n", options: { as: "leads" } },
    { name: "empty file", text: "", options: { as: "leads" } },
    { name: "empty lines only", text: "\n\n\r\n", options: { as: "contacts" } },
    {
      name: "no final newline",
      text: "email,stage\na@b.example,mql",
      options: { as: "leads", dryRun: true },
    },
  ];
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** The report, error and progress calls of one case, ids (new on every run) replaced by `<id>`. */
async function outcome(s: Storage, c: Case, readInWorker: boolean): Promise<unknown> {
  return JSON.parse(JSON.stringify(await run(s, c, readInWorker)).replace(UUID, "<id>"));
}

async function run(s: Storage, c: Case, readInWorker: boolean): Promise<unknown> {
  const progress: { rows: number; bytes: number }[] = [];
  const source = c.split ? chunks(c.text, c.split) : Readable.from([c.text]);
  try {
    const report = await importCsv(s, source, {
      ...c.options,
      readInWorker,
      now: NOW,
      actor: "test",
      onProgress: (p) => progress.push({ ...p }),
    });
    return { report, progress };
  } catch (error) {
    if (!isWinnowError(error)) throw error;
    return {
      error: { code: error.code, message: error.message, issues: error.issues, details: error.details },
      progress,
    };
  }
}

const MODES = ENGINES.flatMap((engine) => [
  { engine, readInWorker: false },
  { engine, readInWorker: true },
]);

describe.each(MODES)(
  "import reports on $engine, read in a worker: $readInWorker",
  ({ engine, readInWorker }) => {
    let s: Storage;
    beforeAll(async () => {
      s = await freshStorage(engine);
    });
    afterAll(async () => {
      await s?.close();
    });

    it("are what the importer reported before its speed work, case by case", async () => {
      const got: Record<string, unknown> = {};
      for (const c of cases()) got[c.name] = await outcome(s, c, readInWorker);
      const write = process.env["WINNOW_WRITE_IMPORT_FIXTURE"];
      if (write)
        writeFileSync(
          write,
          `{\n${Object.entries(got)
            .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
            .join(",\n")}\n}\n`,
        );
      const expected = JSON.parse(readFileSync(FIXTURE, "utf8")) as Record<string, unknown>;
      // Sanity: the files do exercise rejections, merges, database misses and syntax errors.
      const all = JSON.stringify(expected);
      for (const bit of [
        "is not a date",
        "is not a number",
        "expected 11 columns",
        '"merged":',
        "WINNOW_ERR_IMPORT_CSV",
      ])
        expect(all).toContain(bit);
      for (const name of Object.keys(expected))
        expect({ name, ...(got[name] as object) }).toEqual({ name, ...(expected[name] as object) });
      expect(Object.keys(got)).toEqual(Object.keys(expected));
    });
  },
);

describe("number cells", () => {
  it("refuse numbers beyond floating point (1e400 read as Infinity, which JSON cannot carry)", () => {
    expect(coerce("1e400", { kind: "number" })).toEqual({ ok: false, message: '"1e400" is not a number' });
    expect(coerce("1e300", { kind: "number" })).toEqual({ ok: true, value: 1e300 });
  });

  it("refuse whole numbers past an integer column (PostgreSQL's int4) instead of failing the import", () => {
    expect(coerce("2147483647", { kind: "int" })).toEqual({ ok: true, value: 2_147_483_647 });
    expect(coerce("2,147,483,648", { kind: "int" })).toEqual({
      ok: false,
      message: '"2,147,483,648" is too large (at most 2147483647)',
    });
    expect(coerce("1e12", { kind: "int" })).toMatchObject({ ok: false });
    // Not an integer column: as large as a double holds.
    expect(coerce("99999999999", { kind: "number" })).toEqual({ ok: true, value: 99_999_999_999 });
  });
});

describe("date cells", () => {
  it("refuse years the database cannot store instead of failing the import, and read US years as written", () => {
    expect(parseInstant("0000-01-01T00:00:00Z")).toBeNull();
    expect(parseInstant("0000-06-01")).toBeNull();
    expect(parseInstant("1/1/0000")).toBeNull();
    expect(parseInstant("0001-01-01T00:00:00Z")).toBe("0001-01-01T00:00:00.000Z");
    expect(parseInstant("1/2/0050")).toBe("0050-01-02T00:00:00.000Z");
    expect(parseInstant("12/31/9999 11:59 PM")).toBe("9999-12-31T23:59:00.000Z");
    expect(parseInstant("9999-12-31T23:59:59-01:00")).toBeNull();
  });

  it("are refused with line and column, and the rest of the file imported (year 0 ended the import with a database error)", async () => {
    const s = await freshStorage("pglite");
    try {
      const r = await importCsv(
        s,
        Readable.from(["email,created_at\na@x.example,0000-01-01T00:00:00Z\nb@x.example,2026-01-01\n"]),
        { as: "leads", now: NOW, actor: "test", skipInvalid: true },
      );
      expect([r.valid, r.rejected, r.issues]).toEqual([
        1,
        1,
        [
          {
            path: "created_at",
            line: 2,
            column: 2,
            message: '"0000-01-01T00:00:00Z" is not a date (use ISO 8601, e.g. 2026-03-02T09:30:00Z)',
          },
        ],
      ]);
    } finally {
      await s.close();
    }
  });
});

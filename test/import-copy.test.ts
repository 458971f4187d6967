import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImportOptions, importCsv } from "../src/app/import/index.ts";
import { copyText, copyValue } from "../src/storage/copy-text.ts";
import type { Storage } from "../src/storage/ports.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";
import { storedImport, withoutCopy } from "./helpers/import-storage.ts";

// The leads import loads new accounts, contacts and leads with COPY (SqlClient.copyFrom) and sends
// only stored keys through the upsert statements. These tests hold it to the statements-only path
// (a client without copyFrom), which wrote everything with INSERT ... ON CONFLICT before: same
// reports, same stored rows, on both engines.

const NOW = "2026-03-02T09:00:00.000Z";
const opts = (extra: Partial<ImportOptions> = {}): ImportOptions => ({
  as: "leads",
  now: NOW,
  actor: "test",
  batchSize: 4,
  ...extra,
});

// Cells COPY's text format must escape (tab, newline, carriage return, backslash, a literal \N),
// quotes and unicode; a personal mailbox (no account), a row without a domain, an MQL (SLA clock).
const FIRST = [
  "email,first_name,last_name,title,company,domain,industry,employees,annual_revenue,country,source,stage,created_at,owner_id,note",
  'ana@acme.io,Ana,"O\'Neil\tTab",CEO,Acme,acme.io,software,120,2500000.5,US,webinar,mql,2026-02-03T10:00:00Z,u1,"line one\nline two"',
  'bo@acme.io,Bo,"Back\\slash",VP Sales,Acme,acme.io,,,,,paid_search,new,2026-02-04T10:00:00Z,,"\\N"',
  'cy@gmail.com,Cy,Ng,Engineer,,,,,,,organic,sal,,u2,"quote ""q"" and ünïcødé ✓"',
  'di@beta.example,Di,"Carriage\rReturn",Intern,Beta,beta.example,retail,5,,FR,,recycled,2026-02-05T00:00:00Z,,',
  "ed@beta.example,,,,,,,,,,,,2026-02-06T00:00:00Z,,",
].join("\n");
// Stored and new keys mixed: updated accounts and contacts, new ones, contacts that keep their lead.
const SECOND = [
  "email,first_name,last_name,title,company,domain,industry,employees,annual_revenue,country,source,stage,created_at,owner_id,note",
  "ana@acme.io,Anna,,CTO,Acme Inc,acme.io,fintech,,,,event,new,2026-02-10T10:00:00Z,,changed",
  "fay@acme.io,Fay,Fox,Engineer,Acme,acme.io,,,,,event,new,2026-02-11T10:00:00Z,,",
  "gus@gamma.example,Gus,,,Gamma,gamma.example,health,40,,DE,referral,sql,2026-02-12T10:00:00Z,,",
  "cy@gmail.com,,,,,,,,,,,,,,",
  "hal@gmail.com,Hal,,,,,,,,,,mql,2026-02-13T10:00:00Z,,",
].join("\n");

describe.each(ENGINES)("leads import through COPY on %s", (engine) => {
  let copied: Storage;
  let statements: Storage;
  beforeAll(async () => {
    copied = await freshStorage(engine);
    statements = await freshStorage(engine);
  });
  afterAll(async () => {
    await copied?.close();
    await statements?.close();
  });

  it("COPY text round-trips nulls, empty strings, escapes, unicode and JSON", async () => {
    const values = ["", "\\N", "a\tb", "a\nb", "a\rb", "back\\slash\\", "ünïcødé ✓ 🚀", "\\.", null];
    const text = copyText(values.map((v, i) => [`k${i}`, v, v === null ? null : { v, n: i }]));
    expect(copyValue(Number.NaN)).toBe("\\N");
    expect(copyValue(false)).toBe("f");
    await copied.transaction(async (tx) => {
      await tx.sql.exec("CREATE TEMP TABLE copy_probe (k text, v text, j jsonb)");
      await tx.sql.copyFrom?.("copy_probe", ["k", "v", "j"], text);
      const r = await tx.sql.query<{ k: string; v: string | null; j: unknown }>(
        "SELECT k, v, j FROM copy_probe ORDER BY k",
      );
      expect(r.rows).toEqual(values.map((v, i) => ({ k: `k${i}`, v, j: v === null ? null : { v, n: i } })));
      await tx.sql.exec("DROP TABLE copy_probe");
    });
  });

  it("writes what the statements wrote: first import, a mixed re-import, then the same file again", async () => {
    expect(copied.sql.copyFrom).toBeTypeOf("function");
    const plain = withoutCopy(statements);
    for (const [file, expected] of [
      [
        FIRST,
        {
          accounts: { created: 2, updated: 1, skipped: 0 },
          contacts: { created: 5, updated: 0, skipped: 0 },
          leads: { created: 5, updated: 0, skipped: 0 },
        },
      ],
      [
        SECOND,
        {
          accounts: { created: 1, updated: 1, skipped: 0 },
          contacts: { created: 3, updated: 2, skipped: 0 },
          leads: { created: 3, updated: 0, skipped: 2 },
        },
      ],
      [
        SECOND,
        {
          accounts: { created: 0, updated: 2, skipped: 0 },
          contacts: { created: 0, updated: 5, skipped: 0 },
          leads: { created: 0, updated: 0, skipped: 5 },
        },
      ],
    ] as const) {
      const mapping = { columns: { note: "attributes.note" } };
      const a = await importCsv(copied, Readable.from([file]), opts({ mapping }));
      const b = await importCsv(plain, Readable.from([file]), opts({ mapping }));
      expect(a).toEqual(b);
      expect(a.counts).toEqual(expected);
      expect(await storedImport(copied)).toEqual(await storedImport(statements));
    }
    const ana = (await storedImport(copied)).contacts.find((c) => c["email"] === "ana@acme.io");
    expect(ana).toMatchObject({
      last_name: "O'Neil\tTab",
      attributes: { note: "changed" },
      account: "acme.io",
    });
    const bo = (await storedImport(copied)).contacts.find((c) => c["email"] === "bo@acme.io");
    expect(bo).toMatchObject({ last_name: "Back\\slash", attributes: { note: "\\N" } });
  });

  it("leaves attributes to their default in a batch that has none, sends them in one that has", async () => {
    // New keys only, 4 rows a batch: the first batch names no attribute, the second one.
    const file = [
      "email,first_name,domain,stage,created_at,note",
      ...[1, 2, 3, 4, 5, 6, 7, 8].map(
        (i) =>
          `a${i}@attr${i}.example,A${i},attr${i}.example,new,2026-02-21T00:00:00Z,${i === 7 ? "seven" : ""}`,
      ),
    ].join("\n");
    const mapping = { columns: { note: "attributes.note" } };
    const a = await importCsv(copied, Readable.from([file]), opts({ mapping }));
    const b = await importCsv(withoutCopy(statements), Readable.from([file]), opts({ mapping }));
    expect(a).toEqual(b);
    expect(a.counts["contacts"]).toEqual({ created: 8, updated: 0, skipped: 0 });
    const stored = await storedImport(copied);
    expect(stored).toEqual(await storedImport(statements));
    const attributes = (i: number) =>
      stored.contacts.find((c) => c["email"] === `a${i}@attr${i}.example`)?.["attributes"];
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(attributes)).toEqual([{}, {}, {}, {}, {}, {}, { note: "seven" }, {}]);
    const accounts = stored.accounts.filter((x) => String(x["domain"]).startsWith("attr"));
    expect(accounts.map((x) => x["attributes"])).toEqual(new Array(8).fill({}));
  });

  it("rolls back what it copied when a later row fails the import", async () => {
    const before = await storedImport(copied);
    const file = [
      "email,first_name,domain,stage,created_at",
      "new1@delta.example,N1,delta.example,new,2026-02-20T00:00:00Z",
      "new2@delta.example,N2,delta.example,new,2026-02-20T00:00:00Z",
      "new3@delta.example,N3,delta.example,new,2026-02-20T00:00:00Z",
      "new4@delta.example,N4,delta.example,new,2026-02-20T00:00:00Z",
      "new5@delta.example,N5,delta.example,not-a-stage,2026-02-20T00:00:00Z",
    ].join("\n");
    await expect(importCsv(copied, Readable.from([file]), opts())).rejects.toMatchObject({
      code: "WINNOW_ERR_IMPORT_INVALID_ROWS",
    });
    const dry = await importCsv(
      copied,
      Readable.from([file.replace("not-a-stage", "new")]),
      opts({ dryRun: true }),
    );
    expect(dry.counts["leads"]).toEqual({ created: 5, updated: 0, skipped: 0 });
    expect(await storedImport(copied)).toEqual(before);
  });
});

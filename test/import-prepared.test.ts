import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImportOptions, importCsv } from "../src/app/import/index.ts";
import type { Storage } from "../src/storage/ports.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";
import { storedImport, withoutCopy } from "./helpers/import-storage.ts";

// A leads import read in a worker has each batch's ids, COPY text and lookup keys made in the worker
// (prepareLeadBatch) and only sent by the main thread (BulkRepository.sendLeadBatch); a batch with a
// stored key falls back to the three statements with the rows parsed on the main thread. These tests
// hold it to the statements-only path (a client without copyFrom, which also gets the rows parsed):
// same reports, same stored rows, on both engines, and check the prepared path is the one taken.

const NOW = "2026-03-02T09:00:00.000Z";
const opts = (extra: Partial<ImportOptions> = {}): ImportOptions => ({
  as: "leads",
  now: NOW,
  actor: "test",
  batchSize: 3,
  readInWorker: true,
  mapping: { columns: { note: "attributes.note" } },
  ...extra,
});

/** The same storage, its transactions' bulk repository counting the prepared batches it is sent. */
function counting(storage: Storage, sent: { batches: number; written: number }): Storage {
  return {
    ...storage,
    transaction: (fn) =>
      storage.transaction((tx) => {
        const send = tx.bulk.sendLeadBatch;
        if (!send) throw new Error("expected a client that can COPY");
        const bulk = {
          ...tx.bulk,
          sendLeadBatch: async (b: Parameters<typeof send>[0]) => {
            sent.batches += 1;
            const r = await send(b);
            if (r) sent.written += 1;
            return r;
          },
        };
        return fn({ ...tx, bulk });
      }),
  };
}

/** Everything an import writes (helpers/import-storage.ts), and how many distinct ids it made. */
async function stored(s: Storage) {
  const ids = await s.sql.query<{ n: number }>(
    `SELECT count(DISTINCT id)::int AS n FROM (SELECT id FROM accounts UNION ALL SELECT id FROM contacts
     UNION ALL SELECT id FROM leads) x`,
  );
  return { ...(await storedImport(s)), ids: ids.rows };
}

const HEADER =
  "email,first_name,last_name,title,company,domain,industry,employees,annual_revenue,country,source,stage,created_at,owner_id,note";
// Cells COPY's text format must escape, a personal mailbox (no account), a row without a domain, an
// MQL (SLA clock), a duplicate email in one batch (merged).
const FIRST = [
  HEADER,
  'ana@acme.io,Ana,"O\'Neil\tTab",CEO,Acme,acme.io,software,120,2500000.5,US,webinar,mql,2026-02-03T10:00:00Z,u1,"line one\nline two"',
  'bo@acme.io,Bo,"Back\\slash",VP Sales,Acme,acme.io,,,,,paid_search,new,2026-02-04T10:00:00Z,,"\\N"',
  'bo@acme.io,,,,,,,,,,,,,,"later"',
  'cy@gmail.com,Cy,Ng,Engineer,,,,,,,organic,sal,,u2,"quote ""q"" and ünïcødé ✓"',
  'di@beta.example,Di,"Carriage\rReturn",Intern,Beta,beta.example,retail,5,,FR,,recycled,2026-02-05T00:00:00Z,,',
  "ed@beta.example,,,,,,,,,,,,2026-02-06T00:00:00Z,,",
  "fo@zeta.example,Fo,,,Zeta,zeta.example,,,,,,mql,2026-02-07T00:00:00Z,,",
].join("\n");
// New keys first (a prepared batch written), then stored ones (the batch falls back), then new again.
const SECOND = [
  HEADER,
  "gus@gamma.example,Gus,,,Gamma,gamma.example,health,40,,DE,referral,sql,2026-02-12T10:00:00Z,,",
  "hal@gmail.com,Hal,,,,,,,,,,mql,2026-02-13T10:00:00Z,,",
  "ivy@eta.example,Ivy,,,Eta,eta.example,,,,,,,,,",
  "ana@acme.io,Anna,,CTO,Acme Inc,acme.io,fintech,,,,event,new,2026-02-10T10:00:00Z,,changed",
  "fay@acme.io,Fay,Fox,Engineer,Acme,acme.io,,,,,event,new,2026-02-11T10:00:00Z,,",
  "cy@gmail.com,,,,,,,,,,,,,,",
  "jo@theta.example,Jo,,,Theta,theta.example,,,,,,,,,",
].join("\n");

describe.each(ENGINES)("leads import prepared in the reader's worker on %s", (engine) => {
  let prepared: Storage;
  let statements: Storage;
  beforeAll(async () => {
    prepared = await freshStorage(engine);
    statements = await freshStorage(engine);
  });
  afterAll(async () => {
    await prepared?.close();
    await statements?.close();
  });

  it("writes what the statements wrote: new keys prepared and sent, stored keys through the statements", async () => {
    const plain = withoutCopy(statements);
    const sent = { batches: 0, written: 0 };
    const counted = counting(prepared, sent);
    for (const [file, batches, written] of [
      [FIRST, 3, 3],
      [SECOND, 3, 2],
      [SECOND, 3, 0],
    ] as const) {
      sent.batches = 0;
      sent.written = 0;
      const a = await importCsv(counted, Readable.from([file]), opts());
      const b = await importCsv(plain, Readable.from([file]), opts());
      expect(a).toEqual(b);
      expect({ batches: sent.batches, written: sent.written }).toEqual({ batches, written });
      const got = await stored(prepared);
      expect(got).toEqual(await stored(statements));
    }
    const first = await importCsv(prepared, Readable.from([FIRST]), opts({ dryRun: true }));
    expect(first.merged).toBe(1);
    const { contacts, ids } = await stored(prepared);
    expect(contacts.find((c) => c["email"] === "bo@acme.io")).toMatchObject({
      last_name: "Back\\slash",
      attributes: { note: "later" },
    });
    // Every id distinct: 6 accounts, 11 contacts, 11 leads.
    expect(ids[0]?.["n"]).toBe(6 + 11 + 11);
  });

  it("rolls back what it copied when a later row fails the import", async () => {
    const before = await stored(prepared);
    const file = [
      "email,first_name,domain,stage,created_at",
      "new1@delta.example,N1,delta.example,new,2026-02-20T00:00:00Z",
      "new2@delta.example,N2,delta.example,new,2026-02-20T00:00:00Z",
      "new3@delta.example,N3,delta.example,new,2026-02-20T00:00:00Z",
      "new4@delta.example,N4,delta.example,new,2026-02-20T00:00:00Z",
      "new5@delta.example,N5,delta.example,not-a-stage,2026-02-20T00:00:00Z",
    ].join("\n");
    await expect(importCsv(prepared, Readable.from([file]), opts({ mapping: {} }))).rejects.toMatchObject({
      code: "WINNOW_ERR_IMPORT_INVALID_ROWS",
    });
    expect(await stored(prepared)).toEqual(before);
  });
});

import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImportOptions, importCsv } from "../src/app/import/index.ts";
import { WorkerRowReader } from "../src/app/import/read-in-worker.ts";
import { DEFAULT_LIFECYCLE_CONFIG } from "../src/core/lifecycle/config.ts";
import type { Storage } from "../src/storage/ports.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";
import { storedImport } from "./helpers/import-storage.ts";

// A leads batch prepared in the reader's worker leaves its rows in the worker, which hands them over
// only when the main thread finds a stored key, and lets them go otherwise (read-worker.ts). These
// hold the worker-read import to the in-thread one where the rows are asked for late: the last batch
// of a file (the worker has already said the file is read), several stored batches in a row, and an
// import that stops writing after an invalid row (the batches after it are let go, never written).

const opts = (extra: Partial<ImportOptions> = {}): ImportOptions => ({
  as: "leads",
  now: "2026-03-02T09:00:00.000Z",
  actor: "test",
  batchSize: 2,
  ...extra,
});

const HEADER = "email,first_name,domain,stage,created_at";
const row = (i: number, domain: string, stage = "new") =>
  `lead${i}@${domain},First${i},${domain},${stage},2026-02-${String(1 + (i % 28)).padStart(2, "0")}T10:00:00Z`;
// Six new leads over three domains.
const FIRST = [HEADER, ...[0, 1, 2, 3, 4, 5].map((i) => row(i, `d${i % 3}.example`))].join("\n");
// New, then stored keys in the last three batches (the very last one too), a first name changed.
const SECOND = [
  HEADER,
  row(10, "n1.example"),
  row(11, "n2.example"),
  row(0, "d0.example", "mql"),
  row(12, "n3.example"),
  row(1, "d1.example"),
  row(2, "d2.example"),
  `lead5@d2.example,Renamed,d2.example,sal,`,
].join("\n");

/** `rows` leads over `domains` domains named `prefix`N, with non-ASCII names; row `bad` has a bad stage. */
function largeFile(rows: number, bad: number, prefix: string, domains: number): string {
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) {
    const d = `${prefix}${i % domains}.example`;
    lines.push(
      i === bad ? `bad${i}@${d},Zoë${i},${d},nope,` : `lead${i}@${d},Zoë${i},${d},new,2026-02-01T10:00:00Z`,
    );
  }
  return `${lines.join("\n")}\n`;
}

describe.each(ENGINES)("rows of prepared leads batches kept in the reader's worker on %s", (engine) => {
  let worker: Storage;
  let inThread: Storage;
  beforeAll(async () => {
    worker = await freshStorage(engine);
    inThread = await freshStorage(engine);
  });
  afterAll(async () => {
    await worker?.close();
    await inThread?.close();
  });

  it("hands them over for stored keys, up to the file's last batch", async () => {
    for (const file of [FIRST, SECOND, SECOND]) {
      const a = await importCsv(worker, Readable.from([file]), opts({ readInWorker: true }));
      const b = await importCsv(inThread, Readable.from([file]), opts());
      expect(a).toEqual(b);
      expect(await storedImport(worker)).toEqual(await storedImport(inThread));
    }
    const last = await storedImport(worker);
    expect(last.contacts.find((c) => c["email"] === "lead5@d2.example")).toMatchObject({
      first_name: "Renamed",
    });
  });

  it("lets them go after an invalid row, and with --skip-invalid hands over the stored ones", async () => {
    const bad = [HEADER, row(20, "m1.example"), row(21, "m2.example"), "lead22@m3.example,X,m3.example,nope,"]
      .concat([23, 24, 25, 26, 0, 1].map((i) => row(i, i < 20 ? `d${i % 3}.example` : `m${i}.example`)))
      .join("\n");
    const before = await storedImport(worker);
    const failed = (o: Partial<ImportOptions>) =>
      importCsv(worker, Readable.from([bad]), opts(o)).then(
        () => null,
        (e: unknown) => e,
      );
    const a = await failed({ readInWorker: true });
    const b = await importCsv(inThread, Readable.from([bad]), opts()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(a).toMatchObject({ code: "WINNOW_ERR_IMPORT_INVALID_ROWS" });
    expect(a).toEqual(b);
    expect(await storedImport(worker)).toEqual(before);
    const skipped = await importCsv(
      worker,
      Readable.from([bad]),
      opts({ readInWorker: true, skipInvalid: true }),
    );
    expect(skipped).toEqual(await importCsv(inThread, Readable.from([bad]), opts({ skipInvalid: true })));
    expect(skipped.counts["contacts"]).toEqual({ created: 6, updated: 2, skipped: 0 });
    expect(await storedImport(worker)).toEqual(await storedImport(inThread));
  });

  it("reads a file handed over in parts of many source chunks (bytes or text, split mid-row and mid-character) as the in-thread reader does", async () => {
    // ~2.6 MB: more than two hand-overs of up to 1 MB, each gathered from chunks of 9,973 units.
    const text = largeFile(34_000, 33_000, "e", 700);
    const bytes = Buffer.from(text, "utf8");
    expect(bytes.length).toBeGreaterThan(2 * (1 << 20));
    const parts = Array.from({ length: Math.ceil(bytes.length / 9_973) }, (_, k) => k * 9_973);
    const asBytes = parts.map((at) => bytes.subarray(at, at + 9_973));
    const asText = parts.filter((at) => at < text.length).map((at) => text.slice(at, at + 9_973));
    // Some byte chunk ends inside the two bytes of "ë".
    expect(asBytes.some((c) => c.at(-1) === 0xc3)).toBe(true);
    const o = opts({ batchSize: 5_000, skipInvalid: true, dryRun: true });
    const b = await importCsv(inThread, Readable.from([text]), o);
    expect([b.rejected, b.rows]).toEqual([1, 34_000]);
    expect(b.issues[0]).toMatchObject({ line: 33_002 });
    for (const source of [asBytes, asText]) {
      const a = await importCsv(worker, Readable.from(source), { ...o, readInWorker: true });
      expect(a).toEqual(b);
    }
  });

  it("reads a file's ReadStream itself (this thread reads none of it), and a range of a file or a missing one as before", async () => {
    const dir = mkdtempSync(join(tmpdir(), "winnow-worker-file-"));
    try {
      const text = largeFile(30_000, 29_000, "f", 500);
      const path = join(dir, "leads.csv");
      writeFileSync(path, text);
      // The same rows after a prefix that a stream starting past it skips.
      const prefix = "not,a,csv,header\n";
      const ranged = join(dir, "ranged.csv");
      writeFileSync(ranged, prefix + text);
      const o = opts({ batchSize: 5_000, skipInvalid: true, dryRun: true });
      const b = await importCsv(inThread, Readable.from([text]), o);
      expect([b.rejected, b.rows]).toEqual([1, 30_000]);

      const whole = createReadStream(path);
      expect(await importCsv(worker, whole, { ...o, readInWorker: true })).toEqual(b);
      // Handed to the worker by its path: this thread's stream was closed unread.
      expect([whole.destroyed, whole.bytesRead]).toEqual([true, 0]);

      const part = createReadStream(ranged, { start: Buffer.byteLength(prefix) });
      expect(await importCsv(worker, part, { ...o, readInWorker: true })).toEqual(b);
      // A range is not the file: read here and handed over.
      expect(part.bytesRead).toBe(Buffer.byteLength(text));
      // Nor is a stream that decodes (its text is what the caller asked for).
      const decoded = createReadStream(path, { encoding: "utf8" });
      expect(await importCsv(worker, decoded, { ...o, readInWorker: true })).toEqual(b);
      expect(decoded.bytesRead).toBe(Buffer.byteLength(text));

      const missing = join(dir, "missing.csv");
      const failed = await importCsv(worker, createReadStream(missing), { ...o, readInWorker: true }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(failed).toBeInstanceOf(Error);
      expect((failed as Error).message).toContain(`ENOENT: no such file or directory, open '${missing}'`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("an all-or-nothing leads import read in a worker", () => {
  // Rows 0-19 valid, row 20 refused (stage "nope"), rows 21-40 valid: batches of 2.
  const valid = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, k) => row(from + k, `v${from + k}.example`));
  const file = [HEADER, ...valid(0, 20), "lead20@v20.example,X,v20.example,nope,", ...valid(21, 41)].join(
    "\n",
  );
  /** For each batch read: whether it came prepared, and whether it carried a rejected row. */
  const batches = async (allOrNothing: boolean) => {
    const reader = new WorkerRowReader(Readable.from([file]), {
      as: "leads",
      batchSize: 2,
      leads: {
        now: "2026-03-02T09:00:00.000Z",
        actor: "test",
        lifecycle: DEFAULT_LIFECYCLE_CONFIG,
        allOrNothing,
        historyByDefault: false,
      },
    });
    const seen: [boolean, boolean][] = [];
    try {
      for (let e = await reader.next(); e; e = await reader.next())
        // A prepared batch's rows stay in the worker (its `rows` are empty, `prepared.count` says how many).
        if (e.kind === "batch" && (e.prepared || e.rows.length > 0))
          seen.push([e.prepared !== undefined, e.rejects.length > 0]);
    } finally {
      reader.release();
    }
    return seen;
  };

  it("stops preparing batches at the first one with a rejected row (nothing after it is written), and with --skip-invalid prepares them all", async () => {
    const refused = await batches(true);
    const first = refused.findIndex(([, rejects]) => rejects);
    expect(first).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(first + 2);
    expect(refused.map(([prepared]) => prepared)).toEqual(refused.map((_, i) => i < first));
    const skipping = await batches(false);
    expect(skipping.map(([, rejects]) => rejects)).toEqual(refused.map(([, rejects]) => rejects));
    expect(skipping.every(([prepared]) => prepared)).toBe(true);
  });
});

// The import's CSV reader (src/app/import/csv-records.ts) against csv-parse itself (CsvParseRecords,
// the parser the import used before): the same records, the same line each ends on, the same bytes
// read, and the same syntax errors word for word, for tricky generated files cut into chunks at every
// byte (and every UTF-16 unit for text) as well as at random.
import { describe, expect, it } from "vitest";
import {
  CsvParseRecords,
  type CsvRecordSource,
  CsvRecords,
  csvRecordsFor,
  type Parsed,
} from "../src/app/import/csv-records.ts";
import { seededRandom } from "../src/core/model/random.ts";

type Outcome = { records: Parsed[]; error: { code: string; message: string; lines: number } | null };

/** Feeds `chunks` to a reader: every record given before an error, and the error. */
function feed(reader: CsvRecordSource, chunks: readonly (Uint8Array | string)[]): Outcome {
  const records: Parsed[] = [];
  try {
    for (const c of chunks) records.push(...reader.write(c));
    records.push(...reader.end());
    return { records, error: null };
  } catch (e) {
    const { code, message, lines } = e as { code: string; message: string; lines: number };
    return { records, error: { code, message, lines } };
  }
}

const plain = (o: Outcome) => ({
  records: o.records.map((r) => ({ record: [...r.record], lines: r.lines, bytes: r.bytes })),
  error: o.error,
});

/** csv-parse's records and error, fed one byte at a time (so no record is dropped before an error). */
function reference(bytes: Uint8Array): Outcome {
  const chunks = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  return plain(feed(new CsvParseRecords(), chunks));
}

/** Checks one chunking: without an error the same records; with one, the same error after a prefix of them. */
function expectSame(got: Outcome, ref: Outcome, what: string): void {
  const g = plain(got);
  if (ref.error === null) {
    expect(g, what).toEqual(ref);
    return;
  }
  expect(g.error, what).toEqual(ref.error);
  expect(g.records, what).toEqual(ref.records.slice(0, g.records.length));
}

const CELLS = [
  "",
  "a",
  "plain text",
  "é accent",
  "emoji 😀",
  '"quoted"',
  '"with, comma"',
  '"doubled "" quote"',
  '"line\nbreak"',
  '"crlf\r\ninside"',
  '"cr\ronly"',
  '""',
  '""""',
  " spaced ",
];
const BAD = ['ab"c', '"closed"x', '"unclosed', '"a"\r', '\uFEFF"b"', '"a" '];
const EOLS = ["\n", "\r\n", "\r"];

/** A small CSV: ragged rows, empty lines, a BOM, mixed line ends, now and then a syntax error. */
function tricky(seed: number, withErrors: boolean): string {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  const eol = pick(EOLS);
  let text = r() < 0.3 ? "\uFEFF" : "";
  const rows = 1 + Math.floor(r() * 6);
  for (let i = 0; i < rows; i++) {
    const n = 1 + Math.floor(r() * 4);
    const cells = Array.from({ length: n }, () => (withErrors && r() < 0.08 ? pick(BAD) : pick(CELLS)));
    text += cells.join(",");
    const x = r();
    text += x < 0.1 ? pick(EOLS) : eol; // now and then another line end
    if (r() < 0.15) text += eol; // an empty line
  }
  if (r() < 0.3) text = text.slice(0, -1); // no final line end (or half of a CRLF)
  return text;
}

const encode = (s: string) => new Uint8Array(Buffer.from(s));

describe("the import's CSV reader", () => {
  it("gives csv-parse's records, lines and bytes for every two-chunk split of tricky files", () => {
    let checked = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const text = tricky(seed, false);
      const bytes = encode(text);
      const ref = reference(bytes);
      expectSame(feed(new CsvRecords(), [bytes]), ref, `seed ${seed}, whole`);
      expectSame(feed(new CsvRecords(), [text]), ref, `seed ${seed}, as text`);
      for (let cut = 0; cut <= bytes.length; cut++) {
        expectSame(
          feed(new CsvRecords(), [bytes.subarray(0, cut), bytes.subarray(cut)]),
          ref,
          `seed ${seed}, bytes cut at ${cut}: ${JSON.stringify(text)}`,
        );
        checked += 1;
      }
      for (let cut = 0; cut <= text.length; cut++) {
        const parts = [text.slice(0, cut), text.slice(cut)];
        // A cut inside a surrogate pair makes two U+FFFD for both readers: compare with csv-parse fed the same text.
        const r = Buffer.concat(parts.map((p) => Buffer.from(p))).equals(Buffer.from(text))
          ? ref
          : plain(feed(new CsvParseRecords(), parts));
        expectSame(feed(new CsvRecords(), parts), r, `seed ${seed}, text cut at ${cut}`);
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it("reports csv-parse's syntax errors word for word, with their line, whatever the chunks", () => {
    let errors = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const text = tricky(seed, true);
      const bytes = encode(text);
      const ref = reference(bytes);
      if (ref.error) errors += 1;
      for (let cut = 0; cut <= bytes.length; cut++)
        expectSame(
          feed(new CsvRecords(), [bytes.subarray(0, cut), bytes.subarray(cut)]),
          ref,
          `seed ${seed}, cut at ${cut}: ${JSON.stringify(text)}`,
        );
      const r = seededRandom(seed);
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; ) {
        const n = 1 + Math.floor(r() * 7);
        chunks.push(bytes.subarray(i, i + n));
        i += n;
      }
      expectSame(feed(new CsvRecords(), chunks), ref, `seed ${seed}, random chunks`);
    }
    // Each kind of error is met.
    expect(errors).toBeGreaterThan(50);
  });

  it("meets each of csv-parse's three errors in the generated files", () => {
    const codes = new Set<string>();
    for (let seed = 1; seed <= 400; seed++) {
      const e = reference(encode(tricky(seed, true))).error;
      if (e) codes.add(e.code);
    }
    expect([...codes].sort()).toEqual([
      "CSV_INVALID_CLOSING_QUOTE",
      "CSV_QUOTE_NOT_CLOSED",
      "INVALID_OPENING_QUOTE",
    ]);
  });

  it("counts lines and bytes as csv-parse does in a larger file read in uneven chunks", () => {
    const r = seededRandom(99);
    let text = "email,name,notes\r\n";
    for (let i = 0; i < 3000; i++)
      text += `lead${i}@x.example,${r() < 0.1 ? '"Ann ""A"" é"' : `Name ${i}`},${r() < 0.05 ? '"two\r\nlines"' : "n"}\r\n`;
    const bytes = encode(text);
    const ref = plain(feed(new CsvParseRecords(), [bytes]));
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; ) {
      const n = 1 + Math.floor(r() * 5000);
      chunks.push(bytes.subarray(i, i + n));
      i += n;
    }
    expect(plain(feed(new CsvRecords(), chunks))).toEqual(ref);
    expect(ref.records).toHaveLength(3001);
  });

  it("reads a chunk larger than its pieces (64 kB) as csv-parse does, bytes or text, emoji at every cut", () => {
    const r = seededRandom(5);
    let text = "email,name,notes\n";
    while (text.length < 65_000) text += `a${text.length}@x.example,n,n\n`;
    // An emoji across the first piece's end: its high surrogate is the piece's last unit.
    text += `b@x.example,${"y".repeat(65_535 - text.length - "b@x.example,".length)}😀,n\n`;
    expect(text.charCodeAt(65_535)).toBe(0xd83d);
    for (let i = 0; text.length < 300_000; i++)
      text += `lead${i}@x.example,${r() < 0.3 ? "😀 Émile" : `Name ${i}`},${r() < 0.05 ? '"two\nlines, ""quoted"""' : "n"}\n`;
    const bytes = encode(text);
    const ref = plain(feed(new CsvParseRecords(), [bytes]));
    expect(plain(feed(new CsvRecords(), [bytes]))).toEqual(ref);
    expect(plain(feed(new CsvRecords(), [text]))).toEqual(ref);
    for (let shift = 0; shift < 4; shift++)
      expect(plain(feed(new CsvRecords(), [bytes.subarray(0, shift), bytes.subarray(shift)]))).toEqual(ref);
    expect(ref.records.length).toBeGreaterThan(8000);
  });

  it("reads a record spanning hundreds of chunks (a long quoted cell, an unclosed quote) as csv-parse does", () => {
    // The reader re-reads a cut record only once the unread text has doubled, not at every chunk:
    // the same records, lines, bytes and error, and the records before the long one come at once.
    const long = `"${'a ""b"" é\r\n'.repeat(20_000)}"`;
    const text = `email,notes\nx@a.example,short\ny@a.example,${long}\nz@a.example,after\n`;
    const bytes = encode(text);
    const ref = plain(feed(new CsvParseRecords(), [bytes]));
    expect(ref.records).toHaveLength(4);
    for (const input of [bytes, text]) {
      const reader = new CsvRecords();
      const chunks = Array.from({ length: Math.ceil(input.length / 1000) }, (_, i) =>
        input.slice(i * 1000, i * 1000 + 1000),
      );
      expect(reader.write(chunks[0] as Uint8Array | string).map((r) => r.record)).toEqual([
        ["email", "notes"],
        ["x@a.example", "short"],
      ]);
      expect(plain(feed(reader, chunks.slice(1))).records).toEqual(ref.records.slice(2));
      // ~280 chunks of the long record: read again each time the unread text doubled (~9), not ~280.
      expect(reader.rereads).toBeLessThan(20);
    }
    const unclosed = encode(`email,notes\nx@a.example,${long.slice(0, -1)}\nz@a.example,after\n`);
    const refErr = plain(feed(new CsvParseRecords(), [unclosed]));
    expect(refErr.error?.code).toBe("CSV_QUOTE_NOT_CLOSED");
    const chunks = Array.from({ length: Math.ceil(unclosed.length / 1000) }, (_, i) =>
      unclosed.subarray(i * 1000, i * 1000 + 1000),
    );
    expectSame(feed(new CsvRecords(), chunks), refErr, "unclosed quote in 1 kB chunks");
  });

  it("counts the file's bytes, not its text's, where bytes are not UTF-8 (read as U+FFFD, as csv-parse reads them)", () => {
    const r = seededRandom(7);
    const odd = [[0xe9], [0xff], [0xe2, 0x82], [0xc3], [0xf0, 0x9f, 0x98]]; // Latin-1, invalid, cut sequences
    for (let seed = 1; seed <= 60; seed++) {
      const parts: Buffer[] = [];
      for (const piece of tricky(seed, false).split(/(?<=,)/)) {
        parts.push(Buffer.from(piece));
        if (r() < 0.3) parts.push(Buffer.from(odd[Math.floor(r() * odd.length)] as number[]));
      }
      const bytes = new Uint8Array(Buffer.concat(parts));
      const ref = reference(bytes);
      for (let cut = 0; cut <= bytes.length; cut++)
        expectSame(
          feed(new CsvRecords(), [bytes.subarray(0, cut), bytes.subarray(cut)]),
          ref,
          `seed ${seed}, cut at ${cut}`,
        );
    }
  });

  it("leaves a UTF-16 file (BOM FF FE) to csv-parse, which reads it as UTF-16", () => {
    const bytes = new Uint8Array(
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("email\na@b.example\n", "utf16le")]),
    );
    const reader = csvRecordsFor(bytes);
    expect(reader).toBeInstanceOf(CsvParseRecords);
    expect(feed(reader, [bytes]).records.map((p) => p.record)).toEqual([["email"], ["a@b.example"]]);
    expect(csvRecordsFor(encode("email\n"))).toBeInstanceOf(CsvRecords);
  });
});

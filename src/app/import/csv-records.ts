// The import's CSV reader: the records of a file handed over chunk by chunk, each with the line it
// ends on and the bytes read up to its end, exactly as csv-parse gives them with the options the
// import uses (`bom`, `skip_empty_lines`, `relax_column_count`; `,` and `"`, the record delimiter
// found from the first line break outside quotes) and with csv-parse's three syntax errors, word for
// word. csv-parse pushes every byte through a general state machine (a third of the reader's CPU);
// here a line without a quote or a stray carriage return is cut with indexOf and split(","), and only
// the others go character by character. `CsvParseRecords` is csv-parse itself behind the same two
// calls: used for a UTF-16 file (its BOM makes csv-parse read the file as UTF-16) and by the tests,
// which hold this reader to it.
import { StringDecoder } from "node:string_decoder";
import { Parser } from "csv-parse";

/** A record of the file, the line it ends on (csv-parse's count), and the bytes read up to its end. */
export type Parsed = { readonly record: string[]; readonly lines: number; readonly bytes: number };

/** Records from chunks: `write` gives those a chunk completes, `end` the rest; both throw syntax errors. */
export interface CsvRecordSource {
  write(chunk: Uint8Array | string): Parsed[];
  end(): Parsed[];
}

/** A syntax error as csv-parse reports it: its message, its code and the line it counts. */
export class CsvSyntaxError extends Error {
  readonly code: string;
  readonly lines: number;
  constructor(code: string, message: string, lines: number) {
    super(message);
    this.code = code;
    this.lines = lines;
  }
}

const OPTIONS = { bom: true, skip_empty_lines: true, relax_column_count: true } as const;

type ParseApi = {
  parse(buf: Buffer | undefined, end: boolean, push: (r: string[]) => void, close: () => void): unknown;
  info: { lines: number; bytes: number };
};

/** csv-parse's own parser, called directly (no stream): the reference this file's reader is held to. */
export class CsvParseRecords implements CsvRecordSource {
  readonly #api = (new Parser(OPTIONS) as unknown as { api: ParseApi }).api;
  #out: Parsed[] = [];
  readonly #push = (record: string[]) => {
    this.#out.push({ record, lines: this.#api.info.lines, bytes: this.#api.info.bytes });
  };

  #run(buf: Buffer | undefined, end: boolean): Parsed[] {
    this.#out = [];
    const err = this.#api.parse(buf, end, this.#push, () => undefined);
    if (err !== undefined) throw err;
    return this.#out;
  }

  write(chunk: Uint8Array | string): Parsed[] {
    const buf =
      typeof chunk === "string"
        ? Buffer.from(chunk)
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    return this.#run(buf, false);
  }

  end(): Parsed[] {
    return this.#run(undefined, true);
  }
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** The record delimiter, found at the first line break outside quotes (csv-parse's discovery). */
const Delim = { Unknown: 0, Lf: 1, CrLf: 2, Cr: 3 } as const;
type Delim = (typeof Delim)[keyof typeof Delim];

/** Carriage returns and line feeds in text[from, to): each moves csv-parse's line count by one. */
function lineChars(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) n += 1;
  }
  return n;
}

/** The first byte of the character at text[i] in UTF-8 (csv-parse names the byte after a bad closing quote). */
function firstUtf8Byte(text: string, i: number): number {
  const c = text.codePointAt(i) ?? 0;
  if (c < 0x80) return c;
  if (c < 0x800) return 0xc0 | (c >> 6);
  if (c >= 0xd800 && c <= 0xdfff) return 0xef; // a lone surrogate is written as U+FFFD
  if (c < 0x10000) return 0xe0 | (c >> 12);
  return 0xf0 | (c >> 18);
}

/** How much of a chunk is read at a time (bytes, or UTF-16 units of text). */
const PIECE = 1 << 16;

const NEED_MORE = 0;
const EMPTY = 1;
const RECORD = 2;

/**
 * The import's CSV reader (see the top of the file). Text is kept from the start of the record being
 * read; a record cut by a chunk's end is read again, whole, from the next chunk on.
 */
export class CsvRecords implements CsvRecordSource {
  #decoder: StringDecoder | null = null;
  /** Unread text: #text[#pos] starts a record. */
  #text = "";
  #pos = 0;
  /** csv-parse's line count at #pos, and the file's bytes before it (a UTF-8 BOM included). */
  #lines = 1;
  #bytes = 0;
  /** #text holds only ASCII from #pos on (a character is a byte). */
  #ascii = true;
  /**
   * A file read as bytes: its bytes from #pos's on (#raw[#rawPos] is #text[#pos]'s first byte), for
   * counting a record's bytes in text that is not ASCII. Bytes that are not UTF-8 read as U+FFFD, as
   * csv-parse reads them, whose 3 bytes are not what the file held; line breaks are the same bytes in
   * both, so a record's bytes run to the line break that ends it.
   */
  #raw: Buffer | null = null;
  #rawPos = 0;
  #eof = false;
  #started = false;
  /**
   * A record cut by a chunk's end is read again, whole, once more text has come: only when the
   * unread text has reached #waitFor (twice what it was when the record was cut), so that a record
   * spanning many chunks (an unclosed quote early in a large file) is re-read O(log n) times, not
   * once per chunk. Meanwhile the chunks wait in #pendText / #pendRaw, not yet joined.
   */
  #waitFor = 0;
  #pendText: string[] = [];
  #pendRaw: Buffer[] = [];
  #pendLen = 0;
  #rereads = 0;
  /** How many times a record cut by a chunk's end was read again (a test holds it to O(log n)). */
  get rereads(): number {
    return this.#rereads;
  }
  #delim: Delim = Delim.Unknown;
  /** Where the next `"` and `\r` are in #text (text length when none): lines before both are cut quickly. */
  #nextQuote = 0;
  #nextCr = 0;
  // What the slow path found: a record's fields, the end of its delimiter, its line.
  #fields: string[] = [];
  #end = 0;
  #recLines = 0;

  write(chunk: Uint8Array | string): Parsed[] {
    if (chunk.length <= PIECE) return this.#write(chunk);
    // A large chunk (the worker's 1 MB parts) in pieces: each piece's text is a young object, not a
    // large one that lives until the next full collection (with 1 MB texts, peak RSS was ~45 MB higher).
    const out: Parsed[] = [];
    for (let i = 0; i < chunk.length; ) {
      let j = Math.min(i + PIECE, chunk.length);
      // Text is not cut between the two halves of a surrogate pair (each would become U+FFFD).
      if (typeof chunk === "string" && j < chunk.length && (chunk.charCodeAt(j - 1) & 0xfc00) === 0xd800)
        j -= 1;
      const piece = typeof chunk === "string" ? chunk.slice(i, j) : chunk.subarray(i, j);
      for (const r of this.#write(piece)) out.push(r);
      i = j;
    }
    return out;
  }

  #write(chunk: Uint8Array | string): Parsed[] {
    let text: string;
    if (typeof chunk === "string") {
      // Lone surrogates become U+FFFD, as csv-parse's Buffer.from(chunk) writes them (ES2024 methods).
      const s = chunk as string & { isWellFormed(): boolean; toWellFormed(): string };
      text = s.isWellFormed() ? chunk : s.toWellFormed();
    } else {
      this.#decoder ??= new StringDecoder("utf8");
      const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.#pendRaw.push(buf);
      text = this.#decoder.write(buf);
    }
    return this.#add(text, false);
  }

  end(): Parsed[] {
    return this.#add(this.#decoder?.end() ?? "", true);
  }

  #add(text: string, end: boolean): Parsed[] {
    this.#pendText.push(text);
    this.#pendLen += text.length;
    if (!end && this.#text.length - this.#pos + this.#pendLen < this.#waitFor) return [];
    let more = this.#pendText.length === 1 ? text : this.#pendText.join("");
    this.#pendText = [];
    this.#pendLen = 0;
    this.#waitFor = 0;
    if (this.#pendRaw.length > 0) {
      const raw = this.#raw;
      const parts = raw !== null && this.#rawPos < raw.length ? [raw.subarray(this.#rawPos)] : [];
      for (const b of this.#pendRaw) parts.push(b);
      this.#raw = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
      this.#rawPos = 0;
      this.#pendRaw = [];
    }
    if (!this.#started) {
      if (more.length === 0 && !end) return [];
      this.#started = true;
      if (more.charCodeAt(0) === 0xfeff) {
        this.#bytes = 3;
        if (this.#raw !== null) this.#rawPos += 3;
        more = more.slice(1);
      }
    }
    const rest = this.#pos < this.#text.length ? this.#text.slice(this.#pos) : "";
    const moreAscii = Buffer.byteLength(more) === more.length;
    this.#ascii = (rest.length === 0 || this.#ascii) && moreAscii;
    this.#text = rest.length === 0 ? more : rest + more;
    this.#pos = 0;
    this.#eof = end;
    this.#nextQuote = this.#find('"', 0);
    this.#nextCr = this.#find("\r", 0);
    return this.#read(end);
  }

  #find(ch: string, from: number): number {
    const i = this.#text.indexOf(ch, from);
    return i === -1 ? this.#text.length : i;
  }

  #read(end: boolean): Parsed[] {
    const out: Parsed[] = [];
    const text = this.#text;
    const len = text.length;
    for (;;) {
      const pos = this.#pos;
      if (pos >= len && !end) break;
      // A line with no quote and no carriage return (but the CRLF ending it): cut where it ends.
      if (this.#delim === Delim.Lf || this.#delim === Delim.CrLf) {
        const nl = text.indexOf("\n", pos);
        if (nl !== -1 && this.#nextQuote > nl) {
          const crlf = this.#delim === Delim.CrLf;
          const stop = crlf ? nl - 1 : nl;
          if (crlf ? stop >= pos && this.#nextCr === stop : this.#nextCr > nl) {
            if (crlf) this.#nextCr = this.#find("\r", nl + 1);
            if (stop > pos) {
              const bytes = this.#bytes + this.#advance(pos, nl + 1);
              out.push({ record: text.slice(pos, stop).split(","), lines: this.#lines, bytes });
              this.#bytes = bytes;
            } else this.#bytes += this.#advance(pos, nl + 1);
            this.#lines += 1;
            this.#pos = nl + 1;
            continue;
          }
        }
      }
      const r = this.#slow(pos, end);
      if (r === NEED_MORE) {
        this.#rereads += 1;
        this.#waitFor = 2 * (len - pos);
        break;
      }
      const bytes = this.#bytes + this.#advance(pos, this.#end);
      if (r === RECORD) out.push({ record: this.#fields, lines: this.#recLines, bytes });
      this.#bytes = bytes;
      this.#lines = this.#recLines + 1;
      this.#pos = this.#end;
      if (this.#nextQuote < this.#end) this.#nextQuote = this.#find('"', this.#end);
      if (this.#nextCr < this.#end) this.#nextCr = this.#find("\r", this.#end);
      if (this.#pos >= len) break;
    }
    return out;
  }

  /** The file's byte after the quote at text[q] (of the record at pos), which csv-parse names. */
  #byteAfter(pos: number, q: number): number {
    const raw = this.#raw;
    if (raw === null || this.#ascii) return firstUtf8Byte(this.#text, q + 1);
    // Quotes are the same bytes in the text and the file: the record's m-th quote is the m-th in both.
    let m = 0;
    for (let i = this.#text.indexOf('"', pos); i !== -1 && i <= q; i = this.#text.indexOf('"', i + 1)) m += 1;
    let at = this.#rawPos - 1;
    for (; m > 0; m--) at = raw.indexOf(QUOTE, at + 1);
    return raw[at + 1] ?? firstUtf8Byte(this.#text, q + 1);
  }

  /** The file's bytes of text[pos, end), a record read (its line break included). */
  #advance(pos: number, end: number): number {
    const raw = this.#raw;
    if (this.#ascii) {
      if (raw !== null) this.#rawPos += end - pos;
      return end - pos;
    }
    if (raw === null) return Buffer.byteLength(this.#text.slice(pos, end));
    let n: number;
    if (this.#eof && end >= this.#text.length) n = raw.length - this.#rawPos;
    else {
      // The record ends with the m-th line break of its kind from pos on: the same in the bytes.
      const x = this.#delim === Delim.Cr ? "\r" : "\n";
      let m = 0;
      for (let i = this.#text.indexOf(x, pos); i !== -1 && i < end; i = this.#text.indexOf(x, i + 1)) m += 1;
      let at = this.#rawPos - 1;
      for (; m > 0; m--) at = raw.indexOf(x.charCodeAt(0), at + 1);
      n = at + 1 - this.#rawPos;
    }
    this.#rawPos += n;
    return n;
  }

  /**
   * Whether a record delimiter starts at text[i] (a line break outside quotes), finding the file's
   * delimiter there if none is known yet: its length, 0 if none, -1 if the next chunk must say.
   */
  #delimiterAt(i: number, end: boolean): number {
    const text = this.#text;
    const c = text.charCodeAt(i);
    if (c !== LF && c !== CR) return 0;
    if (this.#delim === Delim.Unknown) {
      if (c === LF) this.#delim = Delim.Lf;
      else if (i + 1 >= text.length && !end) return -1;
      else this.#delim = text.charCodeAt(i + 1) === LF ? Delim.CrLf : Delim.Cr;
    }
    switch (this.#delim) {
      case Delim.Lf:
        return c === LF ? 1 : 0;
      case Delim.Cr:
        return c === CR ? 1 : 0;
      default:
        if (c !== CR) return 0;
        if (i + 1 >= text.length && !end) return -1;
        return text.charCodeAt(i + 1) === LF ? 2 : 0;
    }
  }

  /**
   * Reads the record at `pos` character by character (quoted cells, line breaks inside cells): sets
   * #fields, #end (after its delimiter) and #recLines (csv-parse's line count when it pushes the
   * record), or asks for more text, or throws csv-parse's syntax error.
   */
  #slow(pos: number, end: boolean): number {
    const text = this.#text;
    const len = text.length;
    const start = this.#lines;
    const fields: string[] = [];
    // csv-parse counts a line when it reads the character after a line break: at the end of the
    // file, the last character's is not counted yet.
    const atEof = (from: number) => start + lineChars(text, pos, Math.max(from, len - 1));
    let p = pos;
    for (;;) {
      if (p < len && text.charCodeAt(p) === QUOTE) {
        let value = "";
        let j = p + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q === -1) {
            if (!end) return NEED_MORE;
            const lines = atEof(pos);
            throw new CsvSyntaxError(
              "CSV_QUOTE_NOT_CLOSED",
              `Quote Not Closed: the parsing is finished with an opening quote at line ${lines}`,
              lines,
            );
          }
          value += text.slice(j, q);
          if (q + 1 >= len) {
            if (!end) return NEED_MORE;
            fields.push(value);
            this.#fields = fields;
            this.#end = len;
            this.#recLines = atEof(pos);
            return RECORD;
          }
          const c = text.charCodeAt(q + 1);
          if (c === QUOTE) {
            value += '"';
            j = q + 2;
            continue;
          }
          if (c === COMMA) {
            fields.push(value);
            p = q + 2;
            break;
          }
          const d = this.#delimiterAt(q + 1, end);
          if (d === -1) return NEED_MORE;
          if (d > 0) {
            fields.push(value);
            this.#fields = fields;
            this.#end = q + 1 + d;
            this.#recLines = start + lineChars(text, pos, q + 1);
            return RECORD;
          }
          const lines = start + lineChars(text, pos, q);
          throw new CsvSyntaxError(
            "CSV_INVALID_CLOSING_QUOTE",
            `Invalid Closing Quote: got "${String.fromCharCode(this.#byteAfter(pos, q))}" at line ${lines} instead of delimiter, record delimiter, trimable character (if activated) or comment`,
            lines,
          );
        }
        continue;
      }
      // An unquoted cell: up to a comma or the record delimiter; a quote inside it is an error.
      let k = p;
      for (; k < len; k++) {
        const c = text.charCodeAt(k);
        if (c === COMMA) break;
        if (c === QUOTE) {
          const lines = start + lineChars(text, pos, k);
          const field = text.slice(p, k);
          throw new CsvSyntaxError(
            "INVALID_OPENING_QUOTE",
            `Invalid Opening Quote: a quote is found on field ${fields.length} at line ${lines}, value is ${JSON.stringify(field)}${field === "\uFEFF" ? " (utf8 bom)" : ""}`,
            lines,
          );
        }
        if (c === LF || c === CR) {
          const d = this.#delimiterAt(k, end);
          if (d === -1) return NEED_MORE;
          if (d > 0) {
            this.#end = k + d;
            this.#recLines = start + lineChars(text, pos, k);
            if (k === p && fields.length === 0) return EMPTY;
            fields.push(text.slice(p, k));
            this.#fields = fields;
            return RECORD;
          }
        }
      }
      if (k >= len) {
        if (!end) return NEED_MORE;
        this.#end = len;
        this.#recLines = atEof(pos);
        if (k === p && fields.length === 0) return EMPTY;
        fields.push(text.slice(p, k));
        this.#fields = fields;
        return RECORD;
      }
      fields.push(text.slice(p, k));
      p = k + 1;
    }
  }
}

/** The reader for a file whose first bytes are these: csv-parse for UTF-16 (a BOM FF FE), else CsvRecords. */
export function csvRecordsFor(first: Uint8Array | string): CsvRecordSource {
  return typeof first !== "string" && first[0] === 0xff && first[1] === 0xfe
    ? new CsvParseRecords()
    : new CsvRecords();
}

// COPY's binary format (https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4): a
// signature and header, then per row a 16-bit field count and per field a 32-bit byte length (-1 for
// null) and the value in the type's binary "send" form, then a 16-bit -1. Each value arrives as the
// type's receive function reads it, so the database parses no text: no tab or backslash to look for,
// no digits or dates to read. For the rows an import copies (bulk-lead-batch.ts) this is 25-40% of
// PGlite's COPY time (docs/import.md).

/** "PGCOPY\n\377\r\n\0", then flags and header-extension length, both 0. */
const HEADER = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);

/** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in Unix milliseconds. */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4_294_967_296;

/** The columns' types a CopyBinary row writes, as PostgreSQL names them (checked against the catalog by a test). */
export type CopyType =
  | "text"
  | "integer"
  | "bigint"
  | "double precision"
  | "timestamp with time zone"
  | "jsonb";

/**
 * Rows in COPY's binary format, written as bytes while they are built into a scratch buffer that is
 * reused from take to take. A row is `row(n)` followed by exactly n
 * values. Values of the wrong kind for their column are refused here, before anything is sent.
 */
export class CopyBinary {
  #buf: Buffer;
  #at = 0;

  constructor(size = 1 << 16) {
    this.#buf = Buffer.allocUnsafe(size);
  }

  #room(n: number): void {
    if (this.#at + n <= this.#buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.#at + n, this.#buf.length * 2));
    this.#buf.copy(bigger, 0, 0, this.#at);
    this.#buf = bigger;
  }

  /** Starts a row of `fields` values (the first row also writes the header). */
  row(fields: number): void {
    if (this.#at === 0) {
      this.#room(HEADER.length);
      HEADER.copy(this.#buf, 0);
      this.#at = HEADER.length;
    }
    this.#room(2);
    this.#buf.writeInt16BE(fields, this.#at);
    this.#at += 2;
  }

  null(): void {
    this.#room(4);
    this.#buf.writeInt32BE(-1, this.#at);
    this.#at += 4;
  }

  /** A text value (null for null), as UTF-8; `prefix` bytes go before it (jsonb's version). */
  text(s: string | null, prefix = -1): void {
    if (s === null) {
      this.null();
      return;
    }
    const n = s.length;
    this.#room(5 + n * 3);
    const buf = this.#buf;
    const start = this.#at + 4;
    let at = start;
    if (prefix >= 0) buf[at++] = prefix;
    // ASCII byte by byte (most values, and cheaper than a call into the encoder for short ones);
    // the first other character hands the whole string to the encoder.
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[at + i] = c;
    }
    at += i < n ? buf.write(s, at, "utf8") : n;
    buf.writeInt32BE(at - start, this.#at);
    this.#at = at;
  }

  /** A jsonb value from its JSON text (version 1, then the text). */
  jsonb(json: string | null): void {
    this.text(json, 1);
  }

  /** An integer column (int4): a whole number from -2^31 to 2^31 - 1. */
  int4(n: number | null, column: string): void {
    if (n === null) {
      this.null();
      return;
    }
    if (!Number.isInteger(n) || n < -2_147_483_648 || n > 2_147_483_647)
      throw new RangeError(`${column}: ${n} is not a whole number from -2147483648 to 2147483647`);
    this.#room(8);
    this.#buf.writeInt32BE(4, this.#at);
    this.#buf.writeInt32BE(n, this.#at + 4);
    this.#at += 8;
  }

  /**
   * A bigint column's value, to be filled in later (zero until then): returns the offset of its 8 bytes
   * in the bytes `take` returns, for fillInt8.
   */
  int8Later(): number {
    this.#room(12);
    this.#buf.writeInt32BE(8, this.#at);
    this.#buf.fill(0, this.#at + 4, this.#at + 12);
    this.#at += 12;
    return this.#at - 8;
  }

  /** A double precision column: a finite number (others are null, as in the text format's copyValue). */
  float8(n: number | null): void {
    if (n === null || !Number.isFinite(n)) {
      this.null();
      return;
    }
    this.#room(12);
    this.#buf.writeInt32BE(8, this.#at);
    this.#buf.writeDoubleBE(n, this.#at + 4);
    this.#at += 12;
  }

  /** A timestamptz column from an ISO 8601 instant: microseconds since 2000-01-01 UTC, as an int64. */
  timestamptz(iso: string | null, column: string): void {
    if (iso === null) {
      this.null();
      return;
    }
    // Date.parse reads the ISO instants the import makes (storage takes no runtime code from core,
    // test/architecture.test.ts, so not core's faster reader of the canonical shape).
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) throw new RangeError(`${column}: "${iso}" is not an instant`);
    const us = (ms - PG_EPOCH_MS) * 1000;
    this.#room(12);
    const buf = this.#buf;
    buf.writeInt32BE(8, this.#at);
    if (Math.abs(us) <= Number.MAX_SAFE_INTEGER) {
      // Exact in a double: split into the two 32-bit halves of the int64.
      const hi = Math.floor(us / TWO_32);
      buf.writeInt32BE(hi, this.#at + 4);
      buf.writeUInt32BE(us - hi * TWO_32, this.#at + 8);
    } else buf.writeBigInt64BE(BigInt(ms - PG_EPOCH_MS) * 1000n, this.#at + 4);
    this.#at += 12;
  }

  /** Drops what was written since the last take (a row that failed half-way, say). */
  clear(): void {
    this.#at = 0;
  }

  /**
   * The rows written since the last take with the trailer, in an ArrayBuffer of their own (never a
   * slice of Node's shared pool, so it can be moved to another thread); empty when there were none.
   * The writer starts again empty.
   */
  take(): Buffer {
    if (this.#at === 0) return Buffer.allocUnsafeSlow(0);
    this.#room(2);
    this.#buf.writeInt16BE(-1, this.#at);
    this.#at += 2;
    const out = Buffer.allocUnsafeSlow(this.#at);
    this.#buf.copy(out, 0, 0, this.#at);
    this.#at = 0;
    return out;
  }
}

/**
 * Fills the values int8Later left: `first`, `first + 1`, ... at `offsets` in order, or `values[i]`
 * at `offsets[i]`. Each is a whole number from 1 to 2^53 - 1 (an identity's values; safe in a double).
 */
export function fillInt8(bytes: Uint8Array, offsets: Int32Array, first: number | readonly number[]): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < offsets.length; i++) {
    const n = typeof first === "number" ? first + i : first[i];
    if (n === undefined || !Number.isSafeInteger(n) || n < 1)
      throw new RangeError(
        `value ${i + 1} of ${offsets.length}: ${n} is not a whole number from 1 to 2^53 - 1`,
      );
    const at = offsets[i] as number;
    const hi = Math.floor(n / TWO_32);
    view.setUint32(at, hi);
    view.setUint32(at + 4, n - hi * TWO_32);
  }
}

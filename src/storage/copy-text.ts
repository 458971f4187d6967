// COPY's text format (https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2): one
// line per row, columns separated by tabs, `\N` for null, and backslash, tab, newline and carriage
// return escaped with a backslash. Used for the import's plain inserts (SqlClient.copyFrom).

const ESCAPES: Readonly<Record<string, string>> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

const SPECIAL = /[\\\t\n\r]/;

/** The text with backslash, tab, newline and carriage return escaped. */
function escaped(s: string): string {
  return SPECIAL.test(s) ? s.replace(/[\\\t\n\r]/g, (x) => ESCAPES[x] as string) : s;
}

/**
 * One value as COPY text reads it: null and undefined as `\N`, numbers that are not finite as `\N`
 * too (as JSON.stringify makes them null), booleans as `t`/`f`, objects as JSON (for jsonb columns).
 */
export function copyValue(v: unknown): string {
  if (v === null || v === undefined) return "\\N";
  if (typeof v === "string") return escaped(v);
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "\\N";
  if (typeof v === "boolean") return v ? "t" : "f";
  return escaped(JSON.stringify(v));
}

/** Rows (each the values of the same columns, in order) as one COPY text payload. */
export function copyText(rows: readonly (readonly unknown[])[]): string {
  let out = "";
  for (const row of rows) {
    let line = "";
    for (let i = 0; i < row.length; i++) line += (i === 0 ? "" : "\t") + copyValue(row[i]);
    out += `${line}\n`;
  }
  return out;
}

/** Lines gathered as one string before they are encoded: about 50 import rows. */
const PENDING_CHARS = 8192;

/**
 * COPY text written as UTF-8 bytes while it is built, a few dozen lines at a time, into a scratch
 * buffer that is reused: a payload built with `+=` and encoded at the end is a tree of thousands of
 * small strings that Buffer.from must walk and flatten, and that the garbage collector copies for as
 * long as it lives (measured: 5x the CPU of encoding as it goes).
 */
export class CopyBytes {
  #buf: Buffer;
  #at = 0;
  #pending = "";

  constructor(size = 1 << 16) {
    this.#buf = Buffer.allocUnsafe(size);
  }

  /** Adds one line (or several), each ending with "\n". */
  line(text: string): void {
    this.#pending += text;
    if (this.#pending.length >= PENDING_CHARS) this.#flush();
  }

  #flush(): void {
    const text = this.#pending;
    if (text.length === 0) return;
    this.#pending = "";
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    const need = this.#at + text.length * 3;
    if (need > this.#buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.#buf.length * 2));
      this.#buf.copy(bigger, 0, 0, this.#at);
      this.#buf = bigger;
    }
    this.#at += this.#buf.write(text, this.#at);
  }

  /**
   * The bytes written since the last take, in an ArrayBuffer of their own (never a slice of Node's
   * shared pool, so it can be moved to another thread); the writer starts again empty.
   */
  take(): Buffer {
    this.#flush();
    const out = Buffer.allocUnsafeSlow(this.#at);
    this.#buf.copy(out, 0, 0, this.#at);
    this.#at = 0;
    return out;
  }
}

import { canonicalInstantMs } from "../../core/scoring/prepare.ts";
import type { FieldType } from "./fields.ts";
import { normalize } from "./mapping.ts";

/** A coerced cell: the value (null when empty), or what is wrong with it. */
export type Coerced =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN = /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** `https://www.Acme.com/about` -> `acme.com`. */
export function cleanDomain(raw: string): string {
  // Already a bare name (no scheme, www., path, query or port): lower case is all the replaces below do.
  const lower = raw.trim().toLowerCase();
  if (!/[/?#:]/.test(lower) && !lower.startsWith("www.")) return lower;
  return raw
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, "")
    .replace(/^www\./, "")
    .replace(/[/?#:].*$/, "");
}

/** `$1,200.50`, `1 200`, `12%` -> numbers; ranges such as `51-200` (employee bands) take the lower bound. */
function parseNumber(raw: string): number | null {
  if (allDigits(raw)) return Number(raw);
  const band = /^\s*(\d[\d,]*)\s*[-–]\s*\d[\d,]*\s*$/.exec(raw);
  const text = (band?.[1] ?? raw).replace(/[\s,$€£¥%]/g, "").replace(/\+$/, "");
  if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return null;
  // 1e400 is no number a CRM holds (and JSON, which carries rows to the database, has no Infinity).
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** 1 to 15 ASCII digits: read as they are by every step of parseNumber. */
function allDigits(text: string): boolean {
  const n = text.length;
  if (n === 0 || n > 15) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Instants from CRM exports: ISO 8601 (with or without time zone: none means UTC), `YYYY-MM-DD HH:mm[:ss]`,
 * US dates `M/D/YYYY [h:mm [AM|PM]]` (Salesforce), and epoch milliseconds (HubSpot).
 */
export function parseInstant(raw: string): string | null {
  const v = readInstant(raw.trim());
  // Years 0001-9999: the database refuses year 0 (no such year) and ISO strings of years past 9999
  // (+010000-...), which used to end the import with the database's error instead of a rejected row.
  return v === null || v.charCodeAt(0) === 43 || v.charCodeAt(0) === 45 || v.startsWith("0000") ? null : v;
}

function readInstant(text: string): string | null {
  // The shape Winnow exports and most tools write (`2026-03-02T09:30:00Z`, `.000Z`, `+00:00`), read
  // digit by digit; it answers only for real dates, which the regular path below reads the same way.
  const fast = canonicalInstantMs(text);
  if (!Number.isNaN(fast)) {
    if (text.length === 24 && text.charCodeAt(23) === 90) return text;
    if (text.length === 20 && text.charCodeAt(19) === 90) return `${text.slice(0, 19)}.000Z`;
    return new Date(fast).toISOString();
  }
  if (/^\d{12,13}$/.test(text)) return new Date(Number(text)).toISOString();
  const iso =
    /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (iso) {
    const zone = iso[3]
      ? iso[3].toUpperCase() === "Z"
        ? "Z"
        : iso[3].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2")
      : "Z";
    const t = Date.parse(`${iso[1]}T${iso[2] ?? "00:00:00"}${zone}`);
    return Number.isNaN(t) || !sameDate(iso[1] as string, t, zone) ? null : new Date(t).toISOString();
  }
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/.exec(
    text,
  );
  if (us) {
    const [month, day, year] = [Number(us[1]), Number(us[2]), Number(us[3])];
    let hour = Number(us[4] ?? 0);
    const pm = us[7]?.toLowerCase() === "pm";
    if (us[7]) hour = (hour % 12) + (pm ? 12 : 0);
    const d = new Date(Date.UTC(year, month - 1, day, hour, Number(us[5] ?? 0), Number(us[6] ?? 0)));
    // Date.UTC reads years 0-99 as 1900-1999.
    if (year < 100) d.setUTCFullYear(year, month - 1, day);
    return d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? d.toISOString() : null;
  }
  return null;
}

/** Rejects 2026-02-30 (Date.parse would roll it over) when the instant is written in UTC. */
function sameDate(ymd: string, t: number, zone: string): boolean {
  return zone !== "Z" || new Date(t).toISOString().slice(0, 10) === ymd;
}

/** What is wrong with a cell, as a coercer returns it (a coerced value is never one of these). */
export class Invalid {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/** Results of a coercer for cells that repeat (domains, enums): cleared when it grows past this. */
const CACHE_LIMIT = 10_000;

/**
 * A function coercing the cells of one column: the value (null when empty) or an `Invalid`. The same
 * answers as `coerce`, without a result object per cell; enum and domain cells, which repeat, are
 * coerced once per distinct text.
 */
export function coercer(
  type: FieldType,
  valueMap?: Readonly<Record<string, string>>,
): (raw: string) => unknown {
  const once = (raw: string): unknown => coerceCell(raw, type, valueMap);
  if (type.kind !== "enum" && type.kind !== "domain") return once;
  const seen = new Map<string, unknown>();
  return (raw) => {
    let v = seen.get(raw);
    if (v === undefined) {
      if (seen.size >= CACHE_LIMIT) seen.clear();
      v = once(raw);
      seen.set(own(raw), typeof v === "string" ? own(v) : v);
    }
    return v;
  };
}

/**
 * A string with characters of its own. A cell the CSV reader cut from the file's text (split) is a
 * slice of it, and a slice kept alive keeps the whole text: the cache's 10,000 domains kept ~14 MB of
 * file text alive (peak RSS +45 MB at 1M rows). Only misses are copied (V8 slices from 13 characters).
 */
function own(s: string): string {
  return s.length < 13 ? s : ` ${s}`.slice(1);
}

/** Coerces one non-empty cell to the field's type, applying the preset's value map to enums. */
export function coerce(raw: string, type: FieldType, valueMap?: Readonly<Record<string, string>>): Coerced {
  const v = coerceCell(raw, type, valueMap);
  return v instanceof Invalid ? { ok: false, message: v.message } : { ok: true, value: v };
}

/** The largest value of an integer column (PostgreSQL's int4). */
const INT_MAX = 2_147_483_647;

function coerceCell(raw: string, type: FieldType, valueMap?: Readonly<Record<string, string>>): unknown {
  const text = raw.trim();
  if (text === "") return null;
  switch (type.kind) {
    case "text":
      return text;
    case "email": {
      const v = text.toLowerCase();
      return EMAIL.test(v) ? v : new Invalid(`"${text}" is not an email address`);
    }
    case "domain": {
      const v = cleanDomain(text);
      return DOMAIN.test(v) ? v : new Invalid(`"${text}" is not a domain name`);
    }
    case "int":
    case "number": {
      const n = parseNumber(text);
      if (n === null) return new Invalid(`"${text}" is not a number`);
      if (type.kind === "int" && !Number.isInteger(n)) return new Invalid(`"${text}" is not a whole number`);
      if (n < 0) return new Invalid(`"${text}" must not be negative`);
      // The column is an integer (PostgreSQL's int4): a larger number used to end the whole import
      // with the database's "out of range" error instead of this row's issue.
      return type.kind === "int" && n > INT_MAX
        ? new Invalid(`"${text}" is too large (at most ${INT_MAX})`)
        : n;
    }
    case "instant":
      return (
        parseInstant(text) ?? new Invalid(`"${text}" is not a date (use ISO 8601, e.g. 2026-03-02T09:30:00Z)`)
      );
    case "json": {
      try {
        const v: unknown = JSON.parse(text);
        if (v && typeof v === "object" && !Array.isArray(v)) return v;
      } catch {
        // reported below
      }
      return new Invalid("must be a JSON object");
    }
    case "enum": {
      const key = normalize(text);
      const mapped = valueMap?.[key] ?? type.values.find((v) => normalize(v) === key) ?? valueMap?.["*"];
      return mapped ? mapped : new Invalid(`"${text}" is not one of ${type.values.join(", ")}`);
    }
  }
}

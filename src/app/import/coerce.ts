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
  return raw
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, "")
    .replace(/^www\./, "")
    .replace(/[/?#:].*$/, "");
}

/** `$1,200.50`, `1 200`, `12%` -> numbers; ranges such as `51-200` (employee bands) take the lower bound. */
function parseNumber(raw: string): number | null {
  const band = /^\s*(\d[\d,]*)\s*[-–]\s*\d[\d,]*\s*$/.exec(raw);
  const text = (band?.[1] ?? raw).replace(/[\s,$€£¥%]/g, "").replace(/\+$/, "");
  if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return null;
  return Number(text);
}

/**
 * Instants from CRM exports: ISO 8601 (with or without time zone: none means UTC), `YYYY-MM-DD HH:mm[:ss]`,
 * US dates `M/D/YYYY [h:mm [AM|PM]]` (Salesforce), and epoch milliseconds (HubSpot).
 */
export function parseInstant(raw: string): string | null {
  const text = raw.trim();
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
    const t = Date.UTC(year, month - 1, day, hour, Number(us[5] ?? 0), Number(us[6] ?? 0));
    const d = new Date(t);
    return d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? d.toISOString() : null;
  }
  return null;
}

/** Rejects 2026-02-30 (Date.parse would roll it over) when the instant is written in UTC. */
function sameDate(ymd: string, t: number, zone: string): boolean {
  return zone !== "Z" || new Date(t).toISOString().slice(0, 10) === ymd;
}

/** Coerces one non-empty cell to the field's type, applying the preset's value map to enums. */
export function coerce(raw: string, type: FieldType, valueMap?: Readonly<Record<string, string>>): Coerced {
  const text = raw.trim();
  if (text === "") return { ok: true, value: null };
  switch (type.kind) {
    case "text":
      return { ok: true, value: text };
    case "email": {
      const v = text.toLowerCase();
      return EMAIL.test(v)
        ? { ok: true, value: v }
        : { ok: false, message: `"${text}" is not an email address` };
    }
    case "domain": {
      const v = cleanDomain(text);
      return DOMAIN.test(v)
        ? { ok: true, value: v }
        : { ok: false, message: `"${text}" is not a domain name` };
    }
    case "int":
    case "number": {
      const n = parseNumber(text);
      if (n === null) return { ok: false, message: `"${text}" is not a number` };
      if (type.kind === "int" && !Number.isInteger(n))
        return { ok: false, message: `"${text}" is not a whole number` };
      return n < 0 ? { ok: false, message: `"${text}" must not be negative` } : { ok: true, value: n };
    }
    case "instant": {
      const v = parseInstant(text);
      return v
        ? { ok: true, value: v }
        : { ok: false, message: `"${text}" is not a date (use ISO 8601, e.g. 2026-03-02T09:30:00Z)` };
    }
    case "json": {
      try {
        const v: unknown = JSON.parse(text);
        if (v && typeof v === "object" && !Array.isArray(v)) return { ok: true, value: v };
      } catch {
        // reported below
      }
      return { ok: false, message: "must be a JSON object" };
    }
    case "enum": {
      const key = normalize(text);
      const mapped = valueMap?.[key] ?? type.values.find((v) => normalize(v) === key) ?? valueMap?.["*"];
      return mapped
        ? { ok: true, value: mapped }
        : { ok: false, message: `"${text}" is not one of ${type.values.join(", ")}` };
    }
  }
}

import type { Attributes, Instant } from "../../core/records.ts";

/** A timestamp from either driver (Date) as an ISO instant; null stays null. */
export function iso(value: unknown): Instant {
  if (value instanceof Date) return value.toISOString();
  return new Date(String(value)).toISOString();
}

export function isoOrNull(value: unknown): Instant | null {
  return value === null || value === undefined ? null : iso(value);
}

export function str(value: unknown): string {
  return String(value);
}

export function strOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** jsonb arrives parsed on both drivers; tolerate a string just in case. */
export function json<T = unknown>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

export function attrs(value: unknown): Attributes {
  return (json<Attributes | null>(value) ?? {}) as Attributes;
}

/** A JSON value as a query parameter (bind with `$n::jsonb`). */
export function jsonParam(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** `text` with LIKE's wildcards (and the escape character) escaped, to match it literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (m) => `\\${m}`);
}

/** Lower-cased, trimmed; empty becomes null (emails and domains are matched this way). */
export function normalizeKey(value: string | null | undefined): string | null {
  const v = value?.trim().toLowerCase();
  return v ? v : null;
}

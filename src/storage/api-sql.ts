import type { Instant } from "../core/records.ts";
import type { SqlClient } from "./ports.ts";

/** The SQL slice the HTTP API's repositories use: the same one every repository is written against. */
export type ApiSql = SqlClient;

/** A timestamptz column as an ISO instant (drivers return Date objects, some configs strings). */
export function instant(value: Date | string): Instant {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function optionalInstant(value: Date | string | null): Instant | null {
  return value === null ? null : instant(value);
}

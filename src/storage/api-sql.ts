import type { Instant } from "../core/records.ts";

/**
 * The slice of a SQL client the HTTP API's repositories use: parameterised queries returning rows.
 * Both engines' clients (PGlite and node-postgres) have this shape.
 */
export type ApiSql = {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
};

/** A timestamptz column as an ISO instant (drivers return Date objects, some configs strings). */
export function instant(value: Date | string): Instant {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function optionalInstant(value: Date | string | null): Instant | null {
  return value === null ? null : instant(value);
}

import { type ErrorCode, isWinnowError, WinnowError } from "../core/errors.ts";

type DriverError = {
  code?: unknown;
  constraint?: unknown;
  detail?: unknown;
  message?: unknown;
  table?: unknown;
};

const BY_SQLSTATE: Readonly<Record<string, ErrorCode>> = {
  "23503": "WINNOW_ERR_REFERENCE_NOT_FOUND",
  "23505": "WINNOW_ERR_DUPLICATE",
  "23502": "WINNOW_ERR_CONSTRAINT",
  "23514": "WINNOW_ERR_CONSTRAINT",
  "22P02": "WINNOW_ERR_CONSTRAINT",
};

/**
 * Turns a driver error (PGlite and node-postgres both expose the SQLSTATE as `code`) into a
 * WinnowError with a registry code, keeping the original as `cause`. WinnowErrors pass through.
 */
export function toWinnowError(error: unknown): unknown {
  if (isWinnowError(error)) return error;
  const e = (error ?? {}) as DriverError;
  const state = typeof e.code === "string" ? e.code : "";
  if (state === "P0001" && typeof e.message === "string" && e.message.includes("append-only")) {
    return new WinnowError("WINNOW_ERR_HISTORY_APPEND_ONLY", { cause: error });
  }
  const code = BY_SQLSTATE[state];
  if (!code) return error;
  const detail = typeof e.detail === "string" ? e.detail : typeof e.message === "string" ? e.message : "";
  const constraint = typeof e.constraint === "string" ? e.constraint : null;
  return new WinnowError(code, {
    message: detail ? `${new WinnowError(code).message}: ${detail}` : undefined,
    details: { constraint, sqlstate: state },
    cause: error,
  });
}

/** Runs a driver call and rethrows its failure as a WinnowError when it is a known constraint error. */
export async function translated<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toWinnowError(error);
  }
}

import { ERRORS, type ErrorCode } from "../core/errors.ts";

/**
 * Exit codes of the `winnow` command. Error codes map here by their HTTP status class, so the CLI and
 * the API always agree on what kind of failure a code is. Documented in docs/errors.md.
 */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  invalidInput: 3,
  notFound: 4,
  conflict: 5,
  notImplemented: 6,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  const status = ERRORS[code].status;
  if (status === 400) return EXIT.usage;
  if (status === 404) return EXIT.notFound;
  if (status === 409) return EXIT.conflict;
  if (status === 501) return EXIT.notImplemented;
  if (status >= 400 && status < 500) return EXIT.invalidInput;
  return EXIT.internal;
}

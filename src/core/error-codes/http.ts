import type { ErrorTable } from "./types.ts";

/** Errors of the http area (every code must also be listed in docs/errors.md). */
export const HTTP_ERRORS = {} as const satisfies ErrorTable;

import type { ErrorTable } from "./types.ts";

/** Errors of the signals area (every code must also be listed in docs/errors.md). */
export const SIGNALS_ERRORS = {} as const satisfies ErrorTable;

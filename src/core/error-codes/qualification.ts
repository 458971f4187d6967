import type { ErrorTable } from "./types.ts";

/** Errors of the qualification area (every code must also be listed in docs/errors.md). */
export const QUALIFICATION_ERRORS = {} as const satisfies ErrorTable;

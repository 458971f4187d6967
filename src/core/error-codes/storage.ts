import type { ErrorTable } from "./types.ts";

/** Errors of the storage area (every code must also be listed in docs/errors.md). */
export const STORAGE_ERRORS = {} as const satisfies ErrorTable;

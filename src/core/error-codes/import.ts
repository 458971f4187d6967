import type { ErrorTable } from "./types.ts";

/** Errors of the import area (every code must also be listed in docs/errors.md). */
export const IMPORT_ERRORS = {} as const satisfies ErrorTable;

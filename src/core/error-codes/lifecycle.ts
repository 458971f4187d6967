import type { ErrorTable } from "./types.ts";

/** Errors of the lifecycle area (every code must also be listed in docs/errors.md). */
export const LIFECYCLE_ERRORS = {} as const satisfies ErrorTable;

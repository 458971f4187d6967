import type { ErrorTable } from "./types.ts";

/** Errors of the scoring area (every code must also be listed in docs/errors.md). */
export const SCORING_ERRORS = {} as const satisfies ErrorTable;

import type { ErrorTable } from "./types.ts";

/** Errors of the model area (every code must also be listed in docs/errors.md). */
export const MODEL_ERRORS = {} as const satisfies ErrorTable;

import type { ErrorTable } from "./types.ts";

/** Errors of the qualification area (every code must also be listed in docs/errors.md). */
export const QUALIFICATION_ERRORS = {
  WINNOW_ERR_FRAMEWORK_NOT_FOUND: { message: "There is no framework with that id", status: 404 },
  WINNOW_ERR_CRITERION_NOT_FOUND: { message: "The framework has no criterion with that id", status: 404 },
  WINNOW_ERR_LANGUAGE_NOT_AVAILABLE: {
    message: "Questions are not available in that language yet",
    status: 404,
  },
  WINNOW_ERR_INVALID_SCORECARD: { message: "The scorecard is not valid", status: 422 },
  WINNOW_ERR_INVALID_FRAMEWORK: { message: "The framework definition is not valid", status: 422 },
  WINNOW_ERR_INVALID_ICP: { message: "The ideal customer profile is not valid", status: 422 },
  WINNOW_ERR_INVALID_QUESTIONS: { message: "The question library is not valid", status: 422 },
} as const satisfies ErrorTable;

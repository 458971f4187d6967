import type { ErrorTable } from "./types.ts";

/** Errors any part of Winnow may raise. */
export const COMMON_ERRORS = {
  WINNOW_ERR_INTERNAL: { message: "Something went wrong inside Winnow", status: 500 },
  WINNOW_ERR_VALIDATION: { message: "The input is not valid", status: 422 },
  WINNOW_ERR_BAD_REQUEST: { message: "The request could not be understood", status: 400 },
  WINNOW_ERR_NOT_FOUND: { message: "Not found", status: 404 },
  WINNOW_ERR_CONFLICT: { message: "The resource was changed by someone else; reload and retry", status: 409 },
  WINNOW_ERR_FILE_NOT_FOUND: { message: "The file does not exist or cannot be read", status: 404 },
  WINNOW_ERR_INVALID_JSON: { message: "The file is not valid JSON", status: 422 },
  WINNOW_ERR_USAGE: { message: "The command was not used correctly", status: 400 },
  WINNOW_ERR_NOT_IMPLEMENTED: { message: "This part of Winnow is not built yet", status: 501 },
} as const satisfies ErrorTable;

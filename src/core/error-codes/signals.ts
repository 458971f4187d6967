import type { ErrorTable } from "./types.ts";

/** Errors of the signals area (every code must also be listed in docs/errors.md). */
export const SIGNALS_ERRORS = {
  WINNOW_ERR_SIGNALS_LANGUAGE: {
    message: "There is no signals language pack for that language",
    status: 404,
  },
  WINNOW_ERR_SIGNALS_INVALID_DATE: { message: "The note's date is not a valid YYYY-MM-DD date", status: 422 },
  WINNOW_ERR_SIGNALS_EMPTY_TEXT: { message: "There is no text to read", status: 422 },
  WINNOW_ERR_SIGNALS_TEXT_TOO_LONG: {
    message: "The text is too long to read in one go; split it",
    status: 413,
  },
  WINNOW_ERR_SIGNALS_PROVIDER: {
    message: "The language-model provider failed or answered badly",
    status: 502,
  },
} as const satisfies ErrorTable;

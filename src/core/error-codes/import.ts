import type { ErrorTable } from "./types.ts";

/** Errors of the import area (every code must also be listed in docs/errors.md). */
export const IMPORT_ERRORS = {
  WINNOW_ERR_IMPORT_INVALID_ROWS: {
    message: "Some rows of the file are not valid; nothing was imported",
    status: 422,
  },
  WINNOW_ERR_IMPORT_CSV: { message: "The file is not readable CSV", status: 422 },
  WINNOW_ERR_IMPORT_MAPPING: { message: "The column mapping is not valid for this file", status: 422 },
} as const satisfies ErrorTable;

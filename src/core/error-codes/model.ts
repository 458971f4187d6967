import type { ErrorTable } from "./types.ts";

/** Errors of the model area (every code must also be listed in docs/errors.md). */
export const MODEL_ERRORS = {
  WINNOW_ERR_MODEL_SPEC: { message: "The dataset spec does not match the data", status: 422 },
  WINNOW_ERR_MODEL_DATA: { message: "The training data cannot be used", status: 422 },
  WINNOW_ERR_MODEL_FILE: {
    message: "The model file is not a Winnow model this version can read",
    status: 422,
  },
  WINNOW_ERR_MODEL_LEARNER: { message: "Unknown learner", status: 400 },
} as const satisfies ErrorTable;

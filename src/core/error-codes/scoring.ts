import type { ErrorTable } from "./types.ts";

/** Errors of the scoring area (every code must also be listed in docs/errors.md). */
export const SCORING_ERRORS = {
  WINNOW_ERR_SCORING_MODEL_INVALID: { message: "The scoring model is not valid", status: 422 },
  WINNOW_ERR_SCORING_INPUT_INVALID: { message: "The leads to score are not valid", status: 422 },
  WINNOW_ERR_BACKTEST_RANGE: { message: "The backtest period is not valid", status: 400 },
  WINNOW_ERR_RESCORE_NOT_FOUND: { message: "This scoring model has no rescore job", status: 404 },
  WINNOW_ERR_RESCORE_NOT_DEFAULT: {
    message: "Only the default scoring model's scores are stored; make the model the default first",
    status: 409,
  },
} as const satisfies ErrorTable;

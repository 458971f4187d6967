import type { ErrorTable } from "./types.ts";

/** Errors of the scoring area (every code must also be listed in docs/errors.md). */
export const SCORING_ERRORS = {
  WINNOW_ERR_SCORING_MODEL_INVALID: { message: "The scoring model is not valid", status: 422 },
  WINNOW_ERR_SCORING_INPUT_INVALID: { message: "The leads to score are not valid", status: 422 },
  WINNOW_ERR_BACKTEST_RANGE: { message: "The backtest period is not valid", status: 400 },
} as const satisfies ErrorTable;

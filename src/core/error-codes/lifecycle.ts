import type { ErrorTable } from "./types.ts";

/** Errors of the lifecycle area (every code must also be listed in docs/errors.md). */
export const LIFECYCLE_ERRORS = {
  WINNOW_ERR_TRANSITION_NOT_ALLOWED: {
    message: "The lead cannot move from its current stage to that stage",
    status: 409,
  },
  WINNOW_ERR_REASON_REQUIRED: { message: "This move needs a reason", status: 422 },
  WINNOW_ERR_REASON_UNKNOWN: { message: "The reason is not one of the configured reasons", status: 422 },
  WINNOW_ERR_VERDICT_REQUIRED: {
    message: "This move needs a scorecard whose verdict allows it",
    status: 409,
  },
  WINNOW_ERR_SLA_ATTEMPTS_NOT_MET: {
    message: "Not enough contact attempts over enough days to call the lead unreachable",
    status: 409,
  },
  WINNOW_ERR_ENTRY_NOT_ALLOWED: {
    message: "The lead's entry path does not allow entering at that stage",
    status: 409,
  },
  WINNOW_ERR_RE_ENTRY_NOT_MET: {
    message: "The recycled lead does not meet its re-entry criteria yet",
    status: 409,
  },
  WINNOW_ERR_LIFECYCLE_CONFIG: { message: "The lifecycle configuration is not valid", status: 422 },
} as const satisfies ErrorTable;

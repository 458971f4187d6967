import type { ErrorTable } from "./types.ts";

/** Errors of the storage area (every code must also be listed in docs/errors.md). */
export const STORAGE_ERRORS = {
  WINNOW_ERR_DB_UNAVAILABLE: { message: "The database cannot be opened or reached", status: 503 },
  WINNOW_ERR_MIGRATION_FAILED: { message: "A database migration failed; nothing was applied", status: 500 },
  WINNOW_ERR_MIGRATION_MISMATCH: {
    message: "The database was migrated by a different version of Winnow (a migration changed or is unknown)",
    status: 500,
  },
  WINNOW_ERR_STALE_WRITE: {
    message: "The record was changed by someone else since you read it; reload and retry",
    status: 409,
  },
  WINNOW_ERR_DUPLICATE: { message: "A record with the same unique key already exists", status: 409 },
  WINNOW_ERR_EVENT_KEY_CONFLICT: {
    message:
      "An event with this idempotency key is already stored with a different lead, type, time or properties",
    status: 409,
  },
  WINNOW_ERR_REFERENCE_NOT_FOUND: {
    message: "The record refers to another record that does not exist",
    status: 422,
  },
  WINNOW_ERR_CONSTRAINT: { message: "The record breaks a rule of the database schema", status: 422 },
  WINNOW_ERR_HISTORY_APPEND_ONLY: {
    message: "History is append-only: entries cannot be changed or deleted",
    status: 409,
  },
  WINNOW_ERR_LEAD_NOT_FOUND: { message: "The lead does not exist", status: 404 },
  WINNOW_ERR_ACCOUNT_NOT_FOUND: { message: "The account does not exist", status: 404 },
  WINNOW_ERR_CONTACT_NOT_FOUND: { message: "The contact does not exist", status: 404 },
  WINNOW_ERR_DEAL_NOT_FOUND: { message: "The deal does not exist", status: 404 },
  WINNOW_ERR_SCORING_MODEL_NOT_FOUND: { message: "The scoring model does not exist", status: 404 },
  WINNOW_ERR_INVALID_CURSOR: { message: "The page cursor is not valid for this query", status: 400 },
} as const satisfies ErrorTable;

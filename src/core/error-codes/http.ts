import type { ErrorTable } from "./types.ts";

/** Errors of the http area (every code must also be listed in docs/errors.md). */
export const HTTP_ERRORS = {
  WINNOW_ERR_UNAUTHORIZED: {
    message: "An API key is required: send `Authorization: Bearer <key>`",
    status: 401,
  },
  WINNOW_ERR_FORBIDDEN: { message: "This API key's role may not do that", status: 403 },
  WINNOW_ERR_ROUTE_NOT_FOUND: { message: "No such route", status: 404 },
  WINNOW_ERR_METHOD_NOT_ALLOWED: { message: "The route does not accept this method", status: 405 },
  WINNOW_ERR_PAYLOAD_TOO_LARGE: { message: "The request body is too large", status: 413 },
  WINNOW_ERR_UNSUPPORTED_MEDIA_TYPE: { message: "Send the body as application/json", status: 415 },
  WINNOW_ERR_RATE_LIMITED: {
    message: "Too many requests; retry after the time in the Retry-After header",
    status: 429,
  },
  WINNOW_ERR_IDEMPOTENCY_KEY_REUSED: {
    message: "This Idempotency-Key was already used for a different request; use a new key",
    status: 422,
  },
  WINNOW_ERR_IDEMPOTENCY_IN_PROGRESS: {
    message: "A request with this Idempotency-Key is still being processed; retry shortly",
    status: 409,
  },
  WINNOW_ERR_NOT_READY: { message: "The server is not ready: the database cannot be reached", status: 503 },
} as const satisfies ErrorTable;

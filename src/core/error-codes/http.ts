import type { ErrorTable } from "./types.ts";

/** Errors of the http area (every code must also be listed in docs/errors.md). */
export const HTTP_ERRORS = {
  WINNOW_ERR_UNAUTHORIZED: {
    message: "Sign in, or send an API key: `Authorization: Bearer <key>`",
    status: 401,
  },
  WINNOW_ERR_FORBIDDEN: { message: "This role may not do that", status: 403 },
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
  WINNOW_ERR_SIGN_IN_FAILED: { message: "The email or password is not right", status: 401 },
  WINNOW_ERR_SIGN_IN_LOCKED: {
    message: "Too many failed sign-ins for this email; wait and try again (see Retry-After)",
    status: 429,
  },
  WINNOW_ERR_CSRF: {
    message:
      "A signed-in browser request that changes data must send the X-Winnow-CSRF header it got at sign-in",
    status: 403,
  },
  WINNOW_ERR_EMAIL_TAKEN: { message: "A user with this email already exists", status: 409 },
  WINNOW_ERR_LAST_ADMIN: {
    message: "This would leave no enabled admin user; make another admin first",
    status: 409,
  },
  WINNOW_ERR_INVITE_INVALID: {
    message: "The invite or reset token is unknown, already used or expired; ask an admin for a new one",
    status: 400,
  },
  WINNOW_ERR_REMOTE: {
    message: "The Winnow server (--url) could not be reached or did not answer as a Winnow server",
    status: 502,
  },
  WINNOW_ERR_NOT_READY: { message: "The server is not ready: the database cannot be reached", status: 503 },
} as const satisfies ErrorTable;

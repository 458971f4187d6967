import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { ERRORS, type ErrorCode, type Issue, isWinnowError } from "../core/errors.ts";

/**
 * The one error handler of the API: every failure leaves as `application/problem+json` (RFC 9457)
 * with the Winnow error `code`, and `issues` (field paths such as `body.email`) when the input was
 * at fault. Unexpected errors are logged and answered with WINNOW_ERR_INTERNAL, never a stack.
 */
export type Problem = {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly code: ErrorCode;
  readonly issues?: readonly Issue[];
  readonly details?: Readonly<Record<string, unknown>>;
};

export const PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8";

export function problemType(code: ErrorCode): string {
  return `urn:winnow:error:${code}`;
}

export function problemOf(
  code: ErrorCode,
  instance: string,
  detail?: string,
  issues?: readonly Issue[],
  details?: Readonly<Record<string, unknown>>,
): Problem {
  const spec = ERRORS[code];
  return {
    type: problemType(code),
    title: spec.message,
    status: spec.status,
    detail: detail ?? spec.message,
    instance,
    code,
    ...(issues && issues.length > 0 ? { issues } : {}),
    ...(details && Object.keys(details).length > 0 ? { details } : {}),
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** `/body/contacts/0/email` from the validator → `body.contacts.0.email`. */
function fieldPath(context: string | undefined, instancePath: string): string {
  const rest = instancePath.split("/").filter(Boolean).join(".");
  const where = context === "querystring" ? "query" : (context ?? "body");
  return rest ? `${where}.${rest}` : where;
}

const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "WINNOW_ERR_PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "WINNOW_ERR_UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "WINNOW_ERR_BAD_REQUEST",
  FST_ERR_CTP_EMPTY_JSON_BODY: "WINNOW_ERR_BAD_REQUEST",
  FST_ERR_CTP_INVALID_JSON_BODY: "WINNOW_ERR_BAD_REQUEST",
};

function isZodError(error: unknown): error is { issues: { path: PropertyKey[]; message: string }[] } {
  return (
    error instanceof Error &&
    error.name === "ZodError" &&
    Array.isArray((error as { issues?: unknown }).issues)
  );
}

/** Maps any thrown value to a problem. Exposed for tests and for the not-found handler. */
export function toProblem(error: unknown, instance: string): Problem {
  if (isWinnowError(error))
    return problemOf(error.code, instance, error.message, error.issues, error.details);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as { validationContext?: string }).validationContext;
    const issues = error.validation.map((v) => ({
      path: fieldPath(context, v.instancePath),
      message: v.message ?? "is not valid",
    }));
    return problemOf("WINNOW_ERR_VALIDATION", instance, "The request is not valid; see issues", issues);
  }
  if (isZodError(error)) {
    const issues = error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
    return problemOf("WINNOW_ERR_VALIDATION", instance, "The input is not valid; see issues", issues);
  }
  const fe = error as Partial<FastifyError>;
  if (fe.statusCode === 429) return problemOf("WINNOW_ERR_RATE_LIMITED", instance);
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) return problemOf(mapped, instance, fe.message);
  if (fe.validation) {
    const issues = fe.validation.map((v) => ({
      path: fieldPath(fe.validationContext, v.instancePath),
      message: v.message ?? "is not valid",
    }));
    return problemOf("WINNOW_ERR_VALIDATION", instance, "The request is not valid; see issues", issues);
  }
  if (typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
    return problemOf("WINNOW_ERR_BAD_REQUEST", instance, fe.message);
  }
  return problemOf("WINNOW_ERR_INTERNAL", instance);
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = toProblem(error, request.url);
  if (problem.status >= 500 || (error instanceof Error && isResponseSerializationError(error))) {
    request.log.error({ err: error }, "request failed");
  }
  if (problem.code === "WINNOW_ERR_RATE_LIMITED") {
    const retry = reply.getHeader("retry-after");
    if (retry !== undefined) reply.header("retry-after", retry);
  }
  return sendProblem(reply, problem);
}

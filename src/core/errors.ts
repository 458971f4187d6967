import { COMMON_ERRORS } from "./error-codes/common.ts";
import { HTTP_ERRORS } from "./error-codes/http.ts";
import { IMPORT_ERRORS } from "./error-codes/import.ts";
import { LIFECYCLE_ERRORS } from "./error-codes/lifecycle.ts";
import { MODEL_ERRORS } from "./error-codes/model.ts";
import { QUALIFICATION_ERRORS } from "./error-codes/qualification.ts";
import { SCORING_ERRORS } from "./error-codes/scoring.ts";
import { SIGNALS_ERRORS } from "./error-codes/signals.ts";
import { STORAGE_ERRORS } from "./error-codes/storage.ts";
import type { ErrorSpec } from "./error-codes/types.ts";

/**
 * The single registry of error codes. Each area keeps its own table (so that parallel work does not
 * collide in one file); they are merged here and nowhere else. HTTP maps `status` to a response, the
 * CLI maps it to an exit code; docs/errors.md lists every code (a test checks).
 */
export const ERRORS = {
  ...COMMON_ERRORS,
  ...QUALIFICATION_ERRORS,
  ...LIFECYCLE_ERRORS,
  ...SCORING_ERRORS,
  ...STORAGE_ERRORS,
  ...IMPORT_ERRORS,
  ...HTTP_ERRORS,
  ...MODEL_ERRORS,
  ...SIGNALS_ERRORS,
} as const satisfies Readonly<Record<string, ErrorSpec>>;

export type ErrorCode = keyof typeof ERRORS;
export type { ErrorSpec };

/**
 * Where a piece of bad input is: a JSON/field path (`evidence.budget.state`), and for files the
 * 1-based line and column. Every validation error carries a list of these.
 */
export type Issue = {
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
};

export type WinnowErrorOptions = {
  readonly message?: string;
  readonly issues?: readonly Issue[];
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
};

/**
 * The one exception class of Winnow. Expected outcomes are values (`{ ok: false, error }`); this is
 * for failures that abort the operation.
 *
 * @example
 * throw new WinnowError("WINNOW_ERR_NOT_FOUND", { message: "Lead 42 does not exist" });
 */
export class WinnowError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues: readonly Issue[];
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, options: WinnowErrorOptions = {}) {
    super(
      options.message ?? ERRORS[code].message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "WinnowError";
    this.code = code;
    this.status = ERRORS[code].status;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
  }
}

/** True when `value` is a WinnowError (works across module copies, e.g. in tests). */
export function isWinnowError(value: unknown): value is WinnowError {
  return (
    value instanceof Error && value.name === "WinnowError" && typeof (value as WinnowError).code === "string"
  );
}

/** Renders issues one per line: `evidence.budget.state: must be one of ...` (with line/column when known). */
export function formatIssues(issues: readonly Issue[]): string {
  return issues
    .map((i) => {
      const where =
        i.line === undefined
          ? i.path
          : `line ${i.line}${i.column === undefined ? "" : `, column ${i.column}`}${i.path ? ` (${i.path})` : ""}`;
      return `${where || "(root)"}: ${i.message}`;
    })
    .join("\n");
}

import { z } from "zod";

/** A value a condition compares against: attributes are flat JSON scalars. */
export type Scalar = string | number | boolean | null;

/**
 * A test on one field of the lead's records (fit rules) or of an event's properties (engagement
 * rules), or a combination of tests. Exactly one operator per object.
 *
 * @example
 * const c: Condition = { all: [{ field: "account.industry", in: ["software", "fintech"] }, { field: "account.employees", range: { min: 200 } }] };
 */
export type Condition =
  | { readonly field: string; readonly equals: Scalar }
  | { readonly field: string; readonly in: readonly Scalar[] }
  | { readonly field: string; readonly range: { readonly min?: number; readonly max?: number } }
  | { readonly field: string; readonly pattern: string }
  | { readonly field: string; readonly exists: boolean }
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition };

export const CONDITION_OPERATORS = [
  "equals",
  "in",
  "range",
  "pattern",
  "exists",
  "all",
  "any",
  "not",
] as const;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const field = z.string().min(1, "must name a field, e.g. account.industry");

// One strict schema per operator: choosing it by the operator key (instead of a plain union) keeps
// error messages about the operator the author meant, not "no union member matched".
const leafSchemas = {
  equals: z.strictObject({ field, equals: scalar }),
  in: z.strictObject({ field, in: z.array(scalar).min(1, "must list at least one value") }),
  range: z.strictObject({
    field,
    range: z
      .strictObject({ min: z.number().optional(), max: z.number().optional() })
      .refine((r) => r.min !== undefined || r.max !== undefined, "give min, max or both")
      .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, "min must not exceed max"),
  }),
  pattern: z.strictObject({
    field,
    pattern: z.string().refine((p) => {
      try {
        new RegExp(p, "i");
        return true;
      } catch {
        return false;
      }
    }, "is not a valid regular expression"),
  }),
  exists: z.strictObject({ field, exists: z.boolean() }),
} as const;

/**
 * Zod schema of a {@link Condition}. Dispatches on the operator key so that each mistake is reported
 * at its own path (`fit.rules.3.when.all.1.range.min`).
 */
export const conditionSchema: z.ZodType<Condition> = z.unknown().superRefine((value, ctx) => {
  checkCondition(value, [], ctx);
}) as unknown as z.ZodType<Condition>;

function checkCondition(value: unknown, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    ctx.addIssue({
      code: "custom",
      path,
      message: `must be a condition object with one of: ${CONDITION_OPERATORS.join(", ")}`,
    });
    return;
  }
  const ops = CONDITION_OPERATORS.filter((op) => op in value);
  if (ops.length !== 1) {
    ctx.addIssue({
      code: "custom",
      path,
      message:
        ops.length === 0
          ? `needs one operator: ${CONDITION_OPERATORS.join(", ")}${unknownKeys(value)}`
          : `has several operators (${ops.join(", ")}); combine them with all/any`,
    });
    return;
  }
  const op = ops[0]!;
  const record = value as Record<string, unknown>;
  if (op === "all" || op === "any") {
    const extra = Object.keys(record).filter((k) => k !== op);
    for (const k of extra) ctx.addIssue({ code: "custom", path: [...path, k], message: "unknown field" });
    const list = record[op];
    if (!Array.isArray(list) || list.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: [...path, op],
        message: "must be a non-empty list of conditions",
      });
      return;
    }
    list.forEach((c, i) => {
      checkCondition(c, [...path, op, i], ctx);
    });
    return;
  }
  if (op === "not") {
    for (const k of Object.keys(record).filter((k) => k !== "not"))
      ctx.addIssue({ code: "custom", path: [...path, k], message: "unknown field" });
    checkCondition((value as { not?: unknown }).not, [...path, "not"], ctx);
    return;
  }
  const parsed = leafSchemas[op].safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const k of issue.keys)
          ctx.addIssue({
            code: "custom",
            path: [...path, ...issue.path.map(String), k],
            message: "unknown field",
          });
      } else {
        ctx.addIssue({
          code: "custom",
          path: [...path, ...issue.path.map((p) => (typeof p === "number" ? p : String(p)))],
          message: issue.message,
        });
      }
    }
  }
}

function unknownKeys(value: object): string {
  const unknown = Object.keys(value).filter((k) => k !== "field");
  return unknown.length ? ` (unknown: ${unknown.join(", ")})` : "";
}

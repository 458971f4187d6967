import { z } from "zod";

/** The problem+json body every error response has (documented once, referenced by routes). */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: z.string(),
    issues: z
      .array(
        z.object({
          path: z.string(),
          message: z.string(),
          line: z.number().optional(),
          column: z.number().optional(),
        }),
      )
      .optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: "Problem" });

export const IdParams = z.object({ id: z.string().min(1).max(200) });

/** Error responses every authenticated route may give. */
export const AUTH_ERRORS = { 401: ProblemSchema, 403: ProblemSchema, 429: ProblemSchema } as const;

/** A list query parameter: `stage=mql,sal` or `stage=mql&stage=sal` (both read the same). */
export const csvStrings = z.union([z.string(), z.array(z.string())]).transform((s) =>
  (Array.isArray(s) ? s : [s])
    .flatMap((x) => x.split(","))
    .map((x) => x.trim())
    .filter(Boolean),
);

/** A list query parameter whose items must be among `values`. */
export const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  csvStrings.pipe(z.array(z.enum(values)));

/** A page of a list paginated by cursor. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() });

/** The `cursor` query parameter of a list paginated by cursor; `alsoFrom` names where else one comes from. */
export const cursorParam = (alsoFrom?: string) =>
  z
    .string()
    .min(1)
    .max(1000)
    .optional()
    .describe(`\`nextCursor\` of the previous page${alsoFrom ? `, or ${alsoFrom}` : ""}`);

import { z } from "zod";

/** A dataset.json: which file, which columns are what, which strings mean missing, and the target. */
export const DatasetSpecSchema = z.object({
  name: z.string().min(1),
  title: z.string().optional(),
  file: z.string().min(1).optional(),
  delimiter: z.string().length(1).default(","),
  target: z
    .object({
      column: z.string().min(1),
      positive: z.string(),
      /** Free text; the form "1 when <column> appears in <file.csv>, else 0" is understood. */
      derived: z.string().optional(),
    })
    .optional(),
  drop: z.array(z.string()).default([]),
  categorical: z.array(z.string()).default([]),
  numeric: z.array(z.string()).default([]),
  date: z.array(z.string()).default([]),
  boolean: z.array(z.string()).default([]),
  missing: z.array(z.string()).default([""]),
  /** Optional: a column holding the deal value (used by ICP discovery). */
  value: z.string().optional(),
});

export type DatasetSpec = z.infer<typeof DatasetSpecSchema>;

const DERIVED_RE = /^1 when (\S+) appears in (\S+?\.csv), else 0$/;

/** The membership rule of a derived target, or undefined when the text is not of the understood form. */
export function parseDerivedTarget(
  text: string,
): { readonly key: string; readonly file: string } | undefined {
  const m = DERIVED_RE.exec(text.trim());
  return m ? { key: m[1]!, file: m[2]! } : undefined;
}

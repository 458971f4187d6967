import type { z } from "zod";
import type { Issue } from "../errors.ts";

/** Dotted JSON path of a zod issue path: `evidence.budget.state`, `criteria.2.elements.0`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join(".");
}

/**
 * Turns zod issues into Winnow issues, one per problem, each naming the path at fault. Unknown keys
 * become one issue per key whose path includes the key, so `evidence.buget` says which key is wrong.
 */
export function issuesFromZod(
  error: z.ZodError,
  hints: { readonly unknownKey?: (path: string) => string } = {},
): Issue[] {
  const out: Issue[] = [];
  for (const issue of error.issues) {
    const base = jsonPath(issue.path);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const path = base ? `${base}.${key}` : key;
        out.push({ path, message: hints.unknownKey?.(base) ?? "unknown field" });
      }
    } else if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) {
      out.push({
        path: base,
        message: `required (${issue.message.replace(/^Invalid input: /, "").replace(/, received undefined$/, "")})`,
      });
    } else {
      out.push({ path: base, message: issue.message });
    }
  }
  return out;
}

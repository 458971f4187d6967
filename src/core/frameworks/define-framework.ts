import { z } from "zod";
import type { Issue } from "../errors.ts";
import { ELEMENT_IDS, ELEMENT_INFO, LEVELS } from "../qualification/elements.ts";
import { issuesFromZod } from "../qualification/zod-issues.ts";
import { err, ok, type Result } from "../result.ts";
import { deepFreeze, getFramework } from "./registry.ts";
import { type Criterion, type Framework, QUALIFIER_OUTCOMES } from "./types.ts";

const ID = /^[a-z0-9][a-z0-9_-]*$/;

const ruleSchema = z.strictObject({
  combine: z.enum(["all", "any"]).optional(),
  minState: z.enum(["claimed", "verified"]).optional(),
  qualifiers: z
    .partialRecord(z.enum(ELEMENT_IDS), z.record(z.string(), z.enum(QUALIFIER_OUTCOMES)))
    .optional(),
  horizonDays: z.number().int().positive().optional(),
});

const criterionSchema = z.strictObject({
  id: z.string().regex(ID, "must be lower-case letters, digits, '-' or '_'"),
  name: z.string().min(1, "must not be empty"),
  description: z.string().optional(),
  elements: z.array(z.enum(ELEMENT_IDS)).min(1, "a criterion must read at least one element"),
  level: z.enum(LEVELS),
  required: z.boolean().optional(),
  rule: ruleSchema.optional(),
  satisfiedWhen: z.string().optional(),
  questionFocus: z.array(z.string().min(1)).optional(),
});

/** The input of defineFramework (also the format of a custom framework file). */
export const frameworkInputSchema = z.strictObject({
  id: z.string().regex(ID, "must be lower-case letters, digits, '-' or '_'"),
  name: z.string().min(1, "must not be empty"),
  summary: z.string().optional(),
  bestFor: z.string().optional(),
  caveats: z.string().optional(),
  criteria: z.array(criterionSchema).min(1, "a framework needs at least one criterion"),
});

export type FrameworkInput = z.input<typeof frameworkInputSchema>;

function describeRule(c: z.output<typeof criterionSchema>): string {
  const parts = [c.rule?.minState === "verified" ? "verified evidence" : "a claim or verified evidence"];
  parts.push(
    c.elements.length > 1
      ? `on ${c.rule?.combine === "any" ? "any" : "all"} of ${c.elements.join(", ")}`
      : `on ${c.elements[0]}`,
  );
  if (c.rule?.horizonDays) parts.push(`within ${c.rule.horizonDays} days`);
  return `Met by ${parts.join(" ")}.`;
}

/**
 * Validates a team's own framework. Every problem is reported with its path: unknown elements or
 * levels, duplicate criterion ids, no criteria, qualifiers the element does not have, a horizon on a
 * criterion that does not read the timeline, an id taken by a built-in framework.
 *
 * @example
 * const r = defineFramework({ id: "lite", name: "Lite", criteria: [
 *   { id: "pain", name: "Pain", elements: ["need"], level: "opportunity" },
 * ] });
 * if (r.ok) qualify(scorecard, r.value);
 */
export function defineFramework(input: unknown): Result<Framework, Issue[]> {
  const parsed = frameworkInputSchema.safeParse(input);
  if (!parsed.success) return err(issuesFromZod(parsed.error));
  const data = parsed.data;
  const issues: Issue[] = [];
  if (getFramework(data.id))
    issues.push({ path: "id", message: `"${data.id}" is the id of a built-in framework; choose another` });
  const seen = new Map<string, number>();
  data.criteria.forEach((c, index) => {
    const at = `criteria.${index}`;
    const first = seen.get(c.id);
    if (first !== undefined)
      issues.push({ path: `${at}.id`, message: `duplicate criterion id "${c.id}" (also criteria.${first})` });
    else seen.set(c.id, index);
    c.elements.forEach((element, i) => {
      if (c.elements.indexOf(element) !== i)
        issues.push({ path: `${at}.elements.${i}`, message: `"${element}" is listed twice` });
    });
    for (const [element, map] of Object.entries(c.rule?.qualifiers ?? {})) {
      const el = element as keyof typeof ELEMENT_INFO;
      if (!c.elements.includes(el)) {
        issues.push({
          path: `${at}.rule.qualifiers.${element}`,
          message: `the criterion does not read "${element}"`,
        });
        continue;
      }
      const allowed: readonly string[] = ELEMENT_INFO[el].qualifiers;
      for (const qualifier of Object.keys(map ?? {})) {
        if (!allowed.includes(qualifier)) {
          issues.push({
            path: `${at}.rule.qualifiers.${element}.${qualifier}`,
            message: allowed.length
              ? `${element} has no qualifier "${qualifier}" (it has: ${allowed.join(", ")})`
              : `${element} takes no qualifiers`,
          });
        }
      }
    }
    if (c.rule?.horizonDays !== undefined && !c.elements.includes("timeline")) {
      issues.push({
        path: `${at}.rule.horizonDays`,
        message: "a horizon only applies to a criterion that reads timeline",
      });
    }
  });
  if (issues.length > 0) return err(issues);
  const criteria: Criterion[] = data.criteria.map((c) => ({
    id: c.id,
    name: c.name,
    description: c.description ?? c.name,
    elements: c.elements,
    level: c.level,
    required: c.required ?? true,
    rule: {
      combine: c.rule?.combine ?? "all",
      minState: c.rule?.minState ?? "claimed",
      ...(c.rule?.qualifiers ? { qualifiers: c.rule.qualifiers } : {}),
      ...(c.rule?.horizonDays ? { horizonDays: c.rule.horizonDays } : {}),
    },
    satisfiedWhen: c.satisfiedWhen ?? describeRule(c),
    ...(c.questionFocus ? { questionFocus: c.questionFocus } : {}),
  }));
  return ok(
    deepFreeze({
      id: data.id,
      name: data.name,
      summary: data.summary ?? "",
      bestFor: data.bestFor ?? "",
      caveats: data.caveats ?? "",
      custom: true,
      criteria,
    }),
  );
}

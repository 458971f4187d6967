import { z } from "zod";
import { type Condition, conditionSchema } from "./condition.ts";

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]*$/i, "use letters, digits, '-', '_' or '.' (e.g. pricing-visit)")
  .max(80);

/**
 * How engagement points fade with the age of the event that earned them:
 * - `half_life`: points halve every `days` days (continuous);
 * - `linear`: lose `percent`% of the original points for each full `everyDays` days elapsed;
 * - `window`: full points while the event is at most `days` old, nothing after;
 * - `none`: points never fade.
 */
export const decaySchema = z.discriminatedUnion("mode", [
  z.strictObject({ mode: z.literal("half_life"), days: z.number().positive() }),
  z.strictObject({
    mode: z.literal("linear"),
    percent: z.number().positive().max(100),
    everyDays: z.number().positive(),
  }),
  z.strictObject({ mode: z.literal("window"), days: z.number().positive() }),
  z.strictObject({ mode: z.literal("none") }),
]);
export type Decay = z.infer<typeof decaySchema>;

/**
 * How often one engagement rule may award points: `once` (the most recent matching event counts),
 * `repeatable` (every event), or at most `max` events per `perDays`-day period (periods aligned on
 * 1970-01-05, a Monday, so `perDays: 7` means calendar weeks Monday to Sunday, UTC).
 */
export const frequencySchema = z.union([
  z.literal("once"),
  z.literal("repeatable"),
  z.strictObject({ max: z.number().int().positive(), perDays: z.number().int().positive() }),
]);
export type Frequency = z.infer<typeof frequencySchema>;

const group = z.strictObject({
  id,
  cap: z.number().int().positive().optional(),
  label: z.string().optional(),
});

const fitRule = z.strictObject({
  id,
  group: id.optional(),
  description: z.string().optional(),
  when: conditionSchema,
  points: z.number().int().positive("fit rules award positive points; put penalties under negative"),
});

const eventMatch = {
  event: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  where: conditionSchema.optional(),
};

const engagementRule = z.strictObject({
  id,
  group: id.optional(),
  description: z.string().optional(),
  ...eventMatch,
  points: z.number().int().positive("engagement rules award positive points; put penalties under negative"),
  frequency: frequencySchema.default("repeatable"),
  decay: decaySchema.optional(),
});

const negativeRule = z.union([
  z.strictObject({
    id,
    description: z.string().optional(),
    when: conditionSchema,
    points: z.number().int().negative("negative rules take points away: use a negative number"),
  }),
  z.strictObject({
    id,
    description: z.string().optional(),
    ...eventMatch,
    points: z.number().int().negative("negative rules take points away: use a negative number"),
    frequency: frequencySchema.default("once"),
    decay: decaySchema.optional(),
  }),
]);

const threshold = z
  .strictObject({
    id,
    metric: z.enum(["fit", "engagement", "total"]),
    atLeast: z.number().optional(),
    below: z.number().optional(),
    minFit: z.number().optional(),
    action: z.enum(["become_mql", "alert_owner", "back_to_nurture"]),
  })
  .refine(
    (t) => (t.atLeast === undefined) !== (t.below === undefined),
    "give exactly one of atLeast or below",
  );

const ascending = (r: { A: number; B: number; C: number } | { "1": number; "2": number; "3": number }) => {
  const v = Object.values(r);
  return v[0]! > v[1]! && v[1]! > v[2]!;
};

/**
 * The scoring model document. See docs/scoring.md for every field with examples.
 *
 * @example
 * scoringModelSchema.parse(yamlValue) // -> ScoringModel (defaults filled in)
 */
export const scoringModelSchema = z
  .strictObject({
    id,
    name: z.string().min(1),
    version: z.number().int().positive(),
    status: z.enum(["draft", "published"]).default("draft"),
    default: z.boolean().default(false),
    segment: z
      .strictObject({ productLine: z.string().optional(), region: z.string().optional() })
      .default({}),
    publishedAt: z.iso.datetime().optional(),
    publishedBy: z.string().optional(),
    description: z.string().optional(),
    fit: z
      .strictObject({
        cap: z.number().int().positive().optional(),
        groups: z.array(group).default([]),
        rules: z.array(fitRule).default([]),
      })
      .default({ groups: [], rules: [] }),
    engagement: z
      .strictObject({
        cap: z.number().int().positive().optional(),
        decay: decaySchema.default({ mode: "none" }),
        groups: z.array(group).default([]),
        rules: z.array(engagementRule).default([]),
      })
      .default({ decay: { mode: "none" }, groups: [], rules: [] }),
    negative: z.strictObject({ rules: z.array(negativeRule).default([]) }).default({ rules: [] }),
    grades: z
      .strictObject({
        fit: z
          .strictObject({ A: z.number(), B: z.number(), C: z.number() })
          .refine(ascending, "need A > B > C"),
        engagement: z
          .strictObject({ "1": z.number(), "2": z.number(), "3": z.number() })
          .refine(ascending, "need 1 > 2 > 3"),
      })
      .default({ fit: { A: 60, B: 40, C: 20 }, engagement: { "1": 60, "2": 30, "3": 10 } }),
    thresholds: z.array(threshold).default([]),
  })
  .superRefine((m, ctx) => {
    const seen = new Map<string, string>();
    const note = (ruleId: string, path: (string | number)[]) => {
      const where = seen.get(ruleId);
      if (where)
        ctx.addIssue({ code: "custom", path, message: `rule id "${ruleId}" is already used at ${where}` });
      else seen.set(ruleId, path.join("."));
    };
    m.fit.rules.forEach((r, i) => {
      note(r.id, ["fit", "rules", i, "id"]);
    });
    m.engagement.rules.forEach((r, i) => {
      note(r.id, ["engagement", "rules", i, "id"]);
    });
    m.negative.rules.forEach((r, i) => {
      note(r.id, ["negative", "rules", i, "id"]);
    });
    const checkGroups = (side: "fit" | "engagement") => {
      const known = new Set(m[side].groups.map((g) => g.id));
      m[side].rules.forEach((r, i) => {
        if (r.group !== undefined && !known.has(r.group))
          ctx.addIssue({
            code: "custom",
            path: [side, "rules", i, "group"],
            message: `unknown group "${r.group}" (declare it under ${side}.groups)`,
          });
      });
    };
    checkGroups("fit");
    checkGroups("engagement");
    const ids = new Set<string>();
    m.thresholds.forEach((t, i) => {
      if (ids.has(t.id))
        ctx.addIssue({
          code: "custom",
          path: ["thresholds", i, "id"],
          message: `threshold id "${t.id}" is used twice`,
        });
      ids.add(t.id);
    });
  });

export type ScoringModel = z.infer<typeof scoringModelSchema>;
/** The document as written (defaults not yet filled in). */
export type ScoringModelInput = z.input<typeof scoringModelSchema>;
export type FitRule = ScoringModel["fit"]["rules"][number];
export type EngagementRule = ScoringModel["engagement"]["rules"][number];
export type NegativeRule = ScoringModel["negative"]["rules"][number];
export type Threshold = ScoringModel["thresholds"][number];
export type ThresholdAction = Threshold["action"];
export type { Condition };

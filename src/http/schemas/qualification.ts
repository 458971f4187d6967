import { z } from "zod";
import { LEVELS } from "../../core/qualification/elements.ts";
import { OUTCOMES } from "../../core/qualification/judge.ts";

/** Verdicts and questions as the API returns them (documented loosely: the core types are the reference). */
export const QuestionSchema = z.looseObject({ id: z.string(), element: z.string(), text: z.string() });

export const NextQuestionSchema = z.looseObject({
  criterion: z.string(),
  criterionName: z.string(),
  level: z.enum(LEVELS),
  required: z.boolean(),
  element: z.string(),
  question: QuestionSchema,
  why: z.string(),
  askThisContact: z.boolean(),
});

export const VerdictSchema = z
  .looseObject({
    framework: z.object({ id: z.string(), name: z.string() }),
    outcome: z.enum(OUTCOMES),
    failedLevel: z.enum(LEVELS).nullable(),
    reasons: z.array(
      z.looseObject({
        level: z.enum(LEVELS),
        criterion: z.string(),
        kind: z.string(),
        code: z.string(),
        message: z.string(),
      }),
    ),
    score: z.object({ met: z.number(), total: z.number(), claimedOnly: z.number() }),
    coverage: z.record(z.string(), z.unknown()),
    criteria: z.array(z.unknown()),
    explanation: z.string(),
    nextQuestions: z.array(NextQuestionSchema),
  })
  .meta({ id: "Verdict" });

export const FrameworkSchema = z
  .looseObject({
    id: z.string(),
    name: z.string(),
    summary: z.string(),
    bestFor: z.string(),
    caveats: z.string(),
    custom: z.boolean(),
    criteria: z.array(
      z.looseObject({
        id: z.string(),
        name: z.string(),
        description: z.string(),
        elements: z.array(z.string()),
        level: z.enum(LEVELS),
        required: z.boolean(),
        satisfiedWhen: z.string(),
      }),
    ),
  })
  .meta({ id: "Framework" });

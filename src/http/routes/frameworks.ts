import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { WinnowError } from "../../core/errors.ts";
import { questionsFor } from "../../core/frameworks/questions/library.ts";
import { QUESTION_LANGS } from "../../core/frameworks/questions/types.ts";
import { listFrameworks } from "../../core/frameworks/registry.ts";
import { parseScorecard } from "../../core/qualification/scorecard-schema.ts";
import { qualify, resolveFramework } from "../../core/qualification/verdict.ts";
import { BUYING_ROLES } from "../../core/records.ts";
import type { ApiContext } from "../context.ts";
import { AUTH_ERRORS, IdParams, ProblemSchema } from "../schemas/common.ts";
import { FrameworkSchema, QuestionSchema, VerdictSchema } from "../schemas/qualification.ts";

/** Frameworks as data, their discovery questions, and stateless qualification of a scorecard. */
export const frameworkRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const tags = ["qualification"];
  const config = { permission: "records:read" } as const;
  const errors = { 404: ProblemSchema, 422: ProblemSchema, ...AUTH_ERRORS };

  app.get(
    "/frameworks",
    {
      config,
      schema: {
        tags,
        summary: "The qualification frameworks (BANT, MEDDIC, ...)",
        response: { 200: z.object({ data: z.array(FrameworkSchema) }), ...errors },
      },
    },
    async () => ({ data: listFrameworks() as unknown as z.infer<typeof FrameworkSchema>[] }),
  );
  app.get(
    "/frameworks/:id",
    {
      config,
      schema: {
        tags,
        summary: "One framework with its criteria",
        params: IdParams,
        response: { 200: FrameworkSchema, ...errors },
      },
    },
    async (request) => resolveFramework(request.params.id) as unknown as z.infer<typeof FrameworkSchema>,
  );
  app.get(
    "/frameworks/:id/questions",
    {
      config,
      schema: {
        tags,
        summary: "Open discovery questions per criterion",
        params: IdParams,
        querystring: z.object({
          criterion: z.string().min(1).optional(),
          lang: z.enum(QUESTION_LANGS).default("en"),
          role: z.enum(BUYING_ROLES).optional(),
        }),
        response: {
          200: z.object({
            data: z.array(
              z.object({
                criterion: z.string(),
                name: z.string(),
                level: z.string(),
                required: z.boolean(),
                questions: z.array(QuestionSchema),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { criterion, lang, role } = request.query;
      const data = questionsFor(resolveFramework(request.params.id), {
        lang,
        ...(criterion ? { criterion } : {}),
        ...(role ? { role } : {}),
      });
      return { data: data.map((c) => ({ ...c, questions: [...c.questions] })) };
    },
  );
  app.post(
    "/qualify",
    {
      config,
      schema: {
        tags,
        summary: "A verdict with reasons and next questions for a scorecard (nothing is stored)",
        body: z.object({
          scorecard: z.record(z.string(), z.unknown()).describe("A scorecard (see docs/qualification.md)"),
          framework: z
            .string()
            .min(1)
            .optional()
            .describe("Defaults to the scorecard's framework, then bant"),
          now: z.iso.datetime({ offset: true }).optional(),
          questions: z.number().int().min(0).max(50).optional(),
        }),
        response: { 200: VerdictSchema, ...errors },
      },
    },
    async (request) => {
      const parsed = parseScorecard(request.body.scorecard);
      if (!parsed.ok) {
        throw new WinnowError("WINNOW_ERR_VALIDATION", {
          message: "The scorecard is not valid; see issues",
          issues: parsed.error.map((i) => ({
            ...i,
            path: i.path ? `body.scorecard.${i.path}` : "body.scorecard",
          })),
        });
      }
      const framework = request.body.framework ?? parsed.value.framework ?? "bant";
      const verdict = qualify(parsed.value, framework, {
        now: request.body.now ?? ctx.now().toISOString(),
        ...(request.body.questions !== undefined ? { questions: request.body.questions } : {}),
      });
      return verdict as unknown as z.infer<typeof VerdictSchema>;
    },
  );
};

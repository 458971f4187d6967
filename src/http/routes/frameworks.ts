import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { frameworkIn } from "../../app/workspace-settings.ts";
import { WinnowError } from "../../core/errors.ts";
import { questionsFor } from "../../core/frameworks/questions/library.ts";
import { QUESTION_LANGS } from "../../core/frameworks/questions/types.ts";
import { listFrameworks } from "../../core/frameworks/registry.ts";
import { parseScorecard } from "../../core/qualification/scorecard-schema.ts";
import { qualify } from "../../core/qualification/verdict.ts";
import { BUYING_ROLES } from "../../core/records.ts";
import type { ApiContext } from "../context.ts";
import { AUTH_ERRORS, IdParams, ProblemSchema } from "../schemas/common.ts";
import { FrameworkSchema, QuestionSchema, VerdictSchema } from "../schemas/qualification.ts";
import { workspaceSettings } from "../workspace-settings.ts";

/**
 * Frameworks as data (built in, then the workspace's own from settings), their discovery questions
 * (custom questions first), and stateless qualification of a scorecard against the stored ICP.
 */
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
    async () => ({
      data: [...listFrameworks(), ...(await workspaceSettings(ctx)).frameworks] as unknown as z.infer<
        typeof FrameworkSchema
      >[],
    }),
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
    async (request) =>
      frameworkIn(await workspaceSettings(ctx), request.params.id) as unknown as z.infer<
        typeof FrameworkSchema
      >,
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
      const ws = await workspaceSettings(ctx);
      const data = questionsFor(frameworkIn(ws, request.params.id), {
        lang,
        extra: ws.questions.filter((q) => q.lang === lang),
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
      const ws = await workspaceSettings(ctx);
      const framework = frameworkIn(ws, request.body.framework ?? parsed.value.framework ?? "bant");
      const verdict = qualify(parsed.value, framework, {
        now: request.body.now ?? ctx.now().toISOString(),
        ...(ws.icp ? { icp: ws.icp } : {}),
        extraQuestions: ws.questions.filter((q) => q.lang === "en"),
        ...(request.body.questions !== undefined ? { questions: request.body.questions } : {}),
      });
      return verdict as unknown as z.infer<typeof VerdictSchema>;
    },
  );
};

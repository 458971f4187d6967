import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { POPULATIONS } from "../../app/predictive/features.ts";
import { predictiveForecast } from "../../app/predictive/forecast.ts";
import { icpFromDeals } from "../../app/predictive/icp.ts";
import { adoptIcpIntoDraft, withRule } from "../../app/predictive/icp-draft.ts";
import { freshLeadPrediction } from "../../app/predictive/refresh.ts";
import { predictiveRepo } from "../../app/predictive/repo.ts";
import { trainPredictive } from "../../app/predictive/train.ts";
import { withExplanation } from "../../app/score-explanations.ts";
import { WinnowError } from "../../core/errors.ts";
import { LEARNER_ALIASES, learnerNamed } from "../../core/model/learners.ts";
import type { Readiness } from "../../core/model/readiness.ts";
import { principalOf } from "../auth/authenticate.ts";
import type { ApiContext } from "../context.ts";
import { idempotent } from "../idempotency.ts";
import { visibleLead } from "../lead-access.ts";
import { AUTH_ERRORS, IdParams, ProblemSchema } from "../schemas/common.ts";
import { ScoreSchema } from "../schemas/records.ts";

const Population = z.enum(POPULATIONS).describe("leads: every decided lead; deals: closed deals only");

const TrainBody = z
  .object({
    learner: z
      .enum(
        Object.keys(LEARNER_ALIASES) as [keyof typeof LEARNER_ALIASES, ...(keyof typeof LEARNER_ALIASES)[]],
      )
      .default("default"),
    population: Population.default("leads"),
    seed: z.number().int().min(0).max(2_147_483_647).default(0),
  })
  .default({ learner: "default", population: "leads", seed: 0 });

const ModelSummary = z.object({
  id: z.string(),
  version: z.number().int(),
  learner: z.string(),
  status: z.enum(["active", "retired"]),
  metrics: z.record(z.string(), z.unknown()),
  trainedAt: z.string(),
  trainedBy: z.string(),
});

const Reason = z.object({
  feature: z.string(),
  value: z.string(),
  direction: z.enum(["raises", "lowers"]),
  contribution: z.number(),
});

const PredictionView = z.object({
  leadId: z.string(),
  prediction: z
    .object({
      leadId: z.string(),
      modelId: z.string(),
      modelVersion: z.number().int(),
      probability: z.number(),
      reasons: z.array(Reason),
      computedAt: z.string(),
    })
    .nullable(),
  reason: z.string().optional(),
  fallback: z.literal("rules-score").optional(),
  rulesScore: ScoreSchema.nullable(),
});

/** Too few won or lost examples: say so (422) and point back to the rules score. */
function notEnoughData(r: Extract<Readiness, { ready: false }>): WinnowError {
  return new WinnowError("WINNOW_ERR_MODEL_DATA", {
    message: r.reason,
    details: { won: r.won, lost: r.lost, fallback: r.fallback },
  });
}

/**
 * Predictive scoring: train on the workspace's closed history, list models, a lead's probability
 * with its reasons, ICP segments with adoptable fit rules, and the forecast.
 */
export const predictiveRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const tags = ["predictive"];
  const { storage } = ctx.deps;

  app.post(
    "/predictive/train",
    {
      config: { permission: "models:write" },
      schema: {
        tags,
        summary:
          "Train a model on won and lost leads (or deals), store it as the active model and score the open leads",
        body: TrainBody,
        response: {
          201: z.object({
            model: ModelSummary,
            metrics: z.record(z.string(), z.unknown()),
            scored: z.number().int(),
          }),
          422: ProblemSchema,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const result = await trainPredictive(storage, {
        now: ctx.now().toISOString(),
        actor: principalOf(request).name,
        learner: learnerNamed(body.learner),
        population: body.population,
        seed: body.seed,
      });
      if (!result.trained) throw notEnoughData(result.readiness);
      return reply.code(201).send({
        model: result.model,
        metrics: result.metrics as unknown as Record<string, unknown>,
        scored: result.scored,
      });
    },
  );

  app.get(
    "/predictive/models",
    {
      config: { permission: "models:read" },
      schema: {
        tags,
        summary: "Trained models, newest first (the active one is used for predictions)",
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ data: z.array(ModelSummary) }), ...AUTH_ERRORS },
      },
    },
    async (request) => ({ data: await predictiveRepo(storage).listModels(request.query.limit) }),
  );

  app.get(
    "/leads/:id/prediction",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary:
          "The lead's probability of being won with its top reasons; without a model, why not and the rules score",
        params: IdParams,
        response: { 200: PredictionView, 404: ProblemSchema, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const lead = await visibleLead(storage, request, request.params.id);
      const view = await freshLeadPrediction(storage, lead.id, ctx.now().toISOString());
      const rulesScore = await withExplanation(storage, view.rulesScore); // derived if a full rescore stored none
      return { ...view, rulesScore } as z.infer<typeof PredictionView>;
    },
  );

  app.get(
    "/predictive/icp",
    {
      config: { permission: "reports:read" },
      schema: {
        tags,
        summary: "ICP discovery: segments by lift and support, the profile, and fit rules to adopt",
        querystring: z.object({ population: Population.default("leads") }),
        response: {
          200: z.object({
            rows: z.number().int(),
            baseRate: z.number(),
            byLift: z.array(z.unknown()),
            bySupport: z.array(z.unknown()),
            profile: z.array(z.unknown()),
            rules: z.array(z.record(z.string(), z.unknown())),
          }),
          422: ProblemSchema,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const icp = await icpFromDeals(storage, ctx.now().toISOString(), {
        population: request.query.population,
      });
      if (!icp.ready) throw notEnoughData(icp.readiness);
      const r = icp.report;
      return {
        rows: r.rows,
        baseRate: r.baseRate,
        byLift: r.byLift.map(withRule),
        bySupport: r.bySupport.map(withRule),
        profile: r.profile.map(withRule),
        rules: icp.rules as unknown as Record<string, unknown>[],
      };
    },
  );

  app.post(
    "/predictive/icp/draft",
    {
      config: { permission: "models:write" },
      schema: {
        tags,
        summary:
          "Adopt ICP segments or suggested fit rules into a new scoring-model draft (the default model plus those rules); never publishes",
        body: z.object({
          adopt: z
            .union([z.literal("suggested"), z.array(z.string().min(1).max(200)).min(1).max(200)])
            .describe(
              "\"suggested\" (every suggested fit rule) or ids from GET /v1/predictive/icp (rules' scoringRule.id, segments' id)",
            ),
          population: Population.default("leads"),
          from: z
            .string()
            .min(1)
            .optional()
            .describe("Start from this scoring model id (default: the default model)"),
          name: z.string().min(1).max(200).optional().describe("Draft name (default: the base model's name)"),
          replaceEarlier: z
            .boolean()
            .default(true)
            .describe("Drop rules an earlier adoption added (fit group `icp`, negative ids `icp-…`) first"),
        }),
        response: {
          201: z.object({
            draft: z.looseObject({
              id: z.string(),
              name: z.string(),
              version: z.number().int(),
              status: z.string(),
            }),
            base: z.object({ id: z.string(), name: z.string(), version: z.number().int() }),
            adopted: z.array(
              z.object({
                id: z.string(),
                when: z.unknown(),
                points: z.number().int(),
                rows: z.number().int(),
                winRate: z.number(),
                lift: z.number(),
              }),
            ),
            removed: z.array(z.string()),
          }),
          404: ProblemSchema,
          409: ProblemSchema,
          422: ProblemSchema,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request, reply) =>
      idempotent(ctx, request, reply, async () => {
        const b = request.body;
        try {
          const result = await adoptIcpIntoDraft(storage, {
            now: ctx.now().toISOString(),
            actor: principalOf(request).name,
            adopt: b.adopt,
            population: b.population,
            replaceEarlier: b.replaceEarlier,
            ...(b.from ? { from: b.from } : {}),
            ...(b.name ? { name: b.name } : {}),
          });
          return { status: 201, body: result };
        } catch (e) {
          // The chosen ids are in the body: say so in the issue paths.
          if (
            e instanceof WinnowError &&
            e.code === "WINNOW_ERR_VALIDATION" &&
            e.issues.some((i) => i.path.startsWith("adopt"))
          )
            throw new WinnowError("WINNOW_ERR_VALIDATION", {
              message: e.message,
              issues: e.issues.map((i) =>
                i.path.startsWith("adopt") ? { ...i, path: `body.${i.path}` } : i,
              ),
            });
          throw e;
        }
      }),
  );

  app.get(
    "/predictive/forecast",
    {
      config: { permission: "reports:read" },
      schema: {
        tags,
        summary: "Expected wins and value per month from the active model, and its accuracy so far",
        response: {
          200: z.object({
            modelId: z.string(),
            modelVersion: z.number().int(),
            periods: z.array(
              z.object({
                period: z.string(),
                open: z.number(),
                expectedWins: z.number(),
                expectedValue: z.number(),
                winsLow: z.number(),
                winsHigh: z.number(),
              }),
            ),
            accuracy: z.array(
              z.object({
                period: z.string(),
                closed: z.number(),
                predictedWins: z.number(),
                actualWins: z.number(),
                brier: z.number(),
              }),
            ),
            assumptions: z.object({
              medianCycleDays: z.number().nullable(),
              meanWonValue: z.number().nullable(),
            }),
          }),
          404: ProblemSchema,
          ...AUTH_ERRORS,
        },
      },
    },
    async () => {
      const f = await predictiveForecast(storage, ctx.now().toISOString());
      if (!f.ready)
        throw new WinnowError("WINNOW_ERR_NOT_FOUND", { message: `${f.reason} Train one first.` });
      return {
        modelId: f.modelId,
        modelVersion: f.modelVersion,
        periods: [...f.periods],
        accuracy: [...f.accuracy],
        assumptions: f.assumptions,
      };
    },
  );
};

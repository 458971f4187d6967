import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { WinnowError } from "../../core/errors.ts";
import { backtest } from "../../core/scoring/backtest.ts";
import { parseScoringModel, validateScoringModel } from "../../core/scoring/parse-model.ts";
import { loadBacktestHistory } from "../../storage/backtest-history.ts";
import { principalOf } from "../auth/authenticate.ts";
import type { ApiContext } from "../context.ts";
import { idempotent } from "../idempotency.ts";
import { AUTH_ERRORS, IdParams, ProblemSchema } from "../schemas/common.ts";

const ModelSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    version: z.number().int(),
    status: z.enum(["draft", "published"]),
    isDefault: z.boolean(),
    document: z.unknown(),
    createdBy: z.string(),
    createdAt: z.string(),
    publishedBy: z.string().nullable(),
    publishedAt: z.string().nullable(),
  })
  .meta({ id: "ScoringModel" });

const RescoreJobSchema = z
  .object({
    id: z.string(),
    modelId: z.string(),
    state: z.enum(["running", "done", "failed"]),
    processed: z.number().int().describe("Leads rescored so far"),
    total: z
      .number()
      .int()
      .describe("Leads in the workspace when the job started (grows if more are rescored)"),
    crossings: z.number().int().describe("Threshold crossings so far, each sent as lead.threshold_crossed"),
    error: z.string().nullable(),
    createdBy: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "RescoreJob" });

/** A model after publish / default, with the full rescore it started (null: none was needed). */
const ModelWithRescore = ModelSchema.extend({
  rescore: RescoreJobSchema.nullable().describe(
    "The rescore of every lead this started (when the model is the default); poll GET /v1/scoring-models/{id}/rescore",
  ),
});

const DraftBody = z.union([
  z.object({
    document: z.record(z.string(), z.unknown()).describe("The model as JSON (see docs/scoring.md)"),
  }),
  z.object({ yaml: z.string().min(1).max(1_000_000).describe("The model as YAML text") }),
]);

/** Scoring models: drafts are validated documents; publishing freezes a version; one is the default. */
export const scoringModelRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const tags = ["scoring models"];
  const repo = ctx.deps.storage.scoringModels;
  const errors = { 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema, ...AUTH_ERRORS };
  // Full rescores run as the app's jobs (build-app.ts), one at a time.
  const rescores = ctx.rescores;
  const startRescore = async (model: Awaited<ReturnType<typeof repo.publish>>, by: string) =>
    (await rescores.start(model, by, ctx.ids(), ctx.now().toISOString())).job;
  const mustGet = async (id: string) => {
    const model = await repo.get(id);
    if (!model)
      throw new WinnowError("WINNOW_ERR_SCORING_MODEL_NOT_FOUND", {
        message: `Scoring model ${id} does not exist`,
      });
    return model;
  };

  app.get(
    "/scoring-models",
    {
      config: { permission: "models:read" },
      schema: {
        tags,
        summary: "All scoring model versions",
        querystring: z.object({ name: z.string().min(1).optional() }),
        response: { 200: z.object({ data: z.array(ModelSchema) }), ...errors },
      },
    },
    async (request) => ({ data: await repo.list(request.query.name) }),
  );
  app.get(
    "/scoring-models/:id",
    {
      config: { permission: "models:read" },
      schema: {
        tags,
        summary: "One scoring model version",
        params: IdParams,
        response: { 200: ModelSchema, ...errors },
      },
    },
    async (request) => mustGet(request.params.id),
  );
  app.post(
    "/scoring-models",
    {
      config: { permission: "models:write" },
      schema: {
        tags,
        summary: "Save a draft (the next version of its name); invalid documents answer 422 with paths",
        body: DraftBody,
        response: { 201: ModelSchema, ...errors },
      },
    },
    async (request, reply) =>
      idempotent(ctx, request, reply, async () => {
        const body = request.body;
        const parsed =
          "yaml" in body ? parseScoringModel(body.yaml, "yaml") : validateScoringModel(body.document);
        if (!parsed.ok) {
          const prefix = "yaml" in body ? "body.yaml" : "body.document";
          const issues = parsed.error.map((i) => ({ ...i, path: i.path ? `${prefix}.${i.path}` : prefix }));
          throw new WinnowError("WINNOW_ERR_VALIDATION", {
            message: "The scoring model is not valid; see issues",
            issues,
          });
        }
        const model = await repo.createDraft({
          name: parsed.value.name,
          document: parsed.value,
          createdBy: principalOf(request).name,
          createdAt: ctx.now().toISOString(),
        });
        return { status: 201, body: model };
      }),
  );
  app.post(
    "/scoring-models/:id/publish",
    {
      config: { permission: "models:write" },
      schema: {
        tags,
        summary:
          "Publish a draft (published versions never change); with default: true also make it the default. When the model is the default, every lead is rescored from its event ledger as a job",
        params: IdParams,
        body: z
          .object({ default: z.boolean().optional().describe("Also make it the default model") })
          .nullish(),
        response: { 200: ModelWithRescore, ...errors },
      },
    },
    async (request) => {
      const before = await mustGet(request.params.id);
      const by = principalOf(request).name;
      let model = await repo.publish(request.params.id, by, ctx.now().toISOString());
      if (request.body?.default === true && !model.isDefault) model = await repo.setDefault(model.id);
      const changed = before.status !== "published" || before.isDefault !== model.isDefault;
      const rescore = model.isDefault && changed ? await startRescore(model, by) : null;
      return { ...model, rescore };
    },
  );
  app.post(
    "/scoring-models/:id/default",
    {
      config: { permission: "models:write" },
      schema: {
        tags,
        summary:
          "Make a published model the one new scores use; every lead is then rescored from its event ledger as a job",
        params: IdParams,
        response: { 200: ModelWithRescore, ...errors },
      },
    },
    async (request) => {
      const before = await mustGet(request.params.id);
      const model = await repo.setDefault(request.params.id);
      const rescore = before.isDefault ? null : await startRescore(model, principalOf(request).name);
      return { ...model, rescore };
    },
  );
  app.post(
    "/scoring-models/:id/rescore",
    {
      config: { permission: "models:write" },
      schema: {
        tags,
        summary: "Rescore every lead with this (default) model from its event ledger, as a job",
        params: IdParams,
        response: { 202: RescoreJobSchema, ...errors },
      },
    },
    async (request, reply) => {
      const model = await mustGet(request.params.id);
      if (!model.isDefault)
        throw new WinnowError("WINNOW_ERR_RESCORE_NOT_DEFAULT", {
          message: `Scoring model ${model.id} is not the default; make it the default (that rescores every lead)`,
        });
      return reply.code(202).send(await startRescore(model, principalOf(request).name));
    },
  );
  app.get(
    "/scoring-models/:id/rescore",
    {
      config: { permission: "models:read" },
      schema: {
        tags,
        summary: "The latest full rescore with this model: state, processed / total, threshold crossings",
        params: IdParams,
        response: { 200: RescoreJobSchema, ...errors },
      },
    },
    async (request) => {
      await mustGet(request.params.id);
      const job = await rescores.repository.latestFor(request.params.id);
      if (!job)
        throw new WinnowError("WINNOW_ERR_RESCORE_NOT_FOUND", {
          message: `Scoring model ${request.params.id} has not rescored the leads yet`,
        });
      return job;
    },
  );

  app.post(
    "/scoring-models/:id/backtest",
    {
      config: { permission: "models:read" },
      schema: {
        tags,
        summary:
          "Replay the leads created in [from, to) under this model (draft or published), compared with the default model",
        params: IdParams,
        body: z
          .object({
            from: z.iso.datetime({ offset: true }),
            to: z.iso.datetime({ offset: true }),
            compareWith: z
              .string()
              .min(1)
              .optional()
              .describe("Another model id (default: the default model)"),
          })
          .refine((b) => Date.parse(b.from) < Date.parse(b.to), {
            path: ["from"],
            message: "must be before `to`",
          }),
        response: {
          200: z.looseObject({
            from: z.string(),
            to: z.string(),
            result: z.looseObject({ mqls: z.number(), precision: z.number() }),
            compare: z.looseObject({ mqls: z.number() }).nullable(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { from, to, compareWith } = request.body;
      const docOf = async (id: string) => {
        const parsed = validateScoringModel((await mustGet(id)).document);
        if (!parsed.ok)
          throw new WinnowError("WINNOW_ERR_VALIDATION", {
            message: `Scoring model ${id} is not valid any more`,
            issues: parsed.error,
          });
        return parsed.value;
      };
      const model = await docOf(request.params.id);
      const otherId = compareWith ?? (await repo.getDefault())?.id;
      const other = otherId && otherId !== request.params.id ? await docOf(otherId) : undefined;
      const history = await loadBacktestHistory(
        ctx.deps.storage.sql,
        new Date(from).toISOString(),
        new Date(to).toISOString(),
      );
      const result = backtest(model, history, { from, to, ...(other ? { compareWith: other } : {}) });
      return result as unknown as {
        from: string;
        to: string;
        result: { mqls: number; precision: number };
        compare: { mqls: number } | null;
      };
    },
  );
};

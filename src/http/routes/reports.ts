import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { STAGES } from "../../core/lifecycle/stages.ts";
import { scoreDistribution } from "../../storage/score-distribution.ts";
import type { ApiContext } from "../context.ts";
import { AUTH_ERRORS, ProblemSchema } from "../schemas/common.ts";
import { SlaBreachSchema } from "../schemas/lead-detail.ts";
import { Instant } from "../schemas/records.ts";

const DAY = 86_400_000;

const PeriodQuery = z
  .object({
    from: Instant.optional().describe("Start of the period (default: 90 days before `to`)"),
    to: Instant.optional().describe("End of the period, exclusive (default: now)"),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    path: ["from"],
    message: "must be before `to`",
  });

const PeriodSchema = z.object({ from: z.string(), to: z.string() });

/** Pipeline health for managers: funnel, SLA breaches, rejection reasons, time in stage. */
export const reportRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const tags = ["reports"];
  const { queries, slaBreaches } = ctx.deps.storage;
  const period = (q: { from?: string | undefined; to?: string | undefined }) => {
    const to = q.to ? new Date(q.to) : ctx.now();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 90 * DAY);
    return { from: from.toISOString(), to: to.toISOString() };
  };
  const config = { permission: "reports:read" } as const;
  const errors = { 422: ProblemSchema, ...AUTH_ERRORS };

  app.get(
    "/reports/funnel",
    {
      config,
      schema: {
        tags,
        summary: "Leads entering each stage and conversion between consecutive stages",
        querystring: PeriodQuery,
        response: {
          200: z.object({
            period: PeriodSchema,
            steps: z.array(z.object({ stage: z.enum(STAGES), entered: z.number() })),
            conversions: z.array(
              z.object({
                from: z.enum(STAGES),
                to: z.enum(STAGES),
                count: z.number(),
                rate: z.number().nullable(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => queries.funnel(period(request.query)),
  );
  app.get(
    "/reports/time-in-stage",
    {
      config,
      schema: {
        tags,
        summary: "Hours spent in each stage by leads that left it in the period",
        querystring: PeriodQuery,
        response: {
          200: z.object({
            period: PeriodSchema,
            data: z.array(
              z.object({
                stage: z.enum(STAGES),
                exits: z.number(),
                meanHours: z.number(),
                medianHours: z.number(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const p = period(request.query);
      return { period: p, data: await queries.timeInStage(p) };
    },
  );
  app.get(
    "/reports/rejection-reasons",
    {
      config,
      schema: {
        tags,
        summary: "Why leads were rejected or disqualified in the period, most frequent first",
        querystring: PeriodQuery,
        response: {
          200: z.object({
            period: PeriodSchema,
            data: z.array(z.object({ reason: z.string(), count: z.number() })),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const p = period(request.query);
      return { period: p, data: await queries.rejectionReasons(p) };
    },
  );
  app.get(
    "/reports/sla-breaches",
    {
      config,
      schema: {
        tags,
        summary: "SLA breaches detected in the period",
        querystring: PeriodQuery.and(
          z.object({
            ownerId: z.string().min(1).optional(),
            sla: z.string().min(1).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(200),
          }),
        ),
        response: { 200: z.object({ period: PeriodSchema, data: z.array(SlaBreachSchema) }), ...errors },
      },
    },
    async (request) => {
      const p = period(request.query);
      const { ownerId, sla, limit } = request.query;
      return {
        period: p,
        data: await slaBreaches.list({
          ...p,
          ...(ownerId ? { ownerId } : {}),
          ...(sla ? { sla } : {}),
          limit,
        }),
      };
    },
  );
  app.get(
    "/reports/score-distribution",
    {
      config,
      schema: {
        tags,
        summary:
          "Current total scores of the leads created in the period, in bins, by outcome (won, lost, open)",
        querystring: PeriodQuery.and(
          z.object({ width: z.coerce.number().int().min(1).max(100).default(10) }),
        ),
        response: {
          200: z.object({
            period: PeriodSchema,
            bins: z.array(z.number()),
            series: z.object({
              won: z.array(z.number()),
              lost: z.array(z.number()),
              open: z.array(z.number()),
            }),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const p = period(request.query);
      return {
        period: p,
        ...(await scoreDistribution(ctx.deps.storage.sql, p.from, p.to, request.query.width)),
      };
    },
  );
};

import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../auth/authenticate.ts";
import type { ApiContext } from "../context.ts";
import { idempotent } from "../idempotency.ts";
import { visibleLead } from "../lead-access.ts";
import { AUTH_ERRORS, IdParams, ProblemSchema } from "../schemas/common.ts";
import { ActivityInput, ActivitySchema } from "../schemas/records.ts";

/** Calls, emails, messages, meetings and notes on a lead (contact attempts count toward SLAs). */
export const activityRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const tags = ["activities"];
  const { storage } = ctx.deps;
  app.get(
    "/leads/:id/activities",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary: "A lead's activities, newest first",
        params: IdParams,
        response: { 200: z.object({ data: z.array(ActivitySchema) }), 404: ProblemSchema, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      await visibleLead(storage, request, request.params.id);
      return { data: await storage.activities.listForLead(request.params.id) };
    },
  );
  app.post(
    "/leads/:id/activities",
    {
      config: { permission: "records:write" },
      schema: {
        tags,
        summary: "Log an activity on a lead",
        params: IdParams,
        body: ActivityInput,
        response: { 201: ActivitySchema, 404: ProblemSchema, 422: ProblemSchema, ...AUTH_ERRORS },
      },
    },
    async (request, reply) =>
      idempotent(ctx, request, reply, async () => {
        await visibleLead(storage, request, request.params.id);
        const b = request.body;
        const activity = await storage.activities.create({
          leadId: request.params.id,
          type: b.type,
          outcome: b.outcome ?? null,
          occurredAt: b.occurredAt,
          by: principalOf(request).subject ?? principalOf(request).name,
          body: b.body ?? null,
        });
        return { status: 201, body: activity };
      }),
  );
};

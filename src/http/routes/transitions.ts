import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { moveLead } from "../../app/move-lead.ts";
import { STAGES } from "../../core/lifecycle/stages.ts";
import { nextStages } from "../../core/lifecycle/transitions.ts";
import { principalOf } from "../auth/authenticate.ts";
import type { ApiContext } from "../context.ts";
import { idempotent } from "../idempotency.ts";
import { visibleLead } from "../lead-access.ts";
import { AUTH_ERRORS, IdParams, ProblemSchema } from "../schemas/common.ts";
import { SlaBreachSchema } from "../schemas/lead-detail.ts";
import { LeadSchema } from "../schemas/records.ts";
import { workspaceSettings } from "../workspace-settings.ts";

const MoveBody = z.object({
  to: z.enum(STAGES),
  reason: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      "Required for rejections and disqualifications: unreachable, inaccurate_data, no_bant, no_fit, or a configured one",
    ),
  reEntry: z
    .object({
      after: z.iso.datetime({ offset: true }).nullable().optional(),
      minScore: z.number().nullable().optional(),
      note: z.string().max(500).nullable().optional(),
    })
    .optional(),
  expectedVersion: z.number().int().min(1).optional(),
});

/**
 * Stage transitions through the lifecycle rules (guards, reasons, SLA clocks). Every move is one
 * transaction (stage, history, SLA breach) and then fires `lead.stage_changed` (and
 * `lead.sla_breached` when the MQL was handled late) to webhook subscribers.
 */
export const transitionRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const tags = ["lifecycle"];
  const { storage } = ctx.deps;

  app.get(
    "/leads/:id/transitions",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary: "Stages this lead may move to now",
        params: IdParams,
        response: {
          200: z.object({ from: z.enum(STAGES), to: z.array(z.enum(STAGES)) }),
          404: ProblemSchema,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const lead = await visibleLead(storage, request, request.params.id);
      return { from: lead.stage, to: nextStages(lead.stage) };
    },
  );

  for (const url of ["/leads/:id/transitions", "/leads/:id/moves"]) {
    app.post(
      url,
      {
        config: { permission: "records:write" },
        schema: {
          // `/moves` is an alias kept for clients that say "move"; the document lists one.
          hide: url.endsWith("/moves"),
          tags,
          summary: "Move a lead to another stage (refused moves answer 409/422 with the rule that refused)",
          params: IdParams,
          body: MoveBody,
          response: {
            200: z.object({ lead: LeadSchema, from: z.enum(STAGES), breach: SlaBreachSchema.nullable() }),
            404: ProblemSchema,
            409: ProblemSchema,
            422: ProblemSchema,
            ...AUTH_ERRORS,
          },
        },
      },
      async (request, reply) =>
        idempotent(ctx, request, reply, async () => {
          await visibleLead(storage, request, request.params.id);
          const b = request.body;
          const actor = principalOf(request).name;
          const at = ctx.now().toISOString();
          const result = await moveLead(
            storage,
            {
              leadId: request.params.id,
              to: b.to,
              reason: b.reason ?? null,
              ...(b.reEntry ? { reEntry: b.reEntry } : {}),
              ...(b.expectedVersion !== undefined ? { expectedVersion: b.expectedVersion } : {}),
              actor,
              now: at,
            },
            // The SLA policy saved in settings (else WINNOW_LIFECYCLE_FILE / the defaults), as of now.
            (await workspaceSettings(ctx)).lifecycle,
          );
          const { lead, from, breach } = result;
          await ctx.webhooks.emit("lead.stage_changed", {
            leadId: lead.id,
            from,
            to: lead.stage,
            reason: lead.reason,
            ownerId: lead.ownerId,
            actor,
            at,
          });
          if (breach) await ctx.webhooks.emit("lead.sla_breached", breach);
          return { status: 200, body: result };
        }),
    );
  }
};

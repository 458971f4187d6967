import { randomBytes } from "node:crypto";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { WinnowError } from "../../core/errors.ts";
import { DELIVERY_STATUSES, type WebhookSubscription } from "../../storage/api-ports.ts";
import type { ApiContext } from "../context.ts";
import { idempotent } from "../idempotency.ts";
import { AUTH_ERRORS, IdParams, ProblemSchema } from "../schemas/common.ts";
import { WEBHOOK_EVENTS } from "../webhooks/events.ts";

const SubscriptionSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    active: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: "WebhookSubscription" });

const DeliverySchema = z
  .object({
    id: z.string(),
    subscriptionId: z.string(),
    event: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
    payload: z.string().describe("The exact JSON body sent and signed"),
  })
  .meta({ id: "WebhookDelivery" });

const NewSubscription = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2000),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1),
  description: z.string().max(500).optional(),
});

const publicView = ({ secret: _secret, ...rest }: WebhookSubscription) => ({
  ...rest,
  events: [...rest.events],
});

/** Webhook subscriptions and their delivery log; admin only. The signing secret is shown once. */
export const webhookRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const tags = ["webhooks"];
  const admin = { permission: "admin" } as const;
  const notFound = (id: string) =>
    new WinnowError("WINNOW_ERR_NOT_FOUND", { message: `Webhook subscription ${id} does not exist` });

  app.get(
    "/webhooks",
    {
      config: admin,
      schema: {
        tags,
        summary: "List subscriptions",
        response: { 200: z.object({ data: z.array(SubscriptionSchema) }), ...AUTH_ERRORS },
      },
    },
    async () => ({ data: (await ctx.deps.webhooks.listSubscriptions()).map(publicView) }),
  );
  app.post(
    "/webhooks",
    {
      config: admin,
      schema: {
        tags,
        summary: "Subscribe a URL to events; the response holds the signing secret, shown only this once",
        body: NewSubscription,
        response: {
          201: SubscriptionSchema.extend({ secret: z.string() }),
          422: ProblemSchema,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request, reply) =>
      idempotent(ctx, request, reply, async () => {
        const sub = await ctx.deps.webhooks.createSubscription({
          id: ctx.ids(),
          url: request.body.url,
          events: [...new Set(request.body.events)],
          secret: `whsec_${randomBytes(24).toString("base64url")}`,
          description: request.body.description ?? null,
          active: true,
          createdAt: ctx.now().toISOString(),
        });
        return { status: 201, body: { ...publicView(sub), secret: sub.secret } };
      }),
  );
  app.delete(
    "/webhooks/:id",
    {
      config: admin,
      schema: {
        tags,
        summary: "Unsubscribe (its delivery log goes too)",
        params: IdParams,
        response: { 204: z.null(), 404: ProblemSchema, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      if (!(await ctx.deps.webhooks.deleteSubscription(request.params.id))) throw notFound(request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    "/webhooks/:id/ping",
    {
      config: admin,
      schema: {
        tags,
        summary: "Send a signed webhook.ping to this subscriber only",
        params: IdParams,
        response: { 202: DeliverySchema, 404: ProblemSchema, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const sub = await ctx.deps.webhooks.getSubscription(request.params.id);
      if (!sub) throw notFound(request.params.id);
      const at = ctx.now().toISOString();
      const payload = JSON.stringify({
        id: ctx.ids(),
        type: "webhook.ping",
        createdAt: at,
        data: { subscriptionId: sub.id },
      });
      const [delivery] = await ctx.deps.webhooks.enqueue({
        ids: ctx.ids,
        event: "webhook.ping",
        payload,
        at,
        subscriptionId: sub.id,
      });
      if (!delivery)
        throw new WinnowError("WINNOW_ERR_CONFLICT", {
          message: `Webhook subscription ${sub.id} is not active`,
        });
      void ctx.webhooks.drain().catch(() => undefined);
      return reply.code(202).send(delivery);
    },
  );
  app.get(
    "/webhooks/:id/deliveries",
    {
      config: admin,
      schema: {
        tags,
        summary: "The delivery log of a subscription, newest first",
        params: IdParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ data: z.array(DeliverySchema) }), 404: ProblemSchema, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      if (!(await ctx.deps.webhooks.getSubscription(request.params.id))) throw notFound(request.params.id);
      return {
        data: await ctx.deps.webhooks.deliveries({
          subscriptionId: request.params.id,
          limit: request.query.limit,
        }),
      };
    },
  );
};

import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { createApiKey } from "../../app/auth/create-key.ts";
import { WinnowError } from "../../core/errors.ts";
import { ROLES } from "../../core/roles.ts";
import type { ApiContext } from "../context.ts";
import { AUTH_ERRORS, IdParams, ProblemSchema } from "../schemas/common.ts";

const KeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    subject: z.string().nullable(),
    hint: z.string().describe("The first characters of the key, to recognise it"),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: "ApiKey" });

const NewKeyBody = z
  .object({
    name: z.string().min(1).max(200),
    role: z.enum(ROLES),
    subject: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("For rep keys: the owner id whose leads the key may see"),
  })
  .refine((b) => b.role !== "rep" || b.subject !== undefined, {
    path: ["subject"],
    message: "a rep key needs the owner id it acts as",
  });

/** API keys, admin only. The key itself is in the creation response and nowhere else, ever. */
export const keyRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const tags = ["keys"];
  app.get(
    "/keys",
    {
      config: { permission: "admin" },
      schema: {
        tags,
        summary: "List API keys (never the keys themselves)",
        response: { 200: z.object({ data: z.array(KeySchema) }), ...AUTH_ERRORS },
      },
    },
    async () => ({ data: (await ctx.deps.keys.list()).map((k) => KeySchema.parse(k)) }),
  );
  app.post(
    "/keys",
    {
      config: { permission: "admin" },
      schema: {
        tags,
        summary: "Create an API key; the response is the only time the key is shown",
        body: NewKeyBody,
        response: { 201: KeySchema.extend({ key: z.string() }), 422: ProblemSchema, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const created = await createApiKey(
        ctx.deps.keys,
        { ...request.body, subject: request.body.subject ?? null },
        ctx.now(),
        ctx.ids,
      );
      return reply.code(201).send({ ...KeySchema.parse(created.record), key: created.key });
    },
  );
  app.post(
    "/keys/:id/revoke",
    {
      config: { permission: "admin" },
      schema: {
        tags,
        summary: "Revoke an API key (takes effect at once)",
        params: IdParams,
        response: { 200: KeySchema, 404: ProblemSchema, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const revoked = await ctx.deps.keys.revoke(request.params.id, ctx.now().toISOString());
      if (!revoked)
        throw new WinnowError("WINNOW_ERR_NOT_FOUND", {
          message: `API key ${request.params.id} does not exist`,
        });
      ctx.forgetKeys();
      return KeySchema.parse(revoked);
    },
  );
};

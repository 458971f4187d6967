import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { WinnowError } from "../../core/errors.ts";
import type { ApiContext } from "../context.ts";

/** Liveness (the process answers) and readiness (the database answers too). Public, never rate limited. */
export const healthRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const open = { permission: "public", rateLimit: false } as const;
  app.get(
    "/healthz",
    {
      config: open,
      schema: {
        tags: ["health"],
        summary: "Liveness",
        security: [],
        response: { 200: z.object({ status: z.literal("ok") }) },
      },
    },
    async () => ({ status: "ok" as const }),
  );
  app.get(
    "/readyz",
    {
      config: open,
      schema: {
        tags: ["health"],
        summary: "Readiness: the database answers",
        security: [],
        response: { 200: z.object({ status: z.literal("ready") }) },
      },
    },
    async () => {
      try {
        await ctx.deps.ping();
      } catch (cause) {
        throw new WinnowError("WINNOW_ERR_NOT_READY", { cause });
      }
      return { status: "ready" as const };
    },
  );
};

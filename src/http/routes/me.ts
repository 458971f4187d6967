import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { PERMISSIONS, ROLE_PERMISSIONS, ROLES } from "../../core/roles.ts";
import { principalOf } from "../auth/authenticate.ts";
import { AUTH_ERRORS } from "../schemas/common.ts";

/** Who is calling (the API key, or the signed-in user) and what it may do (for clients deciding what to show). */
export const meRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/me",
    {
      config: { permission: "any-key" },
      schema: {
        tags: ["keys"],
        summary: "The calling key or signed-in user: name, role, owner id, permissions",
        response: {
          200: z.object({
            keyId: z.string(),
            name: z.string(),
            role: z.enum(ROLES),
            subject: z.string().nullable(),
            permissions: z.array(z.enum(PERMISSIONS)),
            user: z
              .object({ id: z.string(), email: z.string(), csrfToken: z.string() })
              .optional()
              .describe("Only for a signed-in user (session cookie): who, and the X-Winnow-CSRF token"),
          }),
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      return { ...p, permissions: [...ROLE_PERMISSIONS[p.role]] };
    },
  );
};

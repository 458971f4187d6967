import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { MAX_PASSWORD_LENGTH } from "../../app/auth/password.ts";
import { acceptInvite } from "../../app/auth/user-admin.ts";
import { isWinnowError, WinnowError } from "../../core/errors.ts";
import { ROLE_PERMISSIONS, type UserRole } from "../../core/roles.ts";
import { principalOf, sessionTokenOf } from "../auth/authenticate.ts";
import { changeOwnPassword } from "../auth/change-password.ts";
import { hashSessionToken, sessionCookie } from "../auth/session-token.ts";
import { type SignedIn, signIn } from "../auth/sign-in.ts";
import type { ApiContext } from "../context.ts";
import { AUTH_ERRORS, ProblemSchema } from "../schemas/common.ts";
import { Password, SignedInSchema, UserSchema } from "../schemas/users.ts";

/**
 * Each sign-in costs a deliberate scrypt hash, so on top of the per-email lockout one address may
 * try 30 times a minute (when the server's rate limit is on, as it is by default).
 */
const SIGN_IN_RATE = { max: 30, timeWindow: 60_000 } as const;

const SignInBody = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

function isHttps(request: FastifyRequest): boolean {
  return request.protocol === "https";
}

function opened(reply: FastifyReply, request: FastifyRequest, s: SignedIn) {
  reply.header("set-cookie", sessionCookie(s.token, isHttps(request)));
  reply.header("cache-control", "no-store");
  const role = s.user.role as UserRole;
  return reply.code(201).send({
    user: UserSchema.parse(s.user),
    name: s.user.displayName,
    role,
    subject: role === "rep" ? s.user.ownerId : null,
    permissions: [...ROLE_PERMISSIONS[role]],
    csrfToken: s.csrfToken,
    expiresAt: s.expiresAt,
  });
}

/**
 * Browser sign-in with email and password: an HttpOnly, SameSite=Strict session cookie (Secure over
 * https) and a CSRF token for the `X-Winnow-CSRF` header. Programs keep using API keys.
 */
export const sessionRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const tags = ["sessions"];
  const clock = () => ({
    now: ctx.now(),
    ids: ctx.ids,
    ...(ctx.deps.scrypt ? { scrypt: ctx.deps.scrypt } : {}),
  });

  async function open(request: FastifyRequest, reply: FastifyReply, email: string, password: string) {
    const result = await signIn(ctx.deps.users, { email, password }, ctx.now(), ctx.deps.scrypt);
    if (result.ok) return opened(reply, request, result);
    if (result.code === "WINNOW_ERR_SIGN_IN_LOCKED") {
      reply.header("retry-after", String(result.retryAfterSeconds));
      throw new WinnowError(result.code, { details: { retryAfterSeconds: result.retryAfterSeconds } });
    }
    throw new WinnowError(result.code);
  }

  app.post(
    "/sessions",
    {
      config: { permission: "public", rateLimit: SIGN_IN_RATE },
      schema: {
        tags,
        summary: "Sign in with email and password (sets the session cookie)",
        security: [],
        body: SignInBody,
        response: { 201: SignedInSchema, 401: ProblemSchema, 422: ProblemSchema, 429: ProblemSchema },
      },
    },
    async (request, reply) => open(request, reply, request.body.email, request.body.password),
  );

  app.post(
    "/sessions/invite",
    {
      config: { permission: "public", rateLimit: SIGN_IN_RATE },
      schema: {
        tags,
        summary: "Redeem an invite or reset token: set the password and sign in",
        security: [],
        body: z.object({ token: z.string().min(1).max(200), password: Password }),
        response: { 201: SignedInSchema, 400: ProblemSchema, 422: ProblemSchema, 429: ProblemSchema },
      },
    },
    async (request, reply) => {
      const user = await acceptInvite(ctx.deps.users, request.body.token, request.body.password, clock());
      return open(request, reply, user.email, request.body.password);
    },
  );

  app.put(
    "/me/password",
    {
      config: { permission: "any-key", rateLimit: SIGN_IN_RATE },
      schema: {
        tags,
        summary:
          "A signed-in user changes their own password (current + new); their other sessions end, this one stays",
        body: z.object({
          currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH),
          newPassword: Password,
        }),
        response: {
          200: z.object({
            endedSessions: z.number().int().describe("Other sessions of this user that were signed out"),
          }),
          422: ProblemSchema,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const token = p.user ? sessionTokenOf(request) : null;
      if (!p.user || token === null)
        throw new WinnowError("WINNOW_ERR_FORBIDDEN", {
          message:
            "Only a user signed in with email and password has a password to change (API keys have none)",
        });
      try {
        return await changeOwnPassword(
          ctx.deps.users,
          {
            userId: p.user.id,
            email: p.user.email,
            sessionToken: token,
            currentPassword: request.body.currentPassword,
            newPassword: request.body.newPassword,
          },
          ctx.now(),
          ctx.deps.scrypt,
        );
      } catch (error) {
        const retry = isWinnowError(error) ? error.details?.["retryAfterSeconds"] : undefined;
        if (typeof retry === "number") reply.header("retry-after", String(retry));
        throw error;
      }
    },
  );

  app.delete(
    "/sessions",
    {
      config: { permission: "any-key" },
      schema: {
        tags,
        summary: "Sign out: ends this session and clears the cookie",
        response: { 204: z.null(), ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const token = principalOf(request).user ? sessionTokenOf(request) : null;
      if (token !== null) await ctx.deps.users.deleteSession(hashSessionToken(token));
      reply.header("set-cookie", sessionCookie(null, isHttps(request)));
      return reply.code(204).send(null);
    },
  );
};

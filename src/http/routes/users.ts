import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { changeUser, createUser, resetPassword } from "../../app/auth/user-admin.ts";
import { WinnowError } from "../../core/errors.ts";
import { USER_ROLES } from "../../core/roles.ts";
import type { ApiContext } from "../context.ts";
import { AUTH_ERRORS, IdParams, ProblemSchema } from "../schemas/common.ts";
import { InviteSchema, Password, UserSchema } from "../schemas/users.ts";

const OwnerId = z.string().min(1).max(200).describe("For reps: the owner id whose leads they work");

const NewUserBody = z
  .object({
    email: z.string().min(3).max(254),
    displayName: z.string().min(1).max(200),
    role: z.enum(USER_ROLES),
    ownerId: OwnerId.optional(),
    password: Password.optional().describe(
      "An initial password; without it the response has a one-time invite token",
    ),
  })
  .refine((b) => b.role !== "rep" || b.ownerId !== undefined, {
    path: ["ownerId"],
    message: "a rep needs the owner id whose leads they work",
  });

const ChangeUserBody = z
  .object({
    displayName: z.string().min(1).max(200).optional(),
    role: z.enum(USER_ROLES).optional(),
    ownerId: OwnerId.nullable().optional(),
    disabled: z
      .boolean()
      .optional()
      .describe("true signs the user out everywhere and refuses their sign-ins"),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "nothing to change" });

/** User accounts, admin only. Passwords and tokens are never returned, except a new invite token once. */
export const userRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const tags = ["users"];
  const clock = () => ({
    now: ctx.now(),
    ids: ctx.ids,
    ...(ctx.deps.scrypt ? { scrypt: ctx.deps.scrypt } : {}),
  });
  const withInvite = UserSchema.extend({ invite: InviteSchema });

  app.get(
    "/users",
    {
      config: { permission: "admin" },
      schema: {
        tags,
        summary: "List users",
        response: { 200: z.object({ data: z.array(UserSchema) }), ...AUTH_ERRORS },
      },
    },
    async () => ({ data: (await ctx.deps.users.list()).map((u) => UserSchema.parse(u)) }),
  );

  app.post(
    "/users",
    {
      config: { permission: "admin" },
      schema: {
        tags,
        summary: "Create a user with an initial password, or with a one-time invite token",
        body: NewUserBody,
        response: { 201: withInvite, 409: ProblemSchema, 422: ProblemSchema, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { user, invite } = await createUser(
        ctx.deps.users,
        { ...b, ownerId: b.ownerId ?? null, password: b.password ?? null },
        clock(),
      );
      reply.header("cache-control", "no-store");
      return reply.code(201).send({ ...UserSchema.parse(user), invite });
    },
  );

  app.patch(
    "/users/:id",
    {
      config: { permission: "admin" },
      schema: {
        tags,
        summary: "Change a user's name, role, owner id, or disable / enable them",
        params: IdParams,
        body: ChangeUserBody,
        response: {
          200: UserSchema,
          404: ProblemSchema,
          409: ProblemSchema,
          422: ProblemSchema,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const { displayName, role, ownerId, disabled } = request.body;
      const user = await changeUser(
        ctx.deps.users,
        request.params.id,
        {
          ...(displayName !== undefined ? { displayName } : {}),
          ...(role !== undefined ? { role } : {}),
          ...(ownerId !== undefined ? { ownerId } : {}),
          ...(disabled !== undefined ? { disabled } : {}),
        },
        clock(),
      );
      return UserSchema.parse(user);
    },
  );

  app.post(
    "/users/:id/password",
    {
      config: { permission: "admin" },
      schema: {
        tags,
        summary: "Reset a user's password: set a new one, or issue a one-time reset token; signs them out",
        params: IdParams,
        body: z.object({ password: Password.optional() }),
        response: { 200: withInvite, 404: ProblemSchema, 422: ProblemSchema, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const { user, invite } = await resetPassword(
        ctx.deps.users,
        request.params.id,
        request.body.password ?? null,
        clock(),
      );
      reply.header("cache-control", "no-store");
      return { ...UserSchema.parse(user), invite };
    },
  );

  app.get(
    "/users/:id",
    {
      config: { permission: "admin" },
      schema: {
        tags,
        summary: "One user",
        params: IdParams,
        response: { 200: UserSchema, 404: ProblemSchema, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const user = await ctx.deps.users.get(request.params.id);
      if (!user)
        throw new WinnowError("WINNOW_ERR_NOT_FOUND", {
          message: `User ${request.params.id} does not exist`,
        });
      return UserSchema.parse(user);
    },
  );
};

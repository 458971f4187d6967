import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { WinnowError } from "../../core/errors.ts";
import type { ApiContext } from "../context.ts";
import { idempotent } from "../idempotency.ts";
import { AUTH_ERRORS, IdParams, ProblemSchema } from "../schemas/common.ts";
import {
  AccountInput,
  AccountPatch,
  AccountSchema,
  ContactInput,
  ContactPatch,
  ContactSchema,
} from "../schemas/records.ts";

/** Accounts and contacts: create, read, edit with optimistic concurrency (`expectedVersion`). */
export const accountRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const { storage } = ctx.deps;
  const errors = { 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema, ...AUTH_ERRORS };

  app.post(
    "/accounts",
    {
      config: { permission: "records:write" },
      schema: {
        tags: ["accounts"],
        summary: "Create an account",
        body: AccountInput,
        response: { 201: AccountSchema, ...errors },
      },
    },
    async (request, reply) =>
      idempotent(ctx, request, reply, async () => ({
        status: 201,
        body: await storage.accounts.create(request.body),
      })),
  );
  app.get(
    "/accounts/:id",
    {
      config: { permission: "records:read" },
      schema: {
        tags: ["accounts"],
        summary: "An account",
        params: IdParams,
        response: { 200: AccountSchema, ...errors },
      },
    },
    async (request) => {
      const account = await storage.accounts.get(request.params.id);
      if (!account)
        throw new WinnowError("WINNOW_ERR_ACCOUNT_NOT_FOUND", {
          message: `Account ${request.params.id} does not exist`,
        });
      return account;
    },
  );
  app.patch(
    "/accounts/:id",
    {
      config: { permission: "records:write" },
      schema: {
        tags: ["accounts"],
        summary: "Edit an account",
        params: IdParams,
        body: AccountPatch,
        response: { 200: AccountSchema, ...errors },
      },
    },
    async (request) => {
      const { expectedVersion, ...patch } = request.body;
      return storage.accounts.update(request.params.id, expectedVersion, patch);
    },
  );

  app.post(
    "/contacts",
    {
      config: { permission: "records:write" },
      schema: {
        tags: ["contacts"],
        summary: "Create a contact",
        body: ContactInput,
        response: { 201: ContactSchema, ...errors },
      },
    },
    async (request, reply) =>
      idempotent(ctx, request, reply, async () => ({
        status: 201,
        body: await storage.contacts.create(request.body),
      })),
  );
  app.get(
    "/contacts/:id",
    {
      config: { permission: "records:read" },
      schema: {
        tags: ["contacts"],
        summary: "A contact",
        params: IdParams,
        response: { 200: ContactSchema, ...errors },
      },
    },
    async (request) => {
      const contact = await storage.contacts.get(request.params.id);
      if (!contact)
        throw new WinnowError("WINNOW_ERR_CONTACT_NOT_FOUND", {
          message: `Contact ${request.params.id} does not exist`,
        });
      return contact;
    },
  );
  app.patch(
    "/contacts/:id",
    {
      config: { permission: "records:write" },
      schema: {
        tags: ["contacts"],
        summary: "Edit a contact",
        params: IdParams,
        body: ContactPatch,
        response: { 200: ContactSchema, ...errors },
      },
    },
    async (request) => {
      const { expectedVersion, ...patch } = request.body;
      return storage.contacts.update(request.params.id, expectedVersion, patch);
    },
  );
};

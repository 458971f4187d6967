import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { WinnowError } from "../../core/errors.ts";
import { listAccounts, listContacts } from "../../storage/record-lists.ts";
import type { ApiContext } from "../context.ts";
import { idempotent } from "../idempotency.ts";
import { AUTH_ERRORS, cursorParam, IdParams, ProblemSchema, pageOf } from "../schemas/common.ts";
import {
  AccountInput,
  AccountPatch,
  AccountSchema,
  ContactInput,
  ContactPatch,
  ContactSchema,
} from "../schemas/records.ts";

const Paging = {
  q: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: cursorParam(),
};

/** Accounts and contacts: list, create, read, edit with optimistic concurrency (`expectedVersion`). */
export const accountRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const { storage } = ctx.deps;
  const errors = { 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema, ...AUTH_ERRORS };
  const listErrors = { 400: ProblemSchema, 422: ProblemSchema, ...AUTH_ERRORS };

  app.get(
    "/accounts",
    {
      config: { permission: "records:read" },
      schema: {
        tags: ["accounts"],
        summary: "List accounts by name (search in name and domain, paginated by cursor)",
        querystring: z.object({ ...Paging, industry: z.string().min(1).max(200).optional() }),
        response: { 200: pageOf(AccountSchema), ...listErrors },
      },
    },
    async (request) => {
      const { q, industry, limit, cursor } = request.query;
      const page = await listAccounts(storage.sql, {
        ...(q ? { search: q } : {}),
        ...(industry ? { industry } : {}),
        ...(cursor ? { cursor } : {}),
        limit,
      });
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
  app.get(
    "/contacts",
    {
      config: { permission: "records:read" },
      schema: {
        tags: ["contacts"],
        summary: "List contacts by email (search in email and name, paginated by cursor)",
        querystring: z.object({ ...Paging, accountId: z.string().min(1).optional() }),
        response: { 200: pageOf(ContactSchema), ...listErrors },
      },
    },
    async (request) => {
      const { q, accountId, limit, cursor } = request.query;
      const page = await listContacts(storage.sql, {
        ...(q ? { search: q } : {}),
        ...(accountId ? { accountId } : {}),
        ...(cursor ? { cursor } : {}),
        limit,
      });
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

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
      const account = await storage.accounts.update(request.params.id, expectedVersion, patch);
      // Fit rules read the account's fields: its leads' stored scores must follow the edit.
      await ctx.deps.rescore?.(await storage.leads.idsFor({ accountId: account.id }));
      return account;
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
      const contact = await storage.contacts.update(request.params.id, expectedVersion, patch);
      await ctx.deps.rescore?.(await storage.leads.idsFor({ contactId: contact.id }));
      return contact;
    },
  );
};

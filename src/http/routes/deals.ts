import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { createDeal, recordDealOutcome } from "../../app/deals.ts";
import { WinnowError } from "../../core/errors.ts";
import { DEAL_STATUSES } from "../../core/records.ts";
import type { Storage, StoredDeal } from "../../storage/ports.ts";
import { listDeals } from "../../storage/record-lists.ts";
import { principalOf } from "../auth/authenticate.ts";
import type { ApiContext } from "../context.ts";
import { idempotent } from "../idempotency.ts";
import { canSeeLead, listOwnerFilter, ownerScope, visibleLead } from "../lead-access.ts";
import { AUTH_ERRORS, csv, cursorParam, IdParams, ProblemSchema, pageOf } from "../schemas/common.ts";
import { DealSchema } from "../schemas/lead-detail.ts";
import { Instant, LeadSchema } from "../schemas/records.ts";
import { workspaceSettings } from "../workspace-settings.ts";

const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, "A three-letter ISO 4217 code such as USD")
  .describe("ISO 4217, e.g. EUR");

const ListQuery = z.object({
  status: csv(DEAL_STATUSES).optional().describe("open, won, lost: comma-separated or repeated"),
  leadId: z.string().min(1).optional(),
  accountId: z.string().min(1).optional(),
  ownerId: z.string().min(1).optional().describe("Deals of this owner's leads; `none` = of unassigned leads"),
  createdFrom: Instant.optional(),
  createdTo: Instant.optional(),
  q: z.string().min(1).max(200).optional().describe("Search in the deal's name"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: cursorParam(),
});

const CreateBody = z.object({
  name: z.string().min(1).max(500),
  leadId: z.string().min(1).nullable().optional().describe("Required for rep keys (a lead they own)"),
  accountId: z.string().min(1).nullable().optional().describe("Defaults to the lead's account"),
  amount: z.number().min(0).nullable().optional(),
  currency: Currency.optional(),
  closeDate: Instant.nullable().optional().describe("Expected close date"),
  createdAt: Instant.optional(),
});

const PatchBody = z.object({
  expectedVersion: z.number().int().min(1).describe("The `version` you read; a stale one answers 409"),
  name: z.string().min(1).max(500).optional(),
  leadId: z.string().min(1).nullable().optional(),
  accountId: z.string().min(1).nullable().optional(),
  amount: z.number().min(0).nullable().optional(),
  currency: Currency.optional(),
  closeDate: Instant.nullable().optional(),
});

const CloseBody = z.object({
  expectedVersion: z.number().int().min(1),
  outcome: z.enum(["won", "lost"]),
  reason: z.string().max(500).nullable().optional().describe("Required when lost"),
  amount: z.number().min(0).nullable().optional().describe("The final amount, when it changed"),
  closeDate: Instant.optional().describe("Defaults to now"),
});

/** A deal the caller may see: reps only deals of leads they own; anything else answers 404. */
async function visibleDeal(storage: Storage, request: FastifyRequest, id: string): Promise<StoredDeal> {
  const deal = await storage.deals.get(id);
  const p = principalOf(request);
  let visible = deal !== null;
  if (deal && ownerScope(request) !== null) {
    const lead = deal.leadId ? await storage.leads.get(deal.leadId) : null;
    visible = lead !== null && canSeeLead(p, lead);
  }
  if (!deal || !visible)
    throw new WinnowError("WINNOW_ERR_DEAL_NOT_FOUND", { message: `Deal ${id} does not exist` });
  return deal;
}

/** Checks that a rep may attach a deal to this lead (their own), and returns it. */
async function attachableLead(storage: Storage, request: FastifyRequest, leadId: string | null | undefined) {
  if (ownerScope(request) !== null && !leadId)
    throw new WinnowError("WINNOW_ERR_FORBIDDEN", { message: "A rep's deal must belong to a lead they own" });
  return leadId ? visibleLead(storage, request, leadId) : null;
}

/**
 * Deals: list with filters and cursors, read, open, edit with optimistic concurrency, and close as
 * won or lost (with a reason when lost) — closing moves an opportunity lead to the same outcome in
 * the same transaction. Reps see and touch only deals of leads they own; ingest keys nothing.
 */
export const dealRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const tags = ["deals"];
  const { storage } = ctx.deps;
  const errors = { 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema, ...AUTH_ERRORS };

  app.get(
    "/deals",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary: "List deals, newest first (filtered, paginated by cursor)",
        querystring: ListQuery,
        response: {
          200: pageOf(DealSchema),
          400: ProblemSchema,
          422: ProblemSchema,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const ownerId = listOwnerFilter(request, q.ownerId, "A rep key lists only deals of its own leads");
      const page = await listDeals(storage.sql, {
        ...(q.status ? { statuses: q.status } : {}),
        ...(q.leadId ? { leadId: q.leadId } : {}),
        ...(q.accountId ? { accountId: q.accountId } : {}),
        ...(ownerId !== undefined ? { ownerId } : {}),
        ...(q.createdFrom ? { createdFrom: q.createdFrom } : {}),
        ...(q.createdTo ? { createdTo: q.createdTo } : {}),
        ...(q.q ? { search: q.q } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
        limit: q.limit,
      });
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  app.get(
    "/deals/:id",
    {
      config: { permission: "leads:read" },
      schema: { tags, summary: "A deal", params: IdParams, response: { 200: DealSchema, ...errors } },
    },
    async (request) => visibleDeal(storage, request, request.params.id),
  );

  app.post(
    "/deals",
    {
      config: { permission: "records:write" },
      schema: {
        tags,
        summary: "Open a deal (status open; close it with POST /deals/:id/close)",
        body: CreateBody,
        response: { 201: DealSchema, ...errors },
      },
    },
    async (request, reply) =>
      idempotent(ctx, request, reply, async () => {
        const b = request.body;
        const lead = await attachableLead(storage, request, b.leadId);
        const deal = await createDeal(storage, {
          name: b.name,
          leadId: lead?.id ?? null,
          accountId: b.accountId !== undefined ? b.accountId : (lead?.accountId ?? null),
          amount: b.amount ?? null,
          ...(b.currency ? { currency: b.currency } : {}),
          closeDate: b.closeDate ?? null,
          status: "open",
          createdAt: b.createdAt ?? ctx.now().toISOString(),
        });
        return { status: 201, body: deal };
      }),
  );

  app.patch(
    "/deals/:id",
    {
      config: { permission: "records:write" },
      schema: {
        tags,
        summary:
          "Edit a deal's name, amount, currency, expected close date, lead or account (optimistic concurrency)",
        params: IdParams,
        body: PatchBody,
        response: { 200: DealSchema, ...errors },
      },
    },
    async (request) => {
      await visibleDeal(storage, request, request.params.id);
      const { expectedVersion, ...patch } = request.body;
      if (patch.leadId !== undefined) await attachableLead(storage, request, patch.leadId);
      return storage.deals.update(request.params.id, expectedVersion, patch);
    },
  );

  app.post(
    "/deals/:id/close",
    {
      config: { permission: "records:write" },
      schema: {
        tags,
        summary: "Close a deal as won or lost; an opportunity lead moves to the same outcome",
        params: IdParams,
        body: CloseBody,
        response: { 200: z.object({ deal: DealSchema, lead: LeadSchema.nullable() }), ...errors },
      },
    },
    async (request, reply) =>
      idempotent(ctx, request, reply, async () => {
        const before = await visibleDeal(storage, request, request.params.id);
        if (before.status !== "open")
          throw new WinnowError("WINNOW_ERR_CONFLICT", {
            message: `Deal ${before.id} is already ${before.status}`,
            details: { status: before.status },
          });
        const b = request.body;
        const leadBefore = before.leadId ? await storage.leads.get(before.leadId) : null;
        const actor = principalOf(request).name;
        const at = ctx.now().toISOString();
        const result = await recordDealOutcome(
          storage,
          {
            dealId: before.id,
            expectedVersion: b.expectedVersion,
            status: b.outcome,
            reason: b.reason ?? null,
            ...(b.amount !== undefined ? { amount: b.amount } : {}),
            ...(b.closeDate ? { closeDate: b.closeDate } : {}),
            actor,
            now: at,
          },
          // The lifecycle in force: saved settings (Settings → SLA) over the server's file, as for moves.
          (await workspaceSettings(ctx)).lifecycle,
        );
        const lead = result.lead;
        if (lead && leadBefore && lead.stage !== leadBefore.stage)
          await ctx.webhooks.emit("lead.stage_changed", {
            leadId: lead.id,
            from: leadBefore.stage,
            to: lead.stage,
            reason: lead.reason,
            ownerId: lead.ownerId,
            actor,
            at,
          });
        return { status: 200, body: result };
      }),
  );
};

import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { captureLead } from "../../app/capture-lead.ts";
import { updateLead } from "../../app/records.ts";
import { withExplanation } from "../../app/score-explanations.ts";
import { WinnowError } from "../../core/errors.ts";
import { ENTRY_PATHS, STAGES } from "../../core/lifecycle/stages.ts";
import {
  HISTORY_KINDS,
  INLINE_EVENTS,
  INLINE_HISTORY,
  LEAD_SORT_FIELDS,
  MAX_INLINE_EVENTS,
  MAX_INLINE_HISTORY,
} from "../../storage/ports.ts";
import { principalOf } from "../auth/authenticate.ts";
import type { ApiContext } from "../context.ts";
import { idempotent } from "../idempotency.ts";
import { canSeeLead, listOwnerFilter, visibleLead } from "../lead-access.ts";
import {
  AUTH_ERRORS,
  csv,
  csvStrings,
  cursorParam,
  IdParams,
  ProblemSchema,
  pageOf,
} from "../schemas/common.ts";
import { HistorySchema, LeadDetailSchema } from "../schemas/lead-detail.ts";
import {
  AccountInput,
  AccountSchema,
  ContactInput,
  ContactSchema,
  Instant,
  LeadSchema,
} from "../schemas/records.ts";

/** `grade=A1,B` : a grade (fit letter A-D and engagement band 1-4) or a letter for all its grades. */
const GRADE = /^[A-D][1-4]?$/;

const ListQuery = z.object({
  stage: csv(STAGES).optional().describe("Stages, comma-separated or repeated: mql,sal"),
  grade: csvStrings
    .transform((xs) => xs.map((x) => x.toUpperCase()))
    .pipe(z.array(z.string().regex(GRADE, "A grade such as A1, or a fit letter A-D")))
    .optional()
    .describe("Grades or fit letters, comma-separated: A1,A2,B (B = every B grade)"),
  ownerId: z.string().min(1).optional().describe("`none` for unassigned leads"),
  source: z.string().min(1).optional(),
  entryPath: z.enum(ENTRY_PATHS).optional(),
  accountId: z.string().min(1).optional(),
  createdFrom: Instant.optional(),
  createdTo: Instant.optional(),
  q: z.string().min(1).max(200).optional().describe("Search in email, name and company"),
  sort: z.enum(LEAD_SORT_FIELDS).default("createdAt"),
  direction: z.enum(["asc", "desc"]).default("desc"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: cursorParam(),
});

const ListItem = z.object({
  lead: LeadSchema,
  email: z.string().nullable(),
  name: z.string().nullable(),
  company: z.string().nullable(),
  fit: z.number().nullable(),
  engagement: z.number().nullable(),
  grade: z.string().nullable(),
  probability: z.number().nullable().describe("The active predictive model's probability of a win"),
});

const CaptureBody = z.object({
  contact: ContactInput,
  account: AccountInput.optional(),
  source: z.string().min(1).max(100).nullable().optional(),
  entryPath: z.enum(ENTRY_PATHS).optional(),
  ownerId: z.string().min(1).max(200).nullable().optional(),
  createdAt: Instant.optional(),
});

const Captured = z.object({
  lead: LeadSchema,
  contact: ContactSchema,
  account: AccountSchema.nullable(),
  created: z.object({ account: z.boolean(), contact: z.boolean() }),
});

const LeadPatchBody = z.object({
  expectedVersion: z.number().int().min(1).describe("The `version` you read; a stale one answers 409"),
  source: z.string().min(1).max(100).nullable().optional(),
  ownerId: z.string().min(1).max(200).nullable().optional(),
  accountId: z.string().min(1).nullable().optional(),
});

/** Leads: capture (ingest too), list with filters, sort and cursors, detail, edits. Reps see their own only. */
export const leadRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const tags = ["leads"];
  const { storage } = ctx.deps;

  app.get(
    "/leads",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary: "List leads (filtered, sorted, paginated by cursor)",
        querystring: ListQuery,
        response: {
          200: pageOf(ListItem),
          400: ProblemSchema,
          422: ProblemSchema,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const ownerId = listOwnerFilter(request, q.ownerId, "A rep key lists only its own leads");
      const page = await storage.queries.listLeads({
        ...(q.stage ? { stages: q.stage } : {}),
        ...(q.grade ? { grades: q.grade } : {}),
        ...(ownerId !== undefined ? { ownerId } : {}),
        ...(q.source ? { source: q.source } : {}),
        ...(q.entryPath ? { entryPath: q.entryPath } : {}),
        ...(q.accountId ? { accountId: q.accountId } : {}),
        ...(q.createdFrom ? { createdFrom: q.createdFrom } : {}),
        ...(q.createdTo ? { createdTo: q.createdTo } : {}),
        ...(q.q ? { search: q.q } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
        sort: q.sort,
        direction: q.direction,
        limit: q.limit,
      });
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  app.post(
    "/leads",
    {
      config: { permission: "leads:write" },
      schema: {
        tags,
        summary: "Capture a lead: account matched by domain, contact by email, or created",
        body: CaptureBody,
        response: { 201: Captured, 422: ProblemSchema, ...AUTH_ERRORS },
      },
    },
    async (request, reply) =>
      idempotent(ctx, request, reply, async () => {
        const p = principalOf(request);
        const body = request.body;
        let ownerId = body.ownerId ?? null;
        if (p.role === "rep") {
          if (ownerId !== null && ownerId !== p.subject)
            throw new WinnowError("WINNOW_ERR_FORBIDDEN", {
              message: "A rep can only create leads they own",
            });
          ownerId = p.subject;
        }
        const captured = await captureLead(storage, {
          contact: body.contact,
          ...(body.account ? { account: body.account } : {}),
          source: body.source ?? null,
          entryPath: body.entryPath ?? "standard",
          ownerId,
          createdAt: body.createdAt ?? ctx.now().toISOString(),
          actor: p.name,
        });
        return { status: 201, body: captured };
      }),
  );

  app.get(
    "/leads/:id",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary:
          "A lead with its contact, account, score, scorecard, most recent events and history entries (with their counts), activities, deals and SLA breaches",
        params: IdParams,
        querystring: z.object({
          events: z.coerce
            .number()
            .int()
            .min(0)
            .max(MAX_INLINE_EVENTS)
            .default(INLINE_EVENTS)
            .describe(
              "How many of the lead's most recent events to include; the rest are paged by GET /v1/leads/:id/events?cursor=eventsNextCursor",
            ),
          history: z.coerce
            .number()
            .int()
            .min(0)
            .max(MAX_INLINE_HISTORY)
            .default(INLINE_HISTORY)
            .describe(
              "How many of the lead's most recent history entries to include; the rest are paged by GET /v1/leads/:id/history?cursor=historyNextCursor",
            ),
        }),
        response: { 200: LeadDetailSchema, 404: ProblemSchema, 422: ProblemSchema, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      // One statement; the access check runs on the lead it returns (someone else's lead answers
      // 404 like a missing one, as visibleLead does).
      const detail = await storage.queries.leadDetail(request.params.id, {
        events: request.query.events,
        history: request.query.history,
      });
      if (!detail || !canSeeLead(principalOf(request), detail.lead))
        throw new WinnowError("WINNOW_ERR_LEAD_NOT_FOUND", {
          message: `Lead ${request.params.id} does not exist`,
        });
      // A full rescore stores no explanation: it is derived here from the ledger.
      return { ...detail, score: await withExplanation(storage, detail.score) };
    },
  );

  app.get(
    "/leads/:id/history",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary:
          "A lead's history (stage, score, evidence and owner changes), newest first (ties by id), paginated by cursor",
        params: IdParams,
        querystring: z.object({
          kind: csv(HISTORY_KINDS)
            .optional()
            .describe("Only these kinds, comma-separated or repeated: stage,owner"),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          cursor: cursorParam("`historyNextCursor` of GET /v1/leads/:id"),
        }),
        response: {
          200: pageOf(HistorySchema),
          400: ProblemSchema,
          404: ProblemSchema,
          422: ProblemSchema,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      await visibleLead(storage, request, request.params.id);
      const { kind, limit, cursor } = request.query;
      const page = await storage.queries.leadHistory(request.params.id, {
        ...(kind ? { kinds: kind } : {}),
        ...(cursor ? { cursor } : {}),
        limit,
      });
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  app.patch(
    "/leads/:id",
    {
      config: { permission: "records:write" },
      schema: {
        tags,
        summary: "Edit a lead's source, owner or account (optimistic concurrency)",
        params: IdParams,
        body: LeadPatchBody,
        response: {
          200: LeadSchema,
          404: ProblemSchema,
          409: ProblemSchema,
          422: ProblemSchema,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      await visibleLead(storage, request, request.params.id);
      const { expectedVersion, ...patch } = request.body;
      const p = principalOf(request);
      if (p.role === "rep" && patch.ownerId !== undefined && patch.ownerId !== p.subject) {
        throw new WinnowError("WINNOW_ERR_FORBIDDEN", {
          message: "A rep cannot hand a lead to someone else; ask a manager",
        });
      }
      // One transaction: the edit and its owner-change history entry, or neither.
      const lead = await updateLead(storage, request.params.id, expectedVersion, {
        ...patch,
        actor: p.name,
        now: ctx.now().toISOString(),
      });
      // Fit rules may read the lead's source, owner or account: its stored score follows the edit.
      await ctx.deps.rescore?.([lead.id]);
      return lead;
    },
  );
};

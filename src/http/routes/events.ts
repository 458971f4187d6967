import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { WinnowError } from "../../core/errors.ts";
import type { EventInput as StoredEventInput } from "../../storage/ports.ts";
import type { ApiContext } from "../context.ts";
import { createEventBatcher } from "../event-batcher.ts";
import { visibleLead } from "../lead-access.ts";
import { AUTH_ERRORS, cursorParam, IdParams, ProblemSchema, pageOf } from "../schemas/common.ts";
import { EventInput, EventSchema } from "../schemas/records.ts";
import { eventSerializerCompiler, eventValidatorCompiler } from "./events-fast-path.ts";

const Outcome = z.object({
  index: z.number().int(),
  id: z.string(),
  status: z.enum(["created", "duplicate"]),
});
const MAX_BATCH = 1000;

/**
 * Behaviour events: durable (stored before the answer) and idempotent by the client's `key`, so that
 * a retried request never counts an event twice. A batch is all-or-nothing. Leads are rescored just
 * after the answer (in the background), or before it with `?wait=score`.
 */
export const eventRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const tags = ["events"];
  const { storage } = ctx.deps;
  const toInput = (e: z.infer<typeof EventInput>): StoredEventInput => ({
    key: e.key ?? null,
    leadId: e.leadId,
    type: e.type,
    occurredAt: e.occurredAt,
    properties: e.properties ?? {},
  });
  // Group writes in flight at once: one, on either engine. PGlite runs one statement at a time
  // anyway. On PostgreSQL two had been steadily better than one (1 / 2 / 4 writers alternated
  // three times: 2,829-4,775 / 4,857-5,002 / 4,248-5,360 req/s) while a group write cost ~0.9 ms of
  // backend CPU; since it costs ~0.67 ms (time-ordered ids, the lead probe), one writer commits
  // bigger groups (21-24 instead of 14-18 requests per commit) for less CPU per request. Quiet
  // machine, bench:api --seconds 10 --engines postgres, six alternated pairs (2026-11-30 12:36-12:42,
  // load 2.5-3.7): one writer 10,029-11,423 req/s (p99 12-17 ms), two 8,344-10,668 (p99 14-18 ms);
  // one ahead in 5 of 6 pairs.
  // What follows a write (rescoring the leads, threshold webhooks) is queued, not awaited: a request
  // is answered once its events are committed, and the background queue rescores the touched leads
  // of every group stored meanwhile in one run (after-ingest-queue.ts). `?wait=score` answers only
  // after the run covering the request's events; a failure there is logged, never answered as an
  // error, so that a client never retries (and never doubles) a stored event.
  const batcher = createEventBatcher((batch) => storage.events.ingest(batch), 2000, 1);
  const ingest = async (batch: StoredEventInput[], wait: boolean) => {
    const outcomes = await batcher.ingest(batch);
    const scored = ctx.afterIngest.add(batch, outcomes, wait);
    if (wait) await scored;
    return outcomes;
  };
  const querystring = z.object({
    wait: z
      .enum(["score"])
      .optional()
      .describe(
        "`score`: answer once the leads of these events are rescored (by default, once they are stored)",
      ),
  });

  app.post(
    "/events",
    {
      config: { permission: "events:write" },
      // The hottest route: a plainly valid event skips zod (its errors are unchanged), and the
      // outcome is written without a zod pass over our own answer (events-fast-path.ts).
      validatorCompiler: eventValidatorCompiler,
      serializerCompiler: eventSerializerCompiler,
      schema: {
        tags,
        summary: "Record one behaviour event (201 when stored, 200 when its key was already stored)",
        querystring,
        body: EventInput,
        response: { 200: Outcome, 201: Outcome, 422: ProblemSchema, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const [outcome] = await ingest([toInput(request.body)], request.query.wait === "score");
      if (!outcome)
        throw new WinnowError("WINNOW_ERR_INTERNAL", { message: "The event was neither stored nor found" });
      return reply.code(outcome.status === "created" ? 201 : 200).send(outcome);
    },
  );

  app.post(
    "/events/batch",
    {
      config: { permission: "events:write" },
      schema: {
        tags,
        summary: `Record up to ${MAX_BATCH} events in one transaction (all or nothing)`,
        querystring,
        body: z.object({ events: z.array(EventInput).min(1).max(MAX_BATCH) }),
        response: {
          200: z.object({
            created: z.number().int(),
            duplicates: z.number().int(),
            results: z.array(Outcome),
          }),
          422: ProblemSchema,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      try {
        const results = await ingest(request.body.events.map(toInput), request.query.wait === "score");
        const created = results.filter((r) => r.status === "created").length;
        return { created, duplicates: results.length - created, results };
      } catch (error) {
        // Storage reports `[i].leadId`; say where that is in the request.
        const e = error as { issues?: { path: string; message: string }[] };
        if (Array.isArray(e.issues))
          e.issues = e.issues.map((i) => ({
            ...i,
            path: `body.events${i.path.startsWith("[") ? "." : ""}${i.path.replace(/^\[(\d+)\]/, "$1")}`,
          }));
        throw error;
      }
    },
  );

  app.get(
    "/leads/:id/events",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary: "A lead's events, newest first (ties by id), paginated by cursor",
        params: IdParams,
        querystring: z.object({
          since: z.iso.datetime({ offset: true }).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          cursor: cursorParam("`eventsNextCursor` of GET /v1/leads/:id"),
        }),
        response: {
          200: pageOf(EventSchema),
          400: ProblemSchema,
          404: ProblemSchema,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      await visibleLead(storage, request, request.params.id);
      const { since, limit, cursor } = request.query;
      const page = await storage.queries.leadEvents(request.params.id, {
        ...(since ? { since } : {}),
        ...(cursor ? { cursor } : {}),
        limit,
      });
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
};

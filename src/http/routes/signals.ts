import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { leadSignals } from "../../app/lead-signals.ts";
import { readSignals, SIGNALS_MAX_TEXT_LENGTH } from "../../core/signals/read-signals.ts";
import { suggestEvidence } from "../../core/signals/suggest-evidence.ts";
import type { ApiContext } from "../context.ts";
import { visibleLead } from "../lead-access.ts";
import { AUTH_ERRORS, IdParams, ProblemSchema } from "../schemas/common.ts";

const Day = z.iso.date().describe("The note's own date (YYYY-MM-DD): relative dates resolve against it");
const Lang = z.string().min(2).max(10).optional().describe("Language pack (built in: en)");
const Text = z.string().max(SIGNALS_MAX_TEXT_LENGTH);

const ReadBody = z.object({
  text: Text.describe("A discovery note, call transcript or inbound lead text"),
  date: Day,
  lang: Lang,
  previous: z
    .array(z.object({ text: Text, date: Day }))
    .max(50)
    .optional()
    .describe("Earlier notes about the same lead, oldest first (cross-call consistency)"),
});

const LeadBody = z
  .object({
    text: Text.optional().describe("Read this text; without it, the lead's notes and activity text"),
    date: Day.optional(),
    lang: Lang,
  })
  .default({});

// Signal results are plain data defined (and tested) by the signals core; documented loosely here.
const Loose = z.array(z.record(z.string(), z.unknown()));
const ReadResponse = z.object({
  lang: z.string(),
  date: z.string(),
  evidence: Loose,
  goodSigns: Loose,
  redFlags: Loose,
  questions: Loose,
  suggestions: Loose,
});

/** Reading the buyer's words: stateless reading, and suggested evidence for a lead's scorecard. */
export const signalRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const tags = ["signals"];
  const { storage } = ctx.deps;
  const errors = { 404: ProblemSchema, 413: ProblemSchema, 422: ProblemSchema, ...AUTH_ERRORS };

  app.post(
    "/signals",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary:
          "Read a note: evidence per element, good signs, red flags and next questions, each quoting its span",
        body: ReadBody,
        response: { 200: ReadResponse, ...errors },
      },
    },
    async (request) => {
      const { text, date, lang, previous } = request.body;
      const result = readSignals(text, {
        date,
        ...(lang ? { lang } : {}),
        ...(previous ? { previous } : {}),
      });
      return { ...result, suggestions: suggestEvidence(result) } as unknown as z.infer<typeof ReadResponse>;
    },
  );

  app.post(
    "/leads/:id/signals",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary:
          "Suggested evidence from the lead's notes (or a given text), each with the evidence edit that confirms it",
        params: IdParams,
        body: LeadBody,
        response: {
          200: z.object({
            leadId: z.string(),
            scorecardVersion: z.number().int(),
            framework: z.string().nullable(),
            notes: Loose,
            suggestions: Loose,
            alreadyVerified: z.array(z.string()),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const lead = await visibleLead(storage, request, request.params.id);
      const body = request.body;
      const r = await leadSignals(storage, {
        leadId: lead.id,
        now: ctx.now().toISOString(),
        ...(body.text !== undefined ? { text: body.text } : {}),
        ...(body.date ? { date: body.date } : {}),
        ...(body.lang ? { lang: body.lang } : {}),
      });
      return r as unknown as {
        leadId: string;
        scorecardVersion: number;
        framework: string | null;
        notes: Record<string, unknown>[];
        suggestions: Record<string, unknown>[];
        alreadyVerified: string[];
      };
    },
  );
};

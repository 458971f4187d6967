import { z } from "zod";
import { VERDICT_OUTCOMES } from "../../storage/ports.ts";
import {
  AccountSchema,
  ActivitySchema,
  ContactSchema,
  EventSchema,
  LeadSchema,
  ScoreSchema,
} from "./records.ts";

export const ScorecardSchema = z
  .object({
    id: z.string(),
    leadId: z.string(),
    version: z.number().int(),
    framework: z.string(),
    evidence: z.record(z.string(), z.unknown()),
    verdictOutcome: z.enum(VERDICT_OUTCOMES).nullable(),
    verdict: z.unknown(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: "Scorecard" });

export const HistorySchema = z.object({
  id: z.number(),
  leadId: z.string(),
  kind: z.string(),
  actor: z.string(),
  at: z.string(),
  reason: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});

export const SlaBreachSchema = z.object({
  id: z.number(),
  leadId: z.string(),
  sla: z.string(),
  ownerId: z.string().nullable(),
  dueAt: z.string(),
  detectedAt: z.string(),
  overdueSeconds: z.number(),
  details: z.record(z.string(), z.unknown()),
});

export const DealSchema = z.object({
  id: z.string(),
  accountId: z.string().nullable(),
  leadId: z.string().nullable(),
  name: z.string(),
  amount: z.number().nullable(),
  currency: z.string(),
  status: z.string(),
  createdAt: z.string(),
  closeDate: z.string().nullable(),
  reason: z.string().nullable(),
  version: z.number(),
  updatedAt: z.string(),
});

export const LeadDetailSchema = z
  .object({
    lead: LeadSchema,
    contact: ContactSchema,
    account: AccountSchema.nullable(),
    score: ScoreSchema.nullable(),
    scorecard: ScorecardSchema.nullable(),
    events: z.array(EventSchema).describe("The most recent events, newest first (20 unless `?events=` says)"),
    eventCount: z.number().int().describe("How many events the lead has in all"),
    eventsNextCursor: z
      .string()
      .nullable()
      .describe("`cursor` for GET /v1/leads/:id/events to page on after `events`; null when they are all"),
    activities: z.array(ActivitySchema),
    deals: z.array(DealSchema),
    history: z
      .array(HistorySchema)
      .describe(
        "The most recent history entries, newest first (ties by id, newest first): 50 unless `?history=`",
      ),
    historyCount: z.number().int().describe("How many history entries the lead has in all"),
    historyNextCursor: z
      .string()
      .nullable()
      .describe("`cursor` for GET /v1/leads/:id/history to page on after `history`; null when they are all"),
    slaBreaches: z.array(SlaBreachSchema),
  })
  .meta({ id: "LeadDetail" });

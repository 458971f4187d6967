import { z } from "zod";
import { ENTRY_PATHS, STAGES } from "../../core/lifecycle/stages.ts";
import {
  ACTIVITY_TYPES,
  ATTEMPT_OUTCOMES,
  BUYING_ROLES,
  EMAIL_STATUSES,
  SENIORITIES,
} from "../../core/records.ts";

/** Wire shapes of the records (responses) and of their inputs (requests). */
export const Instant = z.iso
  .datetime({ offset: true })
  .describe("ISO-8601 instant, e.g. 2026-03-01T09:30:00Z");
export const Attributes = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
const Versioned = { version: z.number().int(), updatedAt: z.string() };

export const AccountSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    domain: z.string().nullable(),
    industry: z.string().nullable(),
    employees: z.number().nullable(),
    annualRevenue: z.number().nullable(),
    country: z.string().nullable(),
    region: z.string().nullable(),
    attributes: Attributes,
    ...Versioned,
  })
  .meta({ id: "Account" });

export const AccountInput = z.object({
  id: z.string().min(1).max(200).optional(),
  name: z.string().min(1).max(500),
  domain: z.string().max(253).nullable().optional(),
  industry: z.string().max(200).nullable().optional(),
  employees: z.number().int().min(0).nullable().optional(),
  annualRevenue: z.number().min(0).nullable().optional(),
  country: z.string().max(100).nullable().optional(),
  region: z.string().max(100).nullable().optional(),
  attributes: Attributes.optional(),
});
export const AccountPatch = AccountInput.omit({ id: true })
  .partial()
  .extend({ expectedVersion: z.number().int().min(1) });

export const ContactSchema = z
  .object({
    id: z.string(),
    accountId: z.string().nullable(),
    email: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    title: z.string().nullable(),
    seniority: z.enum(SENIORITIES).nullable(),
    buyingRole: z.enum(BUYING_ROLES).nullable(),
    phone: z.string().nullable(),
    emailStatus: z.enum(EMAIL_STATUSES),
    unsubscribed: z.boolean(),
    attributes: Attributes,
    ...Versioned,
  })
  .meta({ id: "Contact" });

export const ContactInput = z.object({
  id: z.string().min(1).max(200).optional(),
  accountId: z.string().min(1).nullable().optional(),
  email: z.email().max(320).nullable().optional(),
  firstName: z.string().max(200).nullable().optional(),
  lastName: z.string().max(200).nullable().optional(),
  title: z.string().max(300).nullable().optional(),
  seniority: z.enum(SENIORITIES).nullable().optional(),
  buyingRole: z.enum(BUYING_ROLES).nullable().optional(),
  phone: z.string().max(50).nullable().optional(),
  emailStatus: z.enum(EMAIL_STATUSES).optional(),
  unsubscribed: z.boolean().optional(),
  attributes: Attributes.optional(),
});
export const ContactPatch = ContactInput.omit({ id: true })
  .partial()
  .extend({ expectedVersion: z.number().int().min(1) });

export const ReEntrySchema = z.object({
  after: z.string().nullable(),
  minScore: z.number().nullable(),
  note: z.string().nullable(),
});

export const LeadSchema = z
  .object({
    id: z.string(),
    contactId: z.string(),
    accountId: z.string().nullable(),
    source: z.string().nullable(),
    entryPath: z.enum(ENTRY_PATHS),
    ownerId: z.string().nullable(),
    stage: z.enum(STAGES),
    stageEnteredAt: z.string(),
    createdAt: z.string(),
    reason: z.string().nullable(),
    reEntry: ReEntrySchema.nullable(),
    slaDueAt: z.string().nullable(),
    ...Versioned,
  })
  .meta({ id: "Lead" });

export const EventSchema = z
  .object({
    id: z.string(),
    leadId: z.string(),
    type: z.string(),
    occurredAt: z.string(),
    properties: Attributes,
    idempotencyKey: z.string().nullable(),
    receivedAt: z.string(),
  })
  .meta({ id: "Event" });

export const EventInput = z.object({
  key: z.string().min(1).max(200).optional().describe("Client idempotency key: the same key is stored once"),
  leadId: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  occurredAt: Instant,
  properties: Attributes.optional(),
});

export const ActivitySchema = z
  .object({
    id: z.string(),
    leadId: z.string(),
    type: z.enum(ACTIVITY_TYPES),
    outcome: z.enum(ATTEMPT_OUTCOMES).nullable(),
    occurredAt: z.string(),
    by: z.string(),
    body: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "Activity" });

export const ActivityInput = z.object({
  type: z.enum(ACTIVITY_TYPES),
  outcome: z.enum(ATTEMPT_OUTCOMES).nullable().optional(),
  occurredAt: Instant,
  body: z.string().max(20_000).nullable().optional(),
});

export const ScoreSchema = z.object({
  leadId: z.string(),
  modelId: z.string().nullable(),
  fit: z.number(),
  engagement: z.number(),
  grade: z.string().nullable(),
  explanation: z.unknown(),
  computedAt: z.string(),
});

import { z } from "zod";
import { ENTRY_PATHS, STAGES } from "../lifecycle/stages.ts";
import { BUYING_ROLES, EMAIL_STATUSES, SENIORITIES } from "../records.ts";
import type { ScoreInput } from "./prepare.ts";

const attributes = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({});
const instant = z.iso.datetime({ offset: true });
const text = z.string().nullable().default(null);

const account = z.object({
  id: z.string().min(1),
  name: z.string().default(""),
  domain: text,
  industry: text,
  employees: z.number().nullable().default(null),
  annualRevenue: z.number().nullable().default(null),
  country: text,
  region: text,
  attributes,
});

const contact = z.object({
  id: z.string().min(1),
  accountId: text,
  email: text,
  firstName: text,
  lastName: text,
  title: text,
  seniority: z.enum(SENIORITIES).nullable().default(null),
  buyingRole: z.enum(BUYING_ROLES).nullable().default(null),
  phone: text,
  emailStatus: z.enum(EMAIL_STATUSES).default("unknown"),
  unsubscribed: z.boolean().default(false),
  attributes,
});

const lead = z.object({
  id: z.string().min(1),
  contactId: z.string().default(""),
  accountId: text,
  source: text,
  entryPath: z.enum(ENTRY_PATHS).default("standard"),
  ownerId: text,
  stage: z.enum(STAGES).default("new"),
  stageEnteredAt: instant.optional(),
  createdAt: instant,
});

const event = z.object({
  id: z.string().min(1),
  leadId: z.string().default(""),
  type: z.string().min(1),
  occurredAt: instant,
  properties: attributes,
});

/**
 * A lead bundle to score, as JSON (e.g. `winnow score leads model.yaml leads.json`): the lead
 * with its account, contact and events. Optional record fields default to null / empty.
 *
 * @example
 * scoreInputSchema.parse({ lead: { id: "l1", createdAt: "2026-01-05T10:00:00Z" }, events: [] });
 */
export const scoreInputSchema = z
  .object({
    account: account.nullable().default(null),
    contact: contact.nullable().default(null),
    lead: lead,
    events: z.array(event).default([]),
  })
  .transform(
    (b): ScoreInput => ({
      account: b.account,
      contact: b.contact,
      lead: { ...b.lead, stageEnteredAt: b.lead.stageEnteredAt ?? b.lead.createdAt },
      events: b.events.map((e) => ({ ...e, leadId: e.leadId || b.lead.id })),
    }),
  );

export const scoreInputsSchema = z.array(scoreInputSchema);

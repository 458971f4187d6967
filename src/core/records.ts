import type { EntryPath, Stage } from "./lifecycle/stages.ts";

/**
 * The plain records Winnow works on, shared by core (scoring, lifecycle, model), storage and the
 * edges. Instants are ISO-8601 strings in UTC (`2026-03-01T09:30:00.000Z`); core functions that
 * need the current time take it as an argument.
 */
export type Instant = string;
export type Id = string;

/** Custom attributes: flat, JSON-safe values only. */
export type Attributes = Readonly<Record<string, string | number | boolean | null>>;

export type Account = {
  readonly id: Id;
  readonly name: string;
  readonly domain: string | null;
  readonly industry: string | null;
  readonly employees: number | null;
  readonly annualRevenue: number | null;
  readonly country: string | null;
  readonly region: string | null;
  readonly attributes: Attributes;
};

export const BUYING_ROLES = [
  "economic_buyer",
  "champion",
  "influencer",
  "user",
  "gatekeeper",
  "blocker",
] as const;
export type BuyingRole = (typeof BUYING_ROLES)[number];

export const SENIORITIES = ["intern", "individual", "manager", "director", "vp", "c_level", "owner"] as const;
export type Seniority = (typeof SENIORITIES)[number];

export const EMAIL_STATUSES = ["unknown", "valid", "bounced"] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export type Contact = {
  readonly id: Id;
  readonly accountId: Id | null;
  readonly email: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly title: string | null;
  readonly seniority: Seniority | null;
  readonly buyingRole: BuyingRole | null;
  readonly phone: string | null;
  readonly emailStatus: EmailStatus;
  readonly unsubscribed: boolean;
  readonly attributes: Attributes;
};

export type Lead = {
  readonly id: Id;
  readonly contactId: Id;
  readonly accountId: Id | null;
  /** Where it came from: `webinar`, `paid_search`, `organic`, `referral`, `event`, `outbound`, `partner`, ... */
  readonly source: string | null;
  readonly entryPath: EntryPath;
  readonly ownerId: string | null;
  readonly stage: Stage;
  readonly stageEnteredAt: Instant;
  readonly createdAt: Instant;
};

/** Behaviour event types Winnow knows by name; any other string is allowed too. */
export const EVENT_TYPES = [
  "page_view",
  "pricing_page_view",
  "asset_download",
  "webinar_registered",
  "webinar_attended",
  "demo_request",
  "trial_started",
  "form_submitted",
  "click_to_call",
  "email_open",
  "email_click",
  "email_bounced",
  "unsubscribed",
] as const;
export type KnownEventType = (typeof EVENT_TYPES)[number];

export type BehaviourEvent = {
  readonly id: Id;
  readonly leadId: Id;
  readonly type: string;
  readonly occurredAt: Instant;
  readonly properties: Attributes;
};

export const ACTIVITY_TYPES = ["call", "email", "message", "meeting", "note"] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];
export const ATTEMPT_OUTCOMES = [
  "connected",
  "no_answer",
  "voicemail",
  "bounced",
  "replied",
  "sent",
  "wrong_number",
] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** A contact attempt (call/email/message with an outcome), a meeting, or a note. */
export type Activity = {
  readonly id: Id;
  readonly leadId: Id;
  readonly type: ActivityType;
  readonly outcome: AttemptOutcome | null;
  readonly occurredAt: Instant;
  readonly by: string;
  readonly body: string | null;
};

export const DEAL_STATUSES = ["open", "won", "lost"] as const;
export type DealStatus = (typeof DEAL_STATUSES)[number];

export type Deal = {
  readonly id: Id;
  readonly accountId: Id | null;
  readonly leadId: Id | null;
  readonly name: string;
  readonly amount: number | null;
  readonly currency: string;
  readonly status: DealStatus;
  readonly createdAt: Instant;
  readonly closeDate: Instant | null;
  readonly reason: string | null;
};

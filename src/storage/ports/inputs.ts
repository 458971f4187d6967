import type { ReEntry, VerdictOutcome } from "../../core/lifecycle/reasons.ts";
import type { EntryPath, Stage } from "../../core/lifecycle/stages.ts";
import type {
  ActivityType,
  AttemptOutcome,
  Attributes,
  BuyingRole,
  DealStatus,
  EmailStatus,
  Id,
  Instant,
  Seniority,
} from "../../core/records.ts";

// Inputs. Validation happens at the edges (zod); repositories trust the shapes below.

export type AccountInput = {
  readonly id?: Id;
  readonly name: string;
  readonly domain?: string | null;
  readonly industry?: string | null;
  readonly employees?: number | null;
  readonly annualRevenue?: number | null;
  readonly country?: string | null;
  readonly region?: string | null;
  readonly attributes?: Attributes;
};
export type AccountPatch = Partial<Omit<AccountInput, "id">>;

export type ContactInput = {
  readonly id?: Id;
  readonly accountId?: Id | null;
  readonly email?: string | null;
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  readonly title?: string | null;
  readonly seniority?: Seniority | null;
  readonly buyingRole?: BuyingRole | null;
  readonly phone?: string | null;
  readonly emailStatus?: EmailStatus;
  readonly unsubscribed?: boolean;
  readonly attributes?: Attributes;
};
export type ContactPatch = Partial<Omit<ContactInput, "id">>;

export type LeadInput = {
  readonly id?: Id;
  readonly contactId: Id;
  readonly accountId?: Id | null;
  readonly source?: string | null;
  readonly entryPath?: EntryPath;
  readonly ownerId?: string | null;
  readonly stage?: Stage;
  readonly createdAt: Instant;
};
export type LeadPatch = {
  readonly source?: string | null;
  readonly ownerId?: string | null;
  readonly accountId?: Id | null;
};

/** A stage change as storage applies it (the lifecycle core decides it; the app passes it here). */
export type StageChange = {
  readonly stage: Stage;
  readonly stageEnteredAt: Instant;
  readonly reason: string | null;
  readonly reEntry: ReEntry | null;
  readonly slaDueAt: Instant | null;
};

export type EventInput = {
  /** Client-supplied idempotency key: the same key twice stores the event once. */
  readonly key?: string | null;
  readonly leadId: Id;
  readonly type: string;
  readonly occurredAt: Instant;
  readonly properties?: Attributes;
};
export type IngestOutcome = {
  readonly index: number;
  readonly id: Id;
  readonly status: "created" | "duplicate";
};

export type ActivityInput = {
  readonly leadId: Id;
  readonly type: ActivityType;
  readonly outcome?: AttemptOutcome | null;
  readonly occurredAt: Instant;
  readonly by: string;
  readonly body?: string | null;
};

export type ScorecardInput = {
  readonly framework: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly verdictOutcome: VerdictOutcome | null;
  readonly verdict?: unknown;
  readonly createdBy: string;
  readonly createdAt: Instant;
};

export type DealInput = {
  readonly id?: Id;
  readonly accountId?: Id | null;
  readonly leadId?: Id | null;
  readonly name: string;
  readonly amount?: number | null;
  readonly currency?: string;
  readonly status?: DealStatus;
  readonly createdAt: Instant;
  readonly closeDate?: Instant | null;
  readonly reason?: string | null;
};
export type DealPatch = Partial<Omit<DealInput, "id" | "createdAt">>;

export type ScoringModelInput = {
  readonly id?: Id;
  readonly name: string;
  readonly document: unknown;
  readonly createdBy: string;
  readonly createdAt: Instant;
};

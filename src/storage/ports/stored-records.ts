import type { ReEntry, VerdictOutcome } from "../../core/lifecycle/reasons.ts";
import type {
  Account,
  Activity,
  BehaviourEvent,
  Contact,
  Deal,
  Id,
  Instant,
  Lead,
} from "../../core/records.ts";

// Stored records: core records plus the bookkeeping storage adds.

/** `version` starts at 1 and grows by one on every update; pass it back as `expectedVersion`. */
export type Versioned = { readonly version: number; readonly updatedAt: Instant };

export type StoredAccount = Account & Versioned;
export type StoredContact = Contact & Versioned;
export type StoredDeal = Deal & Versioned;

/** Re-entry criteria a recycled lead carries: when it may come back to MQL. */
export type { ReEntry, VerdictOutcome };

export type StoredLead = Lead &
  Versioned & {
    /** Why it left the funnel (rejection or disqualification reason), null otherwise. */
    readonly reason: string | null;
    readonly reEntry: ReEntry | null;
    /** When the current stage's SLA (e.g. accept-or-reject of an MQL) falls due; null when none runs. */
    readonly slaDueAt: Instant | null;
  };

export type StoredEvent = BehaviourEvent & {
  readonly idempotencyKey: string | null;
  readonly receivedAt: Instant;
};
export type StoredActivity = Activity & { readonly createdAt: Instant };

export const VERDICT_OUTCOMES = [
  "advance",
  "nurture",
  "disqualify-contact",
  "disqualify",
] as const satisfies readonly VerdictOutcome[];

/** One saved version of a lead's scorecard (evidence is kept as the JSON the qualification core reads). */
export type StoredScorecard = {
  readonly id: Id;
  readonly leadId: Id;
  readonly version: number;
  readonly framework: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly verdictOutcome: VerdictOutcome | null;
  readonly verdict: unknown;
  readonly createdBy: string;
  readonly createdAt: Instant;
};

export const HISTORY_KINDS = ["stage", "score", "evidence", "owner"] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** An append-only history entry: who did what to which lead, when, why, and the before/after. */
export type HistoryEntry = {
  readonly id: number;
  readonly leadId: Id;
  readonly kind: HistoryKind;
  readonly actor: string;
  readonly at: Instant;
  readonly reason: string | null;
  readonly before: unknown;
  readonly after: unknown;
};
export type HistoryInput = Omit<HistoryEntry, "id">;

export type SlaBreach = {
  readonly id: number;
  readonly leadId: Id;
  /** Which SLA: `accept_within` (MQL not accepted/rejected in time) or `contact_attempts`. */
  readonly sla: string;
  /** Who was responsible (the lead's owner when it broke). */
  readonly ownerId: string | null;
  readonly dueAt: Instant;
  readonly detectedAt: Instant;
  /** By how long it was missed, in seconds (at detection). */
  readonly overdueSeconds: number;
  readonly details: Readonly<Record<string, unknown>>;
};
export type SlaBreachInput = Omit<SlaBreach, "id">;

export type ScoringModelStatus = "draft" | "published";
export type StoredScoringModel = {
  readonly id: Id;
  readonly name: string;
  readonly version: number;
  readonly status: ScoringModelStatus;
  readonly isDefault: boolean;
  readonly document: unknown;
  readonly createdBy: string;
  readonly createdAt: Instant;
  readonly publishedBy: string | null;
  readonly publishedAt: Instant | null;
};

export type LeadScore = {
  readonly leadId: Id;
  readonly modelId: Id | null;
  readonly fit: number;
  readonly engagement: number;
  readonly grade: string | null;
  readonly explanation: unknown;
  readonly computedAt: Instant;
};

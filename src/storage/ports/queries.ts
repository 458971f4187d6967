import type { EntryPath, Stage } from "../../core/lifecycle/stages.ts";
import type { Id, Instant } from "../../core/records.ts";
import type {
  HistoryEntry,
  HistoryKind,
  LeadScore,
  SlaBreach,
  StoredAccount,
  StoredActivity,
  StoredContact,
  StoredDeal,
  StoredEvent,
  StoredLead,
  StoredScorecard,
} from "./stored-records.ts";

// Queries for the app, the API and the reports.

/** Events a lead's detail carries unless the caller asks for another number (0 to MAX_INLINE_EVENTS). */
export const INLINE_EVENTS = 20;
export const MAX_INLINE_EVENTS = 200;
/** History entries a lead's detail carries unless asked for another number (0 to MAX_INLINE_HISTORY). */
export const INLINE_HISTORY = 50;
export const MAX_INLINE_HISTORY = 500;

export type LeadDetail = {
  readonly lead: StoredLead;
  readonly contact: StoredContact;
  readonly account: StoredAccount | null;
  readonly score: LeadScore | null;
  readonly scorecard: StoredScorecard | null;
  /** The most recent events, newest first (ties by id): as many as asked for (20 unless said). */
  readonly events: StoredEvent[];
  /** How many events the lead has in all. */
  readonly eventCount: number;
  /** Where `leadEvents` continues after `events`; null when they are all (or none was asked for). */
  readonly eventsNextCursor: string | null;
  readonly activities: StoredActivity[];
  readonly deals: StoredDeal[];
  /** The most recent history entries, newest first (ties by id, newest first): 50 unless said. */
  readonly history: HistoryEntry[];
  /** How many history entries the lead has in all. */
  readonly historyCount: number;
  /** Where `leadHistory` continues after `history`; null when they are all (or none was asked for). */
  readonly historyNextCursor: string | null;
  readonly slaBreaches: SlaBreach[];
};

export type InboxItem = {
  readonly lead: StoredLead;
  readonly contact: StoredContact;
  readonly account: StoredAccount | null;
  readonly score: LeadScore | null;
  /** Seconds until the SLA falls due (negative when overdue), null when no SLA runs. */
  readonly slaSecondsLeft: number | null;
};

export const LEAD_SORT_FIELDS = [
  "createdAt",
  "stageEnteredAt",
  "fit",
  "engagement",
  "priority",
  "probability",
] as const;
export type LeadSortField = (typeof LEAD_SORT_FIELDS)[number];

export type LeadListQuery = {
  readonly stages?: readonly Stage[];
  /** Grades (`A1`) or fit letters (`A` = any A grade); unscored leads never match. */
  readonly grades?: readonly string[];
  readonly ownerId?: string | null;
  readonly source?: string;
  readonly entryPath?: EntryPath;
  readonly accountId?: Id;
  readonly createdFrom?: Instant;
  readonly createdTo?: Instant;
  /** Case-insensitive match on email, name or company. */
  readonly search?: string;
  readonly sort?: LeadSortField;
  readonly direction?: "asc" | "desc";
  readonly limit?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  readonly cursor?: string;
};
export type LeadListItem = {
  readonly lead: StoredLead;
  readonly email: string | null;
  readonly name: string | null;
  readonly company: string | null;
  readonly fit: number | null;
  readonly engagement: number | null;
  readonly grade: string | null;
  /** The active predictive model's probability for the lead; null without a model or prediction. */
  readonly probability: number | null;
};
export type Page<T> = { readonly items: T[]; readonly nextCursor: string | null };

export type Period = { readonly from: Instant; readonly to: Instant };
export type FunnelStep = { readonly stage: Stage; readonly entered: number };
export type Conversion = {
  readonly from: Stage;
  readonly to: Stage;
  readonly count: number;
  readonly rate: number | null;
};
export type Funnel = {
  readonly period: Period;
  readonly steps: FunnelStep[];
  readonly conversions: Conversion[];
};
export type TimeInStage = {
  readonly stage: Stage;
  readonly exits: number;
  readonly meanHours: number;
  readonly medianHours: number;
};
export type ReasonCount = { readonly reason: string; readonly count: number };

export interface QueryRepository {
  /** `events`: how many of its most recent events to carry (0-200, default 20). */
  leadDetail(
    id: Id,
    options?: { readonly events?: number; readonly history?: number },
  ): Promise<LeadDetail | null>;
  /** A lead's events, newest first (ties by id), a page after `cursor` (a previous page's or the detail's). */
  leadEvents(
    leadId: Id,
    options?: { readonly since?: Instant; readonly cursor?: string; readonly limit?: number },
  ): Promise<Page<StoredEvent>>;
  /**
   * A lead's history, newest first (ties by id, newest first), a page after `cursor` (a previous
   * page's or the detail's `historyNextCursor`), of the given kinds only when `kinds` is set.
   */
  leadHistory(
    leadId: Id,
    options?: { readonly kinds?: readonly HistoryKind[]; readonly cursor?: string; readonly limit?: number },
  ): Promise<Page<HistoryEntry>>;
  inbox(ownerId: string, options?: { readonly limit?: number; readonly now?: Instant }): Promise<InboxItem[]>;
  listLeads(query: LeadListQuery): Promise<Page<LeadListItem>>;
  /** Leads that entered each stage in the period, and how many moved on between consecutive stages. */
  funnel(period: Period): Promise<Funnel>;
  /** Time spent in each stage by leads that left it during the period. */
  timeInStage(period: Period): Promise<TimeInStage[]>;
  /** Why leads were rejected or disqualified during the period, most frequent first. */
  rejectionReasons(period: Period): Promise<ReasonCount[]>;
}

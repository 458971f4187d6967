import type { ReEntry, VerdictOutcome } from "../core/lifecycle/reasons.ts";
import type { EntryPath, Stage } from "../core/lifecycle/stages.ts";
import type {
  Account,
  Activity,
  ActivityType,
  AttemptOutcome,
  Attributes,
  BehaviourEvent,
  BuyingRole,
  Contact,
  Deal,
  DealStatus,
  EmailStatus,
  Id,
  Instant,
  Lead,
  Seniority,
} from "../core/records.ts";

// ---------------------------------------------------------------------------------------------
// The SQL client slice: the only thing the two adapters (PGlite, PostgreSQL) implement.
// ---------------------------------------------------------------------------------------------

export type SqlRow = Record<string, unknown>;
export type SqlResult<R extends SqlRow = SqlRow> = { readonly rows: R[]; readonly rowCount: number };

/** Parameterised SQL (Postgres dialect, `$1` placeholders). Pass JSON as `JSON.stringify(x)` with a `::jsonb` cast. */
export interface SqlClient {
  query<R extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<SqlResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. Nested calls join the outer one. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
}

export type Engine = "pglite" | "postgres";

/** An open database: the SQL slice plus its lifetime. */
export interface Database extends SqlClient {
  readonly engine: Engine;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Stored records: core records plus the bookkeeping storage adds.
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Inputs. Validation happens at the edges (zod); repositories trust the shapes below.
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Repositories. Updates take `expectedVersion` and throw WINNOW_ERR_STALE_WRITE when it is stale,
// the *_NOT_FOUND code when the record is gone. Missing references throw WINNOW_ERR_REFERENCE_NOT_FOUND.
// ---------------------------------------------------------------------------------------------

export interface AccountRepository {
  create(input: AccountInput): Promise<StoredAccount>;
  get(id: Id): Promise<StoredAccount | null>;
  findByDomain(domain: string): Promise<StoredAccount | null>;
  update(id: Id, expectedVersion: number, patch: AccountPatch): Promise<StoredAccount>;
}

export interface ContactRepository {
  create(input: ContactInput): Promise<StoredContact>;
  get(id: Id): Promise<StoredContact | null>;
  findByEmail(email: string): Promise<StoredContact | null>;
  update(id: Id, expectedVersion: number, patch: ContactPatch): Promise<StoredContact>;
}

export interface LeadRepository {
  create(input: LeadInput): Promise<StoredLead>;
  get(id: Id): Promise<StoredLead | null>;
  /** Locks the row for the rest of the transaction (SELECT ... FOR UPDATE). */
  getForUpdate(id: Id): Promise<StoredLead | null>;
  update(id: Id, expectedVersion: number, patch: LeadPatch): Promise<StoredLead>;
  changeStage(id: Id, expectedVersion: number, change: StageChange): Promise<StoredLead>;
  /** Leads whose SLA fell due before `now` and that are still in `stage` (for SLA sweeps). */
  listSlaDue(stage: Stage, now: Instant, limit: number): Promise<StoredLead[]>;
}

export interface EventRepository {
  /** Stores a batch in one transaction; a retried batch (same keys) never duplicates. */
  ingest(batch: readonly EventInput[]): Promise<IngestOutcome[]>;
  listForLead(
    leadId: Id,
    options?: { readonly since?: Instant; readonly limit?: number },
  ): Promise<StoredEvent[]>;
}

export interface ActivityRepository {
  create(input: ActivityInput): Promise<StoredActivity>;
  listForLead(
    leadId: Id,
    options?: { readonly since?: Instant; readonly limit?: number },
  ): Promise<StoredActivity[]>;
}

export interface ScorecardRepository {
  /** Saves the next version; `expectedVersion` is the version read (0 for the first). Stale -> WINNOW_ERR_STALE_WRITE. */
  save(leadId: Id, expectedVersion: number, input: ScorecardInput): Promise<StoredScorecard>;
  latest(leadId: Id): Promise<StoredScorecard | null>;
  get(leadId: Id, version: number): Promise<StoredScorecard | null>;
  listVersions(leadId: Id): Promise<StoredScorecard[]>;
}

export interface DealRepository {
  create(input: DealInput): Promise<StoredDeal>;
  get(id: Id): Promise<StoredDeal | null>;
  update(id: Id, expectedVersion: number, patch: DealPatch): Promise<StoredDeal>;
  listForLead(leadId: Id): Promise<StoredDeal[]>;
}

export interface HistoryRepository {
  append(entry: HistoryInput): Promise<HistoryEntry>;
  listForLead(leadId: Id, kinds?: readonly HistoryKind[]): Promise<HistoryEntry[]>;
}

export type SlaBreachFilter = {
  readonly from?: Instant;
  readonly to?: Instant;
  readonly ownerId?: string;
  readonly sla?: string;
  readonly leadId?: Id;
  readonly limit?: number;
};

export interface SlaBreachRepository {
  /** Records a breach once per (lead, sla, dueAt); returns null when it was already recorded. */
  record(breach: SlaBreachInput): Promise<SlaBreach | null>;
  list(filter?: SlaBreachFilter): Promise<SlaBreach[]>;
}

export interface ScoringModelRepository {
  /** Creates a draft with the next version number for `name`. */
  createDraft(input: ScoringModelInput): Promise<StoredScoringModel>;
  get(id: Id): Promise<StoredScoringModel | null>;
  getDefault(): Promise<StoredScoringModel | null>;
  list(name?: string): Promise<StoredScoringModel[]>;
  publish(id: Id, by: string, at: Instant): Promise<StoredScoringModel>;
  /** Makes this published model the default (and no other). */
  setDefault(id: Id): Promise<StoredScoringModel>;
}

export interface LeadScoreRepository {
  /** Writes the current score of a lead; returns the previous one (for score history), or null. */
  put(score: LeadScore): Promise<LeadScore | null>;
  get(leadId: Id): Promise<LeadScore | null>;
}

// ---------------------------------------------------------------------------------------------
// Queries for the app, the API and the reports.
// ---------------------------------------------------------------------------------------------

export type LeadDetail = {
  readonly lead: StoredLead;
  readonly contact: StoredContact;
  readonly account: StoredAccount | null;
  readonly score: LeadScore | null;
  readonly scorecard: StoredScorecard | null;
  readonly events: StoredEvent[];
  readonly activities: StoredActivity[];
  readonly deals: StoredDeal[];
  readonly history: HistoryEntry[];
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

export const LEAD_SORT_FIELDS = ["createdAt", "stageEnteredAt", "fit", "engagement", "priority"] as const;
export type LeadSortField = (typeof LEAD_SORT_FIELDS)[number];

export type LeadListQuery = {
  readonly stages?: readonly Stage[];
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
  leadDetail(id: Id): Promise<LeadDetail | null>;
  inbox(ownerId: string, options?: { readonly limit?: number; readonly now?: Instant }): Promise<InboxItem[]>;
  listLeads(query: LeadListQuery): Promise<Page<LeadListItem>>;
  /** Leads that entered each stage in the period, and how many moved on between consecutive stages. */
  funnel(period: Period): Promise<Funnel>;
  /** Time spent in each stage by leads that left it during the period. */
  timeInStage(period: Period): Promise<TimeInStage[]>;
  /** Why leads were rejected or disqualified during the period, most frequent first. */
  rejectionReasons(period: Period): Promise<ReasonCount[]>;
}

// ---------------------------------------------------------------------------------------------
// Bulk paths for import and export: one statement per batch, de-duplicated by email and domain.
// ---------------------------------------------------------------------------------------------

export type AccountImportRow = {
  readonly name: string | null;
  readonly domain: string | null;
  readonly industry: string | null;
  readonly employees: number | null;
  readonly annualRevenue: number | null;
  readonly country: string | null;
  readonly region: string | null;
  readonly attributes: Attributes;
};

export type ContactImportRow = {
  readonly email: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly title: string | null;
  readonly seniority: Seniority | null;
  readonly buyingRole: BuyingRole | null;
  readonly phone: string | null;
  /** Links the contact to the account with this domain (when it exists). */
  readonly accountDomain: string | null;
  readonly attributes: Attributes;
};

export type LeadImportRow = {
  readonly email: string;
  readonly source: string | null;
  readonly entryPath: EntryPath | null;
  readonly ownerId: string | null;
  readonly stage: Stage | null;
  readonly createdAt: Instant;
};

export type DealImportRow = {
  readonly name: string;
  readonly amount: number | null;
  readonly currency: string | null;
  readonly status: DealStatus | null;
  readonly createdAt: Instant;
  readonly closeDate: Instant | null;
  readonly reason: string | null;
  readonly accountDomain: string | null;
  /** Attaches the deal to the lead of the contact with this email. */
  readonly contactEmail: string | null;
};

export type EventImportRow = {
  readonly key: string | null;
  readonly leadId: Id | null;
  /** Finds the lead through its contact's email when no lead id is given. */
  readonly email: string | null;
  readonly type: string;
  readonly occurredAt: Instant;
  readonly properties: Attributes;
};

/** What a batch did; `missing` lists rows (by index in the batch) whose reference was not found. */
export type BulkResult = {
  readonly created: number;
  readonly updated: number;
  readonly skipped: number;
  readonly missing: readonly { readonly index: number; readonly field: string; readonly message: string }[];
};

export const EXPORT_KINDS = ["leads", "accounts", "contacts", "deals", "events"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export interface BulkRepository {
  /** Inserts or updates by domain (rows without a domain are inserted). */
  upsertAccounts(rows: readonly AccountImportRow[]): Promise<BulkResult>;
  /** Inserts or updates by email. */
  upsertContacts(rows: readonly ContactImportRow[]): Promise<BulkResult>;
  /** Creates a lead for each contact (by email) that has none yet, with its first history entry. */
  createLeads(rows: readonly LeadImportRow[], actor: string): Promise<BulkResult>;
  insertDeals(rows: readonly DealImportRow[]): Promise<BulkResult>;
  /** Idempotent by key; a row whose lead cannot be found is reported in `missing`. */
  insertEvents(rows: readonly EventImportRow[]): Promise<BulkResult>;
  /** One page of flat rows for CSV export, in id order, after `afterId`. */
  exportPage(kind: ExportKind, afterId: string | null, limit: number): Promise<Record<string, unknown>[]>;
}

// ---------------------------------------------------------------------------------------------
// The whole store.
// ---------------------------------------------------------------------------------------------

export type Repositories = {
  readonly accounts: AccountRepository;
  readonly contacts: ContactRepository;
  readonly leads: LeadRepository;
  readonly events: EventRepository;
  readonly activities: ActivityRepository;
  readonly scorecards: ScorecardRepository;
  readonly deals: DealRepository;
  readonly history: HistoryRepository;
  readonly slaBreaches: SlaBreachRepository;
  readonly scoringModels: ScoringModelRepository;
  readonly leadScores: LeadScoreRepository;
  readonly queries: QueryRepository;
  readonly bulk: BulkRepository;
};

/** Repositories plus transactions: everything done inside `transaction` commits or rolls back together. */
export type Storage = Repositories & {
  readonly engine: Engine;
  /** The raw SQL slice, for bulk paths (import, rescoring) that repositories do not cover. */
  readonly sql: SqlClient;
  transaction<T>(fn: (repos: Repositories & { readonly sql: SqlClient }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

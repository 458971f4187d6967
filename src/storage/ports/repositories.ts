import type { Stage } from "../../core/lifecycle/stages.ts";
import type { Id, Instant } from "../../core/records.ts";
import type {
  AccountInput,
  AccountPatch,
  ActivityInput,
  ContactInput,
  ContactPatch,
  DealInput,
  DealPatch,
  EventInput,
  IngestOutcome,
  LeadInput,
  LeadPatch,
  ScorecardInput,
  ScoringModelInput,
  StageChange,
} from "./inputs.ts";
import type {
  HistoryEntry,
  HistoryInput,
  HistoryKind,
  LeadScore,
  SlaBreach,
  SlaBreachInput,
  StoredAccount,
  StoredActivity,
  StoredContact,
  StoredDeal,
  StoredEvent,
  StoredLead,
  StoredScorecard,
  StoredScoringModel,
} from "./stored-records.ts";

// Repositories. Updates take `expectedVersion` and throw WINNOW_ERR_STALE_WRITE when it is stale,
// the *_NOT_FOUND code when the record is gone. Missing references throw WINNOW_ERR_REFERENCE_NOT_FOUND.

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
  /** Ids of the leads whose facts an edit of this account or contact changes (for rescoring them). */
  idsFor(ref: { readonly accountId: Id } | { readonly contactId: Id }): Promise<Id[]>;
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
  /**
   * Records a breach once per (lead, sla, dueAt) and returns it; when it was already recorded,
   * returns null but extends its lateness (`overdueSeconds`, merged details such as `handledAs`)
   * to what this later report says.
   */
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

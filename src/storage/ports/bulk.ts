import type { EntryPath, Stage } from "../../core/lifecycle/stages.ts";
import type { Attributes, BuyingRole, DealStatus, Id, Instant, Seniority } from "../../core/records.ts";

// Bulk paths for import and export: one statement per batch, de-duplicated by email and domain.

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
  /** When the accept-or-reject SLA of an MQL falls due (null: no clock, as for other stages). */
  readonly slaDueAt: Instant | null;
};

export type DealImportRow = {
  /** The CRM's id of the deal: the de-duplication key (upsert); null = always a new deal. */
  readonly externalId: string | null;
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

/** What a leads import batch did to each table. */
export type LeadBatchResult = {
  readonly accounts: BulkResult;
  readonly contacts: BulkResult;
  readonly leads: BulkResult;
};

/**
 * A new-key leads batch's rows in COPY's binary format (copy-binary.ts; one payload per table, ids made) and the keys its lookup
 * asks about: what queueLeadBatch builds before it needs the database, built elsewhere (the import's
 * reader thread) and handed to sendLeadBatch.
 */
export type PreparedLeadBatch = {
  readonly accounts: Uint8Array;
  readonly contacts: Uint8Array;
  readonly leads: Uint8Array;
  readonly history: Uint8Array;
  /**
   * Where each history row's id is to be written (offsets into `history`, one per row in order):
   * present when the rows are HISTORY_COLUMNS_BY_DEFAULT (an id the sender fills from the identity,
   * bulk-lead-batch.ts's fillHistoryIds; kind, actor and reason left to the defaults the import
   * session set); absent, they are HISTORY_COLUMNS and the identity gives each its id.
   */
  readonly historyIdAt?: Int32Array;
  /** Whether the accounts' and contacts' rows carry `attributes` (else none has any: see bulk-columns.ts). */
  readonly attributes: { readonly accounts: boolean; readonly contacts: boolean };
  readonly domains: readonly string[];
  readonly emails: readonly string[];
  /**
   * Whether any of `domains` and `emails` may be among the keys of the import's earlier batches, by
   * the preparer's own filter of them (the reader's worker); absent when it kept none.
   */
  readonly keysSeen?: boolean;
  readonly counts: {
    readonly accounts: number;
    readonly contacts: number;
    readonly leads: number;
    readonly leadsSkipped: number;
  };
};

/** Tables an import grows, whose planner statistics it refreshes. */
export type ImportTable = "accounts" | "contacts" | "leads" | "events" | "deals";

export const EXPORT_KINDS = ["leads", "accounts", "contacts", "deals", "events"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export interface BulkRepository {
  /** Inserts or updates by domain (rows without a domain are inserted). */
  upsertAccounts(rows: readonly AccountImportRow[]): Promise<BulkResult>;
  /** Inserts or updates by email. */
  upsertContacts(rows: readonly ContactImportRow[]): Promise<BulkResult>;
  /** Creates a lead for each contact (by email) that has none yet, with its first history entry. */
  createLeads(rows: readonly LeadImportRow[], actor: string): Promise<BulkResult>;
  /**
   * The three calls above for one leads import batch on clients that can COPY, when none of its
   * domains and emails is stored yet (else null, nothing written: make the three calls): one lookup,
   * then every COPY sent. Resolves once they are all sent (with a client that `sendsInOrder`, the
   * next batch's statements can then follow them at once); `done` when the database has run them.
   */
  queueLeadBatch?(
    accounts: readonly AccountImportRow[],
    contacts: readonly ContactImportRow[],
    leads: readonly LeadImportRow[],
    actor: string,
  ): Promise<{ readonly done: Promise<LeadBatchResult> } | null>;
  /** queueLeadBatch for a batch already prepared (bulk-lead-batch.ts's prepareLeadBatch). */
  sendLeadBatch?(batch: PreparedLeadBatch): Promise<{ readonly done: Promise<LeadBatchResult> } | null>;
  /**
   * Declares this transaction an initial load (import-session.ts: accounts and contacts were empty
   * when it began and no other connection can write them until it ends): from then on a batch whose
   * domains and emails no earlier batch had is written without the lookup. With queueLeadBatch.
   */
  initialLoad?(): void;
  /**
   * Declares that the import session gave lead_history, for this transaction, the defaults of an
   * import's first entries (import-session.ts, `historyActor`): from then on the batches prepared by
   * queueLeadBatch leave kind, actor and reason to them (PreparedLeadBatch.historyIdAt). With
   * queueLeadBatch.
   */
  historyDefaults?(): void;
  /** Inserts, or updates the deal with the same external id (empty cells keep stored values). */
  insertDeals(rows: readonly DealImportRow[]): Promise<BulkResult>;
  /** Idempotent by key; a row whose lead cannot be found is reported in `missing`. */
  insertEvents(rows: readonly EventImportRow[]): Promise<BulkResult>;
  /**
   * Refreshes the planner's statistics of the tables an import grows (ANALYZE, allowed inside the
   * import's transaction). Without it the planner keeps believing the tables are as small as when
   * the import began and scans them whole for every batch.
   */
  analyze(tables: readonly ImportTable[]): Promise<void>;
  /** One page of flat rows for CSV export, in id order, after `afterId`. */
  exportPage(kind: ExportKind, afterId: string | null, limit: number): Promise<Record<string, unknown>[]>;
}

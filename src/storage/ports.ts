/**
 * The storage ports: the SQL slice both engines implement, the stored record shapes, and the
 * repositories the app and the HTTP layer use. Split by concern under ./ports/; import from here.
 */

export * from "./ports/bulk.ts";
export * from "./ports/inputs.ts";
export * from "./ports/queries.ts";
export * from "./ports/repositories.ts";
export * from "./ports/sql-client.ts";
export * from "./ports/stored-records.ts";

import type { BulkRepository } from "./ports/bulk.ts";
import type { QueryRepository } from "./ports/queries.ts";
import type {
  AccountRepository,
  ActivityRepository,
  ContactRepository,
  DealRepository,
  EventRepository,
  HistoryRepository,
  LeadRepository,
  LeadScoreRepository,
  ScorecardRepository,
  ScoringModelRepository,
  SlaBreachRepository,
} from "./ports/repositories.ts";
import type { Engine, SqlClient } from "./ports/sql-client.ts";

// The whole store.

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

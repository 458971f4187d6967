import type { ScryptParams } from "../app/auth/password.ts";
import type { RescoreJobRunner } from "../app/rescore-all.ts";
import type { LifecycleConfig } from "../core/lifecycle/config.ts";
import type { ApiKeyRepository, IdempotencyRepository, WebhookRepository } from "../storage/api-ports.ts";
import type { EventInput, IngestOutcome, Storage } from "../storage/ports.ts";
import type { UserRepository } from "../storage/users-ports.ts";
import type { AfterIngestQueue } from "./after-ingest-queue.ts";
import type { RetryPolicy, WebhookDispatcher } from "./webhooks/dispatcher.ts";

/**
 * What the API is built from: repositories (already connected to a database by the composition
 * root), a clock and an id source. Tests and benches pass their own; `winnow serve` wires the real ones.
 */
export type ApiDeps = {
  readonly storage: Storage;
  readonly keys: ApiKeyRepository;
  /** User accounts and their sign-in sessions (the web app's email + password sign-in). */
  readonly users: UserRepository;
  /** scrypt cost for new password hashes; the default (OWASP's) when absent. Tests pass cheaper ones. */
  readonly scrypt?: ScryptParams;
  readonly webhooks: WebhookRepository;
  readonly idempotency: IdempotencyRepository;
  /** Throws when the database does not answer (readiness). */
  readonly ping: () => Promise<void>;
  readonly now?: () => Date;
  readonly ids?: () => string;
  readonly webhookRetry?: RetryPolicy;
  /** Lifecycle rules (SLA hours, reasons, entry stages); the built-in defaults when absent. */
  readonly lifecycle?: LifecycleConfig;
  /**
   * Runs after events are stored (rescoring, threshold webhooks), in the background and coalesced
   * (see after-ingest-queue.ts); set by the composition root.
   */
  readonly afterIngest?: (events: readonly EventInput[], outcomes: readonly IngestOutcome[]) => Promise<void>;
  /**
   * Rescores these leads now with the default model (threshold webhooks as after ingest): run after
   * an edit of the facts fit rules read (an account's or contact's fields, a lead's source or
   * account), so stored scores never describe facts that are gone. Set by the composition root.
   */
  readonly rescore?: (leadIds: readonly string[]) => Promise<void>;
};

/** Handed to every route plugin. */
export type ApiContext = {
  readonly deps: ApiDeps;
  readonly now: () => Date;
  readonly ids: () => string;
  readonly webhooks: WebhookDispatcher;
  /** The background work after ingest (deps.afterIngest): `idle()` waits for it; closing drains it. */
  readonly afterIngest: AfterIngestQueue;
  /** Full rescores as jobs, one at a time (after a new default scoring model, after an import). */
  readonly rescores: RescoreJobRunner;
  /** Forgets cached API-key verdicts (after a revoke). */
  readonly forgetKeys: () => void;
};

import type { Instant } from "../core/records.ts";

/**
 * Ports of the HTTP API's own tables (API keys, webhooks, idempotency keys). Kept apart from the
 * domain ports in ports.ts: they serve the edge, not the sales process.
 */

export type ApiKeyRecord = {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  /** The owner id a `rep` key acts as (`Lead.ownerId`); null for other roles. */
  readonly subject: string | null;
  readonly hint: string;
  readonly createdAt: Instant;
  readonly revokedAt: Instant | null;
};

export type NewApiKeyRecord = Omit<ApiKeyRecord, "revokedAt"> & { readonly keyHash: string };

export interface ApiKeyRepository {
  create(key: NewApiKeyRecord): Promise<ApiKeyRecord>;
  /** The key with this SHA-256 hash, revoked or not. */
  findByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  list(): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked (idempotent); null when no such key. */
  revoke(id: string, at: Instant): Promise<ApiKeyRecord | null>;
}

export type WebhookSubscription = {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly secret: string;
  readonly description: string | null;
  readonly active: boolean;
  readonly createdAt: Instant;
};

export const DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export type WebhookDelivery = {
  readonly id: string;
  readonly subscriptionId: string;
  readonly event: string;
  /** The exact JSON body sent (and signed). */
  readonly payload: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Instant | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: Instant;
  readonly deliveredAt: Instant | null;
};

export type DeliveryAttempt = {
  readonly at: Instant;
  readonly ok: boolean;
  readonly httpStatus: number | null;
  readonly error: string | null;
  /** When to try again; null = give up (status `failed`) unless ok. */
  readonly nextAttemptAt: Instant | null;
};

export interface WebhookRepository {
  createSubscription(sub: WebhookSubscription): Promise<WebhookSubscription>;
  listSubscriptions(): Promise<WebhookSubscription[]>;
  getSubscription(id: string): Promise<WebhookSubscription | null>;
  deleteSubscription(id: string): Promise<boolean>;
  /**
   * Queues one delivery per active subscription listening to `event` (or only for `subscriptionId`,
   * whatever it listens to: pings); returns them.
   */
  enqueue(input: {
    readonly ids: () => string;
    readonly event: string;
    readonly payload: string;
    readonly at: Instant;
    readonly subscriptionId?: string;
  }): Promise<WebhookDelivery[]>;
  /**
   * Claims up to `limit` pending deliveries due at `now` (oldest first) by pushing their next attempt
   * to `leaseUntil`, so that several servers on one database never send the same attempt twice and a
   * crash mid-attempt only delays it.
   */
  claimDue(now: Instant, leaseUntil: Instant, limit: number): Promise<WebhookDelivery[]>;
  recordAttempt(id: string, attempt: DeliveryAttempt): Promise<WebhookDelivery | null>;
  deliveries(filter: {
    readonly subscriptionId?: string;
    readonly limit: number;
  }): Promise<WebhookDelivery[]>;
}

export type IdempotencyBegin =
  | { readonly state: "new" }
  | { readonly state: "pending" }
  | { readonly state: "mismatch" }
  | { readonly state: "done"; readonly status: number; readonly response: string };

export interface IdempotencyRepository {
  /** Claims `key` in `scope` for a request with this hash, or reports what happened to it before. */
  begin(scope: string, key: string, requestHash: string, at: Instant): Promise<IdempotencyBegin>;
  complete(scope: string, key: string, status: number, response: string): Promise<void>;
  /** Releases a claim whose request failed, so that the client may retry with the same key. */
  release(scope: string, key: string): Promise<void>;
}

import type { WebhookDelivery, WebhookRepository } from "../../storage/api-ports.ts";
import type { WebhookEvent } from "./events.ts";
import { signatureHeader } from "./sign.ts";

export type RetryPolicy = {
  /** Delay before the 2nd attempt; doubles after each failure. */
  readonly baseMs: number;
  readonly maxMs: number;
  /** Attempts in total before a delivery is marked failed. */
  readonly maxAttempts: number;
  /** How long one attempt may take. */
  readonly timeoutMs: number;
};

export const DEFAULT_RETRY: RetryPolicy = {
  baseMs: 10_000,
  maxMs: 3_600_000,
  maxAttempts: 8,
  timeoutMs: 10_000,
};

/** The ceiling of the delay after the `attempts`-th failed attempt: base · 2^(attempts-1), capped. */
export function backoffMs(policy: RetryPolicy, attempts: number): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * The delay actually waited: "full jitter", uniform in [0, backoffMs). Without it every delivery
 * that failed in the same outage (a receiver down for a minute) retries in the same instant, and
 * keeps doing so at every doubling; spread out, the receiver coming back sees a trickle.
 * `random` returns [0, 1) like Math.random.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempts: number,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * backoffMs(policy, attempts));
}

/**
 * Queues `data` as `event` for every subscriber, in the envelope each delivery carries
 * ({ id, type, createdAt, data }). The dispatcher's emit uses it; so does the CLI, which queues
 * for a running server to deliver.
 */
export function enqueueWebhookEvent(
  repo: WebhookRepository,
  ids: () => string,
  event: WebhookEvent,
  data: unknown,
  at: string,
): Promise<WebhookDelivery[]> {
  const payload = JSON.stringify({ id: ids(), type: event, createdAt: at, data });
  return repo.enqueue({ ids, event, payload, at });
}

export type WebhookDispatcher = {
  /** Queues `event` for every subscriber (durably) and starts delivering. */
  emit(event: WebhookEvent, data: unknown): Promise<WebhookDelivery[]>;
  /** Attempts every delivery due now; resolves when they are done. */
  drain(): Promise<number>;
  /** Polls for due retries every `pollMs` until stop(). */
  start(pollMs: number): void;
  /** Stops polling and waits for attempts in flight. */
  stop(): Promise<void>;
};

type Deps = {
  readonly repo: WebhookRepository;
  readonly secretOf: (subscriptionId: string) => Promise<{ url: string; secret: string } | null>;
  readonly now: () => Date;
  readonly ids: () => string;
  readonly policy: RetryPolicy;
  /** [0, 1) source of the retry jitter; Math.random when absent. */
  readonly random?: () => number;
  readonly onError?: (error: unknown) => void;
};

/**
 * Delivers webhooks from the durable queue in webhook_deliveries: POSTs the JSON body signed with
 * the subscription's secret, records every attempt, and retries failures with exponential backoff
 * and full jitter until `maxAttempts`. Deliveries survive a restart (they are rows, picked up by the next poll).
 */
export function createWebhookDispatcher(deps: Deps): WebhookDispatcher {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;

  async function attempt(d: WebhookDelivery): Promise<void> {
    const target = await deps.secretOf(d.subscriptionId);
    const at = deps.now();
    if (!target) {
      await deps.repo.recordAttempt(d.id, {
        at: at.toISOString(),
        ok: false,
        httpStatus: null,
        error: "subscription deleted",
        nextAttemptAt: null,
      });
      return;
    }
    let httpStatus: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(target.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "winnow-webhooks/1",
          "winnow-event": d.event,
          "winnow-delivery": d.id,
          "winnow-signature": signatureHeader(target.secret, Math.floor(at.getTime() / 1000), d.payload),
        },
        body: d.payload,
        redirect: "manual",
        signal: AbortSignal.timeout(deps.policy.timeoutMs),
      });
      httpStatus = res.status;
      await res.body?.cancel();
      if (res.status < 200 || res.status >= 300) error = `receiver answered ${res.status}`;
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    const ok = error === null;
    const attempts = d.attempts + 1;
    const finishedAt = deps.now();
    const nextAttemptAt =
      ok || attempts >= deps.policy.maxAttempts
        ? null
        : new Date(finishedAt.getTime() + retryDelayMs(deps.policy, attempts, deps.random)).toISOString();
    await deps.repo.recordAttempt(d.id, {
      at: finishedAt.toISOString(),
      ok,
      httpStatus,
      error,
      nextAttemptAt,
    });
  }

  async function drainOnce(): Promise<number> {
    let done = 0;
    for (;;) {
      const now = deps.now();
      const lease = new Date(now.getTime() + deps.policy.timeoutMs + 30_000).toISOString();
      const due = await deps.repo.claimDue(now.toISOString(), lease, 50);
      if (due.length === 0) return done;
      await Promise.all(due.map((d) => attempt(d).catch((e) => deps.onError?.(e))));
      done += due.length;
    }
  }

  function drain(): Promise<number> {
    // One drain at a time: a poll tick during a drain joins it instead of double-sending.
    running ??= drainOnce().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    async emit(event, data) {
      const queued = await enqueueWebhookEvent(deps.repo, deps.ids, event, data, deps.now().toISOString());
      if (queued.length > 0) drain().catch((e) => deps.onError?.(e));
      return queued;
    },
    drain,
    start(pollMs) {
      if (timer) return;
      timer = setInterval(() => {
        drain().catch((e) => deps.onError?.(e));
      }, pollMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}

import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { createApiKey } from "../app/auth/create-key.ts";
import type { ScryptParams } from "../app/auth/password.ts";
import { type DemoSeedReport, seedDemoWorkspace } from "../app/demo-workspace.ts";
import { sweepSlaBreaches } from "../app/move-lead.ts";
import {
  rescoreLeads,
  type ScoreChange,
  type ScorerCache,
  thresholdCrossedPayloads,
} from "../app/rescore-leads.ts";
import { loadWorkspaceSettings } from "../app/workspace-settings.ts";
import { DEFAULT_LIFECYCLE_CONFIG, type LifecycleConfig } from "../core/lifecycle/config.ts";
import type { DemoOptions } from "../demo/generate.ts";
import { createLedgerCache } from "../storage/ledger-cache.ts";
import { type DatabaseConfig, openStorage } from "../storage/open.ts";
import type { Storage } from "../storage/ports.ts";
import type { LedgerLead } from "../storage/rescore-pages.ts";
import { sqlSettingsRepository } from "../storage/settings-repo.ts";
import { buildApp } from "./build-app.ts";
import type { ApiDeps } from "./context.ts";
import { type DemoUsers, ensureDemoUsers } from "./demo-users.ts";
import { apiDeps } from "./deps.ts";
import type { ServerConfig } from "./server-config.ts";

export type StartOptions = {
  readonly server: ServerConfig;
  readonly database: DatabaseConfig;
  /** Seed the demo workspace into an empty database (options shrink it for tests). */
  readonly demo: false | Partial<DemoOptions>;
  /** Working calendar, SLAs and reasons (WINNOW_LIFECYCLE_FILE); the built-in defaults otherwise. */
  readonly lifecycle?: LifecycleConfig;
  readonly onSeedProgress?: (done: number, total: number) => void;
  /** How often due webhook retries and SLA breaches are looked for. */
  readonly webhookPollMs?: number;
  readonly slaSweepMs?: number;
  /** scrypt cost of password hashes (tests pass a cheap one); OWASP's by default. */
  readonly scrypt?: ScryptParams;
};

export type RunningServer = {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly storage: Storage;
  /** Set when this start created the first admin key (shown once, stored hashed). */
  readonly adminKey: string | null;
  readonly demo: DemoSeedReport | null;
  /** With the demo, on a database without users: the demo users and passwords (shown once, stored hashed). */
  readonly demoUsers: DemoUsers | null;
  /** Stops taking requests, lets those in flight finish, stops background work, closes the database. */
  readonly close: () => Promise<void>;
};

/**
 * Rescores the given leads with the default model at once, each score change going to `emit`: the
 * `rescore` of `winnow serve` (after an edit of the facts fit rules read) and the work behind its
 * `afterIngest`.
 */
export function rescoreWithDefault(
  storage: Storage,
  emit: (change: ScoreChange) => Promise<void>,
  read?: (ids: string[]) => Promise<LedgerLead[]>,
): NonNullable<ApiDeps["rescore"]> {
  const scorers: ScorerCache = new Map();
  return async (leadIds) => {
    if (leadIds.length === 0) return;
    for (const change of await rescoreLeads(storage, [...leadIds], new Date().toISOString(), scorers, read))
      await emit(change);
  };
}

/**
 * The `afterIngest` of `winnow serve` (and of bench:api's server, to measure the same work): the
 * leads of newly stored events are rescored with the default model, once per background run
 * (after-ingest-queue.ts), and each score change goes to `emit`. Ledgers are kept between runs
 * (ledger-cache.ts): a run reads what changed, not every touched lead's whole ledger.
 */
export function rescoreAfterIngest(
  storage: Storage,
  emit: (change: ScoreChange) => Promise<void>,
): NonNullable<ApiDeps["afterIngest"]> {
  const rescore = rescoreWithDefault(storage, emit, createLedgerCache(storage.sql).read);
  return (events, outcomes) =>
    rescore(
      outcomes
        .filter((o) => o.status === "created")
        .map((o) => events[o.index]?.leadId ?? "")
        .filter(Boolean),
    );
}

/**
 * Opens (and migrates) the database, seeds the demo when asked, makes the first admin key when the
 * database has none, and starts listening. New events rescore their leads with the default model
 * (crossed thresholds go to `lead.threshold_crossed` subscribers). Background work: webhook retries
 * and the SLA sweep (new breaches go to `lead.sla_breached` subscribers).
 */
export async function startServer(o: StartOptions): Promise<RunningServer> {
  const storage = await openStorage(o.database);
  try {
    const demo = o.demo === false ? null : await seedDemoWorkspace(storage, o.demo, o.onSeedProgress);
    let emit: (change: ScoreChange) => Promise<void> = async () => undefined;
    const lifecycle = o.lifecycle ?? DEFAULT_LIFECYCLE_CONFIG;
    const deps = apiDeps(storage, {
      lifecycle,
      ...(o.scrypt ? { scrypt: o.scrypt } : {}),
      // New events rescore their leads; crossed thresholds go to `lead.threshold_crossed` subscribers.
      afterIngest: rescoreAfterIngest(storage, (change) => emit(change)),
      // Edited firmographics or contact fields rescore the leads they belong to.
      rescore: rescoreWithDefault(storage, (change) => emit(change)),
    });
    let adminKey: string | null = null;
    if ((await deps.keys.list()).length === 0) {
      adminKey = (
        await createApiKey(
          deps.keys,
          { name: "first admin", role: "admin", subject: null },
          new Date(),
          randomUUID,
        )
      ).key;
    }
    const demoUsers = o.demo === false ? null : await ensureDemoUsers(storage, deps.users, o.scrypt);
    const app = await buildApp(o.server, deps);
    await app.listen({ host: o.server.host, port: o.server.port });
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : o.server.port;
    const host = o.server.host.includes(":") ? `[${o.server.host}]` : o.server.host;
    app.winnow.webhooks.start(o.webhookPollMs ?? 5000);
    emit = async (change) => {
      for (const payload of thresholdCrossedPayloads(change))
        await app.winnow.webhooks.emit("lead.threshold_crossed", payload);
    };
    const sweep = setInterval(() => {
      // The SLA policy saved in settings, when there is one, read at every sweep.
      loadWorkspaceSettings(sqlSettingsRepository(storage.sql), lifecycle)
        .then((ws) => sweepSlaBreaches(storage, new Date().toISOString(), ws.lifecycle))
        .then(async (breaches) => {
          for (const b of breaches) await app.winnow.webhooks.emit("lead.sla_breached", b);
        })
        .catch((e) => app.log.error({ err: e }, "SLA sweep failed"));
    }, o.slaSweepMs ?? 60_000);
    sweep.unref();
    return {
      url: `http://${host}:${port}`,
      app,
      storage,
      adminKey,
      demo,
      demoUsers,
      close: async () => {
        clearInterval(sweep);
        await app.close();
        await storage.close();
      },
    };
  } catch (error) {
    await storage.close().catch(() => undefined);
    throw error;
  }
}

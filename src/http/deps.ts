import { sqlApiKeyRepository } from "../storage/api-keys-repo.ts";
import { sqlIdempotencyRepository } from "../storage/idempotency-repo.ts";
import type { Storage } from "../storage/ports.ts";
import { sqlUserRepository } from "../storage/users-repo.ts";
import { sqlWebhookRepository } from "../storage/webhooks-repo.ts";
import type { ApiDeps } from "./context.ts";

/** Wires the API to an open, migrated Storage (the composition root's one call). */
export function apiDeps(storage: Storage, extra: Partial<Omit<ApiDeps, "storage">> = {}): ApiDeps {
  return {
    storage,
    keys: sqlApiKeyRepository(storage.sql),
    users: sqlUserRepository(storage.sql),
    webhooks: sqlWebhookRepository(storage.sql),
    idempotency: sqlIdempotencyRepository(storage.sql),
    ping: async () => {
      await storage.sql.query("SELECT 1");
    },
    ...extra,
  };
}

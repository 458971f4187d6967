import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { createApiKey } from "../../src/app/auth/create-key.ts";
import type { Role } from "../../src/core/roles.ts";
import { buildApp } from "../../src/http/build-app.ts";
import type { ApiDeps } from "../../src/http/context.ts";
import { apiDeps } from "../../src/http/deps.ts";
import { type ServerConfig, serverConfig } from "../../src/http/server-config.ts";
import type { Storage } from "../../src/storage/ports.ts";

export { ENGINES } from "./db.ts";

export type TestApi = {
  readonly app: FastifyInstance;
  readonly storage: Storage;
  readonly keys: Record<"admin" | "manager" | "ingest" | "alice" | "bob", string>;
  /** `Authorization` header for a key. */
  readonly as: (key: string) => { authorization: string };
  /** Closes the app (not the storage, which the suite owns). */
  readonly close: () => Promise<void>;
};

/** A built app (not listening) on `storage`, with one key per role (reps alice and bob). */
export async function startTestApi(
  storage: Storage,
  config: Partial<ServerConfig> = {},
  extra: Partial<Omit<ApiDeps, "storage">> = {},
): Promise<TestApi> {
  const deps = apiDeps(storage, extra);
  const app = await buildApp(serverConfig({ rateLimit: false, ...config }), deps);
  const make = async (name: string, role: Role, subject: string | null = null) =>
    (await createApiKey(deps.keys, { name, role, subject }, new Date(), randomUUID)).key;
  const keys = {
    admin: await make("admin", "admin"),
    manager: await make("manager", "manager"),
    ingest: await make("ingest", "ingest"),
    alice: await make("alice", "rep", "alice"),
    bob: await make("bob", "rep", "bob"),
  };
  return { app, storage, keys, as: (key) => ({ authorization: `Bearer ${key}` }), close: () => app.close() };
}

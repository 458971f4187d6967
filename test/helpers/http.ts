import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { FastifyInstance } from "fastify";
import pg from "pg";
import { createApiKey } from "../../src/http/auth/create-key.ts";
import type { Role } from "../../src/http/auth/roles.ts";
import { buildApp } from "../../src/http/build-app.ts";
import type { ApiDeps } from "../../src/http/context.ts";
import { type ServerConfig, serverConfig } from "../../src/http/server-config.ts";
import { sqlApiKeyRepository } from "../../src/storage/api-keys-repo.ts";
import type { ApiSql } from "../../src/storage/api-sql.ts";
import { sqlIdempotencyRepository } from "../../src/storage/idempotency-repo.ts";
import { sqlWebhookRepository } from "../../src/storage/webhooks-repo.ts";

/** The engine the API suite runs on: PostgreSQL when WINNOW_TEST_DATABASE_URL is set, else PGlite. */
export const ENGINE = process.env["WINNOW_TEST_DATABASE_URL"] ? "postgres" : "pglite";

export type TestDb = { readonly sql: ApiSql; readonly close: () => Promise<void> };

const MIGRATION = resolve(import.meta.dirname, "../../src/storage/migrations/0100_http_api.sql");

/** A fresh database with the API's tables: in-memory PGlite, or a throw-away schema on PostgreSQL. */
export async function openTestDb(): Promise<TestDb> {
  const ddl = readFileSync(MIGRATION, "utf8");
  const url = process.env["WINNOW_TEST_DATABASE_URL"];
  if (url) {
    const schema = `http_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 8 });
    await pool.query(ddl);
    return {
      sql: pool as unknown as ApiSql,
      close: async () => {
        await pool.query(`DROP SCHEMA ${schema} CASCADE`);
        await pool.end();
      },
    };
  }
  const db = await PGlite.create();
  await db.exec(ddl);
  return { sql: db as unknown as ApiSql, close: () => db.close() };
}

export function testDeps(sql: ApiSql, extra: Partial<ApiDeps> = {}): ApiDeps {
  return {
    keys: sqlApiKeyRepository(sql),
    webhooks: sqlWebhookRepository(sql),
    idempotency: sqlIdempotencyRepository(sql),
    ping: async () => {
      await sql.query("SELECT 1");
    },
    ...extra,
  };
}

export type TestApi = {
  readonly app: FastifyInstance;
  readonly db: TestDb;
  readonly keys: Record<"admin" | "manager" | "ingest" | "alice" | "bob", string>;
  /** `Authorization` header for a key. */
  readonly as: (key: string) => { authorization: string };
  readonly close: () => Promise<void>;
};

/** A built app (not listening) on a fresh database, with one key per role (reps alice and bob). */
export async function startTestApi(
  config: Partial<ServerConfig> = {},
  extra: Partial<ApiDeps> = {},
  shared?: TestDb,
): Promise<TestApi> {
  const db = shared ?? (await openTestDb());
  const deps = testDeps(db.sql, extra);
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
  return {
    app,
    db,
    keys,
    as: (key) => ({ authorization: `Bearer ${key}` }),
    close: async () => {
      await app.close();
      if (!shared) await db.close();
    },
  };
}

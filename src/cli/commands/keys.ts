import { randomUUID } from "node:crypto";
import { defineCommand } from "citty";
import { createApiKey } from "../../app/auth/create-key.ts";
import { databaseConfig } from "../../config.ts";
import { WinnowError } from "../../core/errors.ts";
import { ROLES, type Role } from "../../core/roles.ts";
import { sqlApiKeyRepository } from "../../storage/api-keys-repo.ts";
import type { ApiKeyRecord } from "../../storage/api-ports.ts";
import { openStorage } from "../../storage/open.ts";
import { EXIT } from "../exit-codes.ts";
import { io, printJson, println } from "../io.ts";
import { REMOTE_ARGS, remoteFor } from "../remote/client.ts";

const dbArg = {
  db: {
    type: "string",
    description: "Database: a folder (default ./.winnow), memory://, or postgres://... (else DATABASE_URL)",
  },
  ...REMOTE_ARGS,
} as const;

async function withKeys<T>(
  db: string | undefined,
  fn: (repo: ReturnType<typeof sqlApiKeyRepository>) => Promise<T>,
): Promise<T> {
  const { env, cwd } = io();
  const storage = await openStorage(databaseConfig({ env, cwd, db }));
  try {
    return await fn(sqlApiKeyRepository(storage.sql));
  } finally {
    await storage.close();
  }
}

function row(k: ApiKeyRecord): string {
  const who = k.subject ? ` (acts as ${k.subject})` : "";
  return `${k.id}  ${k.role.padEnd(7)}  ${k.hint}…  ${k.name}${who}  created ${k.createdAt}${k.revokedAt ? `  REVOKED ${k.revokedAt}` : ""}`;
}

const create = defineCommand({
  meta: { name: "create", description: "Create an API key; it is printed once and only its hash is stored" },
  args: {
    name: { type: "string", description: "Who or what uses it (e.g. website-ingest)", required: true },
    role: { type: "string", description: `One of ${ROLES.join(", ")}`, required: true },
    subject: { type: "string", description: "For rep keys: the owner id whose leads the key may see" },
    json: { type: "boolean", description: "Print JSON" },
    ...dbArg,
  },
  async run({ args }) {
    if (!(ROLES as readonly string[]).includes(args.role)) {
      throw new WinnowError("WINNOW_ERR_USAGE", {
        message: `--role must be one of ${ROLES.join(", ")}, not "${args.role}"`,
      });
    }
    const role = args.role as Role;
    if (role === "rep" && !args.subject)
      throw new WinnowError("WINNOW_ERR_USAGE", {
        message: "A rep key needs --subject <owner id> (the leads it may see)",
      });
    const remote = remoteFor(args);
    const { record, key } = remote
      ? await remote
          .json<ApiKeyRecord & { key: string }>("/v1/keys", {
            body: { name: args.name, role, ...(args.subject ? { subject: args.subject } : {}) },
          })
          .then(({ key, ...record }) => ({ record, key }))
      : await withKeys(args.db, (repo) =>
          createApiKey(
            repo,
            { name: args.name, role, subject: args.subject ?? null },
            new Date(),
            randomUUID,
          ),
        );
    if (args.json) printJson({ ...record, key });
    else {
      println(row(record));
      println(`key: ${key}`);
      println("Store it now: it is not shown again (only its SHA-256 is kept).");
    }
    return EXIT.ok;
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List API keys (never the keys themselves)" },
  args: { json: { type: "boolean", description: "Print JSON" }, ...dbArg },
  async run({ args }) {
    const remote = remoteFor(args);
    const keys = remote
      ? (await remote.json<{ data: ApiKeyRecord[] }>("/v1/keys")).data
      : await withKeys(args.db, (repo) => repo.list());
    if (args.json) printJson(keys);
    else if (keys.length === 0)
      println("No API keys yet: `winnow serve` makes the first admin key, or use `winnow keys create`.");
    else for (const k of keys) println(row(k));
    return EXIT.ok;
  },
});

const revoke = defineCommand({
  meta: {
    name: "revoke",
    description: "Revoke an API key by id (a running server stops accepting it within seconds)",
  },
  args: {
    id: { type: "positional", description: "The key's id (from `winnow keys list`)", required: true },
    json: { type: "boolean", description: "Print JSON" },
    ...dbArg,
  },
  async run({ args }) {
    const remote = remoteFor(args);
    // Through the server the revoke takes effect at once (it forgets its cached keys).
    const revoked = remote
      ? await remote.json<ApiKeyRecord>(`/v1/keys/${encodeURIComponent(args.id)}/revoke`, { method: "POST" })
      : await withKeys(args.db, (repo) => repo.revoke(args.id, new Date().toISOString()));
    if (!revoked)
      throw new WinnowError("WINNOW_ERR_NOT_FOUND", {
        message: `There is no API key ${args.id} (see winnow keys list)`,
      });
    if (args.json) printJson(revoked);
    else println(row(revoked));
    return EXIT.ok;
  },
});

/** `winnow keys create|list|revoke`, straight on the database, or through a server with `--url`. */
export const command = defineCommand({
  meta: { name: "keys", description: "Manage API keys: create (shown once), list, revoke" },
  args: dbArg,
  subCommands: { create, list, revoke },
});

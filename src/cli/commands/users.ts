import { randomUUID } from "node:crypto";
import { defineCommand } from "citty";
import { randomPassword } from "../../app/auth/password.ts";
import { changeUser, createUser, resetPassword } from "../../app/auth/user-admin.ts";
import { databaseConfig } from "../../config.ts";
import { WinnowError } from "../../core/errors.ts";
import { USER_ROLES, type UserRole } from "../../core/roles.ts";
import { openStorage } from "../../storage/open.ts";
import type { UserRecord, UserRepository } from "../../storage/users-ports.ts";
import { sqlUserRepository } from "../../storage/users-repo.ts";
import { EXIT } from "../exit-codes.ts";
import { io, printJson, println } from "../io.ts";

const dbArg = {
  db: {
    type: "string",
    description: "Database: a folder (default ./.winnow), memory://, or postgres://... (else DATABASE_URL)",
  },
} as const;

async function withUsers<T>(db: string | undefined, fn: (repo: UserRepository) => Promise<T>): Promise<T> {
  const { env, cwd } = io();
  const storage = await openStorage(databaseConfig({ env, cwd, db }));
  try {
    return await fn(sqlUserRepository(storage.sql));
  } finally {
    await storage.close();
  }
}

/** A user by email (any case) or id. */
async function find(repo: UserRepository, who: string): Promise<UserRecord> {
  const user = who.includes("@") ? (await repo.findByEmail(who))?.user : await repo.get(who);
  if (!user)
    throw new WinnowError("WINNOW_ERR_NOT_FOUND", {
      message: `There is no user ${who} (see winnow users list)`,
    });
  return user;
}

function row(u: UserRecord): string {
  const owner = u.ownerId ? ` (owner id ${u.ownerId})` : "";
  const state = u.disabledAt
    ? `  DISABLED ${u.disabledAt}`
    : u.hasPassword
      ? ""
      : `  invite pending until ${u.inviteExpires ?? "?"}`;
  return `${u.id}  ${u.role.padEnd(7)}  ${u.email}  ${u.displayName}${owner}${state}`;
}

const clock = () => ({ now: new Date(), ids: randomUUID });

const add = defineCommand({
  meta: { name: "add", description: "Add a user; prints a random password (or an invite token) once" },
  args: {
    email: { type: "string", description: "Sign-in email (unique, any case)", required: true },
    name: { type: "string", description: "Display name (default: the email)" },
    role: { type: "string", description: `One of ${USER_ROLES.join(", ")}`, required: true },
    owner: { type: "string", description: "For reps: the owner id whose leads they work (leads.ownerId)" },
    password: {
      type: "string",
      description: "Initial password (at least 10 characters); default: a random one, printed once",
    },
    invite: { type: "boolean", description: "No password: print a one-time invite token (7 days) instead" },
    json: { type: "boolean", description: "Print JSON" },
    ...dbArg,
  },
  async run({ args }) {
    if (!(USER_ROLES as readonly string[]).includes(args.role))
      throw new WinnowError("WINNOW_ERR_USAGE", {
        message: `--role must be one of ${USER_ROLES.join(", ")}, not "${args.role}"`,
      });
    const role = args.role as UserRole;
    if (role === "rep" && !args.owner)
      throw new WinnowError("WINNOW_ERR_USAGE", {
        message: "A rep needs --owner <owner id> (the leads they work)",
      });
    const password = args.invite ? null : (args.password ?? randomPassword());
    const { user, invite } = await withUsers(args.db, (repo) =>
      createUser(
        repo,
        {
          email: args.email,
          displayName: args.name ?? args.email,
          role,
          ownerId: args.owner ?? null,
          password,
        },
        clock(),
      ),
    );
    const shown = args.password === undefined ? password : null;
    if (args.json) printJson({ ...user, ...(shown ? { password: shown } : {}), invite });
    else {
      println(row(user));
      if (shown) println(`password: ${shown}   (shown only now; only its scrypt hash is kept)`);
      if (invite)
        println(
          `invite token: ${invite.token}   (one use, until ${invite.expiresAt}; redeem with POST /v1/sessions/invite)`,
        );
    }
    return EXIT.ok;
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List users (never passwords)" },
  args: { json: { type: "boolean", description: "Print JSON" }, ...dbArg },
  async run({ args }) {
    const users = await withUsers(args.db, (repo) => repo.list());
    if (args.json) printJson(users);
    else if (users.length === 0)
      println("No users yet: add the first admin with `winnow users add --role admin --email …`.");
    else for (const u of users) println(row(u));
    return EXIT.ok;
  },
});

const disable = defineCommand({
  meta: {
    name: "disable",
    description: "Disable a user (signs them out everywhere), or enable again with --enable",
  },
  args: {
    user: { type: "positional", description: "The user's email or id", required: true },
    enable: { type: "boolean", description: "Enable the user again" },
    json: { type: "boolean", description: "Print JSON" },
    ...dbArg,
  },
  async run({ args }) {
    const user = await withUsers(args.db, async (repo) =>
      changeUser(repo, (await find(repo, args.user)).id, { disabled: !args.enable }, clock()),
    );
    if (args.json) printJson(user);
    else println(row(user));
    return EXIT.ok;
  },
});

const password = defineCommand({
  meta: {
    name: "password",
    description: "Set a user's password (random and printed once unless given); signs them out",
  },
  args: {
    user: { type: "positional", description: "The user's email or id", required: true },
    password: { type: "string", description: "The new password (at least 10 characters)" },
    invite: { type: "boolean", description: "Clear the password and print a one-time reset token instead" },
    json: { type: "boolean", description: "Print JSON" },
    ...dbArg,
  },
  async run({ args }) {
    const next = args.invite ? null : (args.password ?? randomPassword());
    const { user, invite } = await withUsers(args.db, async (repo) =>
      resetPassword(repo, (await find(repo, args.user)).id, next, clock()),
    );
    const shown = args.password === undefined ? next : null;
    if (args.json) printJson({ ...user, ...(shown ? { password: shown } : {}), invite });
    else {
      println(row(user));
      if (shown) println(`password: ${shown}   (shown only now)`);
      if (invite) println(`reset token: ${invite.token}   (one use, until ${invite.expiresAt})`);
    }
    return EXIT.ok;
  },
});

/** `winnow users add|list|disable|password`, straight on the database (for the first admin of a real install). */
export const command = defineCommand({
  meta: { name: "users", description: "Manage web app users: add, list, disable, password" },
  args: dbArg,
  subCommands: { add, list, disable, password },
});

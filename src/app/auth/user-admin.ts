import { createHash, randomBytes } from "node:crypto";
import { type Issue, WinnowError } from "../../core/errors.ts";
import type { UserRole } from "../../core/roles.ts";
import type { UserPatch, UserRecord, UserRepository } from "../../storage/users-ports.ts";
import {
  DEFAULT_SCRYPT,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  type ScryptParams,
} from "./password.ts";

/** An invite or reset token is good for 7 days, once. Only its SHA-256 is stored. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export type Invite = { readonly token: string; readonly expiresAt: string };

export type NewUserInput = {
  readonly email: string;
  readonly displayName: string;
  readonly role: UserRole;
  readonly ownerId: string | null;
  /** Set this initial password; without it the user gets a one-time invite token instead. */
  readonly password?: string | null;
};

export type UserChange = {
  readonly displayName?: string;
  readonly role?: UserRole;
  readonly ownerId?: string | null;
  readonly disabled?: boolean;
};

export type Clock = { readonly now: Date; readonly ids: () => string; readonly scrypt?: ScryptParams };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function hashInviteToken(token: string): string {
  return createHash("sha256").update(`invite:${token}`, "utf8").digest("hex");
}

function newInvite(now: Date): Invite & { hash: string } {
  const token = randomBytes(32).toString("base64url");
  return {
    token,
    hash: hashInviteToken(token),
    expiresAt: new Date(now.getTime() + INVITE_TTL_MS).toISOString(),
  };
}

/** Problems with a password, as issues at `path` (empty when it is acceptable). */
export function passwordIssues(password: string, path = "password"): Issue[] {
  if (password.length < MIN_PASSWORD_LENGTH)
    return [{ path, message: `must be at least ${MIN_PASSWORD_LENGTH} characters` }];
  if (password.length > MAX_PASSWORD_LENGTH)
    return [{ path, message: `must be at most ${MAX_PASSWORD_LENGTH} characters` }];
  return [];
}

function invalid(issues: Issue[]): WinnowError {
  return new WinnowError("WINNOW_ERR_VALIDATION", { message: "The user is not valid; see issues", issues });
}

/** Creates a user with an initial password, or with a one-time invite token (returned once). */
export async function createUser(
  users: UserRepository,
  input: NewUserInput,
  clock: Clock,
): Promise<{ user: UserRecord; invite: Invite | null }> {
  const email = input.email.trim();
  const issues: Issue[] = [];
  if (!EMAIL.test(email) || email.length > 254)
    issues.push({ path: "email", message: "is not an email address" });
  if (!input.displayName.trim()) issues.push({ path: "displayName", message: "is required" });
  if (input.role === "rep" && !input.ownerId?.trim())
    issues.push({
      path: "ownerId",
      message: "a rep needs the owner id whose leads they work (leads.ownerId)",
    });
  if (input.password != null) issues.push(...passwordIssues(input.password));
  if (issues.length > 0) throw invalid(issues);
  const at = clock.now.toISOString();
  const invite = input.password == null ? newInvite(clock.now) : null;
  const user = await users.create({
    id: clock.ids(),
    email,
    displayName: input.displayName.trim(),
    role: input.role,
    ownerId: input.role === "rep" ? (input.ownerId?.trim() ?? null) : null,
    passwordHash:
      input.password == null ? null : await hashPassword(input.password, clock.scrypt ?? DEFAULT_SCRYPT),
    inviteHash: invite?.hash ?? null,
    inviteExpires: invite?.expiresAt ?? null,
    createdAt: at,
  });
  if (!user)
    throw new WinnowError("WINNOW_ERR_EMAIL_TAKEN", {
      message: `A user with the email ${email} already exists`,
    });
  return { user, invite: invite ? { token: invite.token, expiresAt: invite.expiresAt } : null };
}

async function existing(users: UserRepository, id: string): Promise<UserRecord> {
  const user = await users.get(id);
  if (!user) throw new WinnowError("WINNOW_ERR_NOT_FOUND", { message: `User ${id} does not exist` });
  return user;
}

/**
 * Changes a user's name, role, owner id or disabled flag. Disabling signs them out everywhere; a
 * change that would leave no enabled admin user is refused.
 */
export async function changeUser(
  users: UserRepository,
  id: string,
  change: UserChange,
  clock: Clock,
): Promise<UserRecord> {
  const user = await existing(users, id);
  const role = change.role ?? (user.role as UserRole);
  const ownerId = change.ownerId !== undefined ? change.ownerId?.trim() || null : user.ownerId;
  if (change.displayName !== undefined && !change.displayName.trim())
    throw invalid([{ path: "displayName", message: "is required" }]);
  if (role === "rep" && !ownerId)
    throw invalid([
      { path: "ownerId", message: "a rep needs the owner id whose leads they work (leads.ownerId)" },
    ]);
  const wasActiveAdmin = user.role === "admin" && user.disabledAt === null;
  const staysActiveAdmin = role === "admin" && (change.disabled ?? user.disabledAt !== null) === false;
  const takesAnAdmin = wasActiveAdmin && !staysActiveAdmin;
  const at = clock.now.toISOString();
  const patch: UserPatch = {
    ...(change.displayName !== undefined ? { displayName: change.displayName.trim() } : {}),
    role,
    ownerId: role === "rep" ? ownerId : null,
    ...(change.disabled === undefined
      ? {}
      : { disabledAt: change.disabled ? (user.disabledAt ?? at) : null }),
  };
  const written = takesAnAdmin
    ? await users.updateKeepingAnAdmin(id, patch, at)
    : await users.update(id, patch, at);
  if (written === "last-admin") throw new WinnowError("WINNOW_ERR_LAST_ADMIN");
  const updated = written ?? user;
  // Any change of who they are or what they may do ends their sessions; they sign in again.
  if (change.disabled === true || role !== user.role || patch.ownerId !== user.ownerId)
    await users.deleteSessionsOf(id);
  return updated;
}

/**
 * Sets a new password (when given) or issues a one-time reset token (returned once); either way the
 * user's sessions end and any earlier invite is void.
 */
export async function resetPassword(
  users: UserRepository,
  id: string,
  password: string | null,
  clock: Clock,
): Promise<{ user: UserRecord; invite: Invite | null }> {
  await existing(users, id);
  if (password !== null) {
    const issues = passwordIssues(password);
    if (issues.length > 0) throw invalid(issues);
  }
  const invite = password === null ? newInvite(clock.now) : null;
  const patch: UserPatch =
    password === null
      ? { passwordHash: null, inviteHash: invite?.hash ?? null, inviteExpires: invite?.expiresAt ?? null }
      : {
          passwordHash: await hashPassword(password, clock.scrypt ?? DEFAULT_SCRYPT),
          inviteHash: null,
          inviteExpires: null,
        };
  const user = await users.update(id, patch, clock.now.toISOString());
  if (!user) throw new WinnowError("WINNOW_ERR_NOT_FOUND", { message: `User ${id} does not exist` });
  await users.deleteSessionsOf(id);
  return { user, invite: invite ? { token: invite.token, expiresAt: invite.expiresAt } : null };
}

/** Redeems an invite or reset token: sets the password and voids the token. */
export async function acceptInvite(
  users: UserRepository,
  token: string,
  password: string,
  clock: Clock,
): Promise<UserRecord> {
  const issues = passwordIssues(password);
  if (issues.length > 0) throw invalid(issues);
  const at = clock.now.toISOString();
  const hash = hashInviteToken(token);
  // Look first, so an unknown token costs no password hash.
  const user = await users.findByInvite(hash, at);
  if (!user || user.disabledAt !== null) throw new WinnowError("WINNOW_ERR_INVITE_INVALID");
  const redeemed = await users.redeemInvite(
    hash,
    await hashPassword(password, clock.scrypt ?? DEFAULT_SCRYPT),
    at,
  );
  if (!redeemed) throw new WinnowError("WINNOW_ERR_INVITE_INVALID");
  return redeemed;
}

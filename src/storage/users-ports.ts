import type { Instant } from "../core/records.ts";

/**
 * Ports of user accounts, their sign-in sessions and failed sign-ins (the web app's people; programs
 * use API keys). Secrets only ever pass through here as hashes.
 */

export type UserRecord = {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: string;
  /** The owner id a rep acts as (`Lead.ownerId`); null for other roles. */
  readonly ownerId: string | null;
  readonly disabledAt: Instant | null;
  readonly createdAt: Instant;
  readonly updatedAt: Instant;
  /** Whether a password is set (an invited user has none until they accept). */
  readonly hasPassword: boolean;
  /** When an unused invite or reset token expires; null when none is pending. */
  readonly inviteExpires: Instant | null;
};

export type NewUserRecord = {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: string;
  readonly ownerId: string | null;
  readonly passwordHash: string | null;
  readonly inviteHash: string | null;
  readonly inviteExpires: Instant | null;
  readonly createdAt: Instant;
};

export type UserPatch = {
  readonly displayName?: string;
  readonly role?: string;
  readonly ownerId?: string | null;
  readonly disabledAt?: Instant | null;
  readonly passwordHash?: string | null;
  readonly inviteHash?: string | null;
  readonly inviteExpires?: Instant | null;
};

export type SignInThrottle = { readonly failures: number; readonly lockedUntil: Instant | null };

export interface UserRepository {
  /** Null when a user already has this email (whatever its case). */
  create(user: NewUserRecord): Promise<UserRecord | null>;
  get(id: string): Promise<UserRecord | null>;
  /** Case-insensitive; with the password hash, for signing in. */
  findByEmail(email: string): Promise<{ user: UserRecord; passwordHash: string | null } | null>;
  /** The user whose unexpired invite/reset token has this hash. */
  findByInvite(inviteHash: string, at: Instant): Promise<UserRecord | null>;
  list(): Promise<UserRecord[]>;
  count(): Promise<number>;
  update(id: string, patch: UserPatch, at: Instant): Promise<UserRecord | null>;
  /**
   * `update` for a change that takes away an enabled admin: refused ("last-admin", nothing written)
   * unless another enabled admin remains. Check and write are serialised across connections, so
   * two admins demoting each other at the same moment cannot both succeed.
   */
  updateKeepingAnAdmin(id: string, patch: UserPatch, at: Instant): Promise<UserRecord | null | "last-admin">;
  /**
   * Sets the password of the enabled user whose unexpired invite token has this hash and voids the
   * token, in one statement (a token works once even when redeemed twice at the same moment).
   */
  redeemInvite(inviteHash: string, passwordHash: string, at: Instant): Promise<UserRecord | null>;

  createSession(session: {
    readonly tokenHash: string;
    readonly userId: string;
    readonly createdAt: Instant;
    readonly expiresAt: Instant;
  }): Promise<void>;
  /** The session's user, when the session exists and has not expired at `at` (disabled users too). */
  sessionUser(tokenHash: string, at: Instant): Promise<UserRecord | null>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Signs a user out everywhere (disable, password change); returns how many sessions ended. */
  deleteSessionsOf(userId: string): Promise<number>;
  /**
   * Sets an enabled user's password and ends their other sessions, keeping the one whose token has
   * `keepTokenHash`, in one transaction. The number of sessions ended; null when no such enabled user.
   */
  changePassword(
    userId: string,
    passwordHash: string,
    keepTokenHash: string,
    at: Instant,
  ): Promise<number | null>;
  /** Forgets sessions that expired before `at`. */
  purgeExpiredSessions(at: Instant): Promise<number>;

  throttle(email: string): Promise<SignInThrottle | null>;
  /** Counts a failure; locks the email until `at + lockMs` when failures reach `maxFailures`. */
  recordFailure(
    email: string,
    at: Instant,
    policy: { readonly maxFailures: number; readonly lockMs: number; readonly windowMs: number },
  ): Promise<SignInThrottle>;
  clearFailures(email: string): Promise<void>;
}

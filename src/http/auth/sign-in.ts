import { DEFAULT_SCRYPT, type ScryptParams, verifyDecoy, verifyPassword } from "../../app/auth/password.ts";
import type { ErrorCode } from "../../core/errors.ts";
import type { UserRecord, UserRepository } from "../../storage/users-ports.ts";
import { csrfTokenFor, generateSessionToken, SESSION_TTL_MS } from "./session-token.ts";

/** Five failed sign-ins for one email within 15 minutes lock that email for 15 minutes. */
export const LOCKOUT = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 } as const;

export type SignedIn = {
  readonly ok: true;
  readonly user: UserRecord;
  /** The cookie's value: shown to nobody, stored only as a hash. */
  readonly token: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
};

export type SignInRefused =
  | { readonly ok: false; readonly code: Extract<ErrorCode, "WINNOW_ERR_SIGN_IN_FAILED"> }
  | {
      readonly ok: false;
      readonly code: Extract<ErrorCode, "WINNOW_ERR_SIGN_IN_LOCKED">;
      readonly retryAfterSeconds: number;
    };

/** Normalised form of an email for lookups and the failure count. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Checks an email and password and opens a session. Every refusal looks the same whether the email
 * exists, has no password yet, or belongs to a disabled user (and takes as long: a decoy hash is
 * checked), and every refusal counts towards the email's lockout.
 */
export async function signIn(
  users: UserRepository,
  input: { readonly email: string; readonly password: string },
  now: Date,
  scrypt: ScryptParams = DEFAULT_SCRYPT,
): Promise<SignedIn | SignInRefused> {
  const email = emailKey(input.email);
  const at = now.toISOString();
  const throttle = await users.throttle(email);
  const locked = throttle?.lockedUntil ? Date.parse(throttle.lockedUntil) - now.getTime() : 0;
  if (locked > 0)
    return { ok: false, code: "WINNOW_ERR_SIGN_IN_LOCKED", retryAfterSeconds: Math.ceil(locked / 1000) };

  const found = await users.findByEmail(email);
  const usable = found !== null && found.passwordHash !== null && found.user.disabledAt === null;
  const good = usable
    ? await verifyPassword(input.password, found.passwordHash as string)
    : await verifyDecoy(input.password, scrypt);
  if (!good || !found) {
    const after = await users.recordFailure(email, at, LOCKOUT);
    if (after.lockedUntil !== null)
      return {
        ok: false,
        code: "WINNOW_ERR_SIGN_IN_LOCKED",
        retryAfterSeconds: Math.ceil((Date.parse(after.lockedUntil) - now.getTime()) / 1000),
      };
    return { ok: false, code: "WINNOW_ERR_SIGN_IN_FAILED" };
  }
  if (throttle) await users.clearFailures(email);
  await users.purgeExpiredSessions(at);
  const { token, hash } = generateSessionToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS).toISOString();
  await users.createSession({ tokenHash: hash, userId: found.user.id, createdAt: at, expiresAt });
  return { ok: true, user: found.user, token, csrfToken: csrfTokenFor(token), expiresAt };
}

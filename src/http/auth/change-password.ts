import { DEFAULT_SCRYPT, hashPassword, type ScryptParams, verifyPassword } from "../../app/auth/password.ts";
import { WinnowError } from "../../core/errors.ts";
import type { UserRepository } from "../../storage/users-ports.ts";
import { hashSessionToken } from "./session-token.ts";
import { emailKey, LOCKOUT } from "./sign-in.ts";

/**
 * A signed-in user changes their own password: the current one must be right (a wrong one counts
 * towards the email's sign-in lockout, and a locked email cannot change it either), then the new
 * hash is stored and every other session of the user ends; the session asking stays signed in.
 * A wrong current password is a 422 on `body.currentPassword` (not a 401: the session is fine).
 */
export async function changeOwnPassword(
  users: UserRepository,
  input: {
    readonly userId: string;
    readonly email: string;
    readonly sessionToken: string;
    readonly currentPassword: string;
    readonly newPassword: string;
  },
  now: Date,
  scrypt: ScryptParams = DEFAULT_SCRYPT,
): Promise<{ readonly endedSessions: number }> {
  const email = emailKey(input.email);
  const at = now.toISOString();
  const locked = (until: string) => {
    const seconds = Math.ceil((Date.parse(until) - now.getTime()) / 1000);
    return new WinnowError("WINNOW_ERR_SIGN_IN_LOCKED", { details: { retryAfterSeconds: seconds } });
  };
  const throttle = await users.throttle(email);
  if (throttle?.lockedUntil && Date.parse(throttle.lockedUntil) > now.getTime())
    throw locked(throttle.lockedUntil);
  const found = await users.findByEmail(email);
  const good =
    found !== null &&
    found.user.id === input.userId &&
    found.passwordHash !== null &&
    (await verifyPassword(input.currentPassword, found.passwordHash));
  if (!good) {
    const after = await users.recordFailure(email, at, LOCKOUT);
    if (after.lockedUntil !== null) throw locked(after.lockedUntil);
    throw new WinnowError("WINNOW_ERR_VALIDATION", {
      message: "The current password is not right",
      issues: [{ path: "body.currentPassword", message: "is not your current password" }],
    });
  }
  if (input.newPassword === input.currentPassword)
    throw new WinnowError("WINNOW_ERR_VALIDATION", {
      message: "The new password is the current one",
      issues: [{ path: "body.newPassword", message: "must differ from the current password" }],
    });
  if (throttle) await users.clearFailures(email);
  const ended = await users.changePassword(
    input.userId,
    await hashPassword(input.newPassword, scrypt),
    hashSessionToken(input.sessionToken),
    at,
  );
  if (ended === null)
    throw new WinnowError("WINNOW_ERR_UNAUTHORIZED", { message: "The user is disabled; sign in again" });
  return { endedSessions: ended };
}

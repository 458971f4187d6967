import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Browser sessions: the cookie holds a random 256-bit token; the server stores only its SHA-256
 * (like API keys, a fast hash is enough for that much entropy). The CSRF token is derived from the
 * session token, so nothing more is stored: a page that can read neither the HttpOnly cookie nor
 * our JSON responses (cross-origin) cannot produce it.
 */
export const SESSION_COOKIE = "winnow_session";
export const CSRF_HEADER = "x-winnow-csrf";
/** Sessions last 12 hours from sign-in, then the user signs in again. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export function generateSessionToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashSessionToken(token) };
}

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(`session:${token}`, "utf8").digest("hex");
}

export function csrfTokenFor(sessionToken: string): string {
  return createHash("sha256").update(`csrf:${sessionToken}`, "utf8").digest("base64url");
}

export function csrfMatches(sessionToken: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The session token from a `Cookie` header, when it has our cookie with a plausible value. */
export function sessionTokenFrom(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    if (/^[A-Za-z0-9_-]{43}$/.test(value)) return value;
  }
  return null;
}

/** `Set-Cookie` for a new session (or, with `token` null, one that clears it). */
export function sessionCookie(token: string | null, secure: boolean, maxAgeMs = SESSION_TTL_MS): string {
  const attributes = [
    `${SESSION_COOKIE}=${token ?? ""}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${token === null ? 0 : Math.floor(maxAgeMs / 1000)}`,
  ];
  if (secure) attributes.push("Secure");
  return attributes.join("; ");
}

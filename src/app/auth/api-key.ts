import { hash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * API keys look like `wnw_<43 base64url chars>` (256 random bits). Only the SHA-256 of a key is
 * stored: with that much entropy a fast hash is as safe as a slow one, and it keeps every request's
 * check cheap. The key itself is shown once, when created.
 */
export const KEY_PREFIX = "wnw_";

export type NewApiKey = { readonly key: string; readonly hash: string; readonly hint: string };

export function generateApiKey(): NewApiKey {
  const key = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { key, hash: hashApiKey(key), hint: key.slice(0, KEY_PREFIX.length + 6) };
}

/** SHA-256, hex. One-shot `crypto.hash`: a third of createHash's CPU for a key (0.3 vs 0.9 µs), on every request. */
export function hashApiKey(key: string): string {
  return hash("sha256", key, "hex");
}

/** Constant-time comparison of two hex digests. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

/**
 * Passwords are hashed with scrypt (Node's built-in, memory-hard) and a random 16-byte salt per
 * password. The cost parameters are stored with the hash (`scrypt$N$r$p$salt$hash`, base64url), so
 * they can be raised later without breaking existing passwords.
 */
export type ScryptParams = { readonly N: number; readonly r: number; readonly p: number };

/**
 * N=2^15, r=8, p=3: one of the equivalent minimums of the OWASP Password Storage Cheat Sheet, using
 * 32 MiB per hash (not the 128 MiB of its N=2^17 variant) so that a few sign-ins at once do not
 * crowd a small server. Tests pass cheaper parameters through ApiDeps.
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 3 };

const KEY_LENGTH = 32;
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.N * params.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join(
    "$",
  );
}

function parse(encoded: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const parts = encoded.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return null;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  // Refuse absurd parameters rather than let a bad row eat the server's memory.
  if (!Number.isInteger(N) || N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0) return null;
  if (!Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16) return null;
  const salt = Buffer.from(parts[4] ?? "", "base64url");
  const key = Buffer.from(parts[5] ?? "", "base64url");
  if (salt.length < 8 || key.length !== KEY_LENGTH) return null;
  return { params: { N, r, p }, salt, key };
}

/** Whether `password` matches `encoded` (constant-time compare); false for a malformed hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.key);
}

const decoys = new Map<string, Promise<string>>();

/**
 * Spends the same time as checking a real password, for sign-ins with an unknown email or a user
 * without a password, so the answer time does not tell whether the email exists.
 */
export async function verifyDecoy(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<false> {
  const id = `${params.N}$${params.r}$${params.p}`;
  let decoy = decoys.get(id);
  if (!decoy) {
    decoy = hashPassword(randomBytes(12).toString("base64url"), params);
    decoys.set(id, decoy);
  }
  await verifyPassword(password, await decoy);
  return false;
}

/** A random password for demo users (printed once): 96 bits, URL-safe. */
export function randomPassword(): string {
  return randomBytes(12).toString("base64url");
}

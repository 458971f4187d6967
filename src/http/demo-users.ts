import { randomUUID } from "node:crypto";
import { DEFAULT_SCRYPT, randomPassword, type ScryptParams } from "../app/auth/password.ts";
import { createUser } from "../app/auth/user-admin.ts";
import type { Storage } from "../storage/ports.ts";
import type { UserRepository } from "../storage/users-ports.ts";

export const DEMO_ADMIN_EMAIL = "admin@demo.winnow.local";

export type DemoUsers = {
  readonly admin: { readonly email: string; readonly password: string };
  /** One user per demo owner id (`rep-1@demo.winnow.local` works the leads of `rep-1`), sharing a password. */
  readonly reps: { readonly emails: readonly string[]; readonly password: string };
};

/**
 * For `winnow serve --demo` on a database without users: an admin user and a rep user per owner id
 * the demo's leads have, with random passwords returned to be printed once (stored hashed).
 * Null when users already exist.
 */
export async function ensureDemoUsers(
  storage: Storage,
  users: UserRepository,
  scrypt: ScryptParams = DEFAULT_SCRYPT,
): Promise<DemoUsers | null> {
  if ((await users.count()) > 0) return null;
  const clock = { now: new Date(), ids: randomUUID, scrypt };
  const admin = { email: DEMO_ADMIN_EMAIL, password: randomPassword() };
  await createUser(
    users,
    { email: admin.email, displayName: "Demo admin", role: "admin", ownerId: null, password: admin.password },
    clock,
  );
  const { rows } = await storage.sql.query<{ owner_id: string }>(
    "SELECT DISTINCT owner_id FROM leads WHERE owner_id IS NOT NULL ORDER BY owner_id LIMIT 50",
  );
  const password = randomPassword();
  // Owner ids become the local part of an email only when they are simple (the demo's are rep-1…).
  const owners = rows.map((r) => r.owner_id).filter((o) => /^[a-z0-9][a-z0-9._-]{0,40}$/i.test(o));
  // Hashing runs on libuv's thread pool, so the reps are hashed side by side.
  await Promise.all(
    owners.map((owner) =>
      createUser(
        users,
        {
          email: `${owner.toLowerCase()}@demo.winnow.local`,
          displayName: `Demo ${owner}`,
          role: "rep",
          ownerId: owner,
          password,
        },
        clock,
      ),
    ),
  );
  return { admin, reps: { emails: owners.map((o) => `${o.toLowerCase()}@demo.winnow.local`), password } };
}

import type { Role } from "../../core/roles.ts";

/** Who is calling: resolved from the API key, or the session cookie of a signed-in user, on every request. */
export type Principal = {
  /** The API key's id; for a signed-in user `user:<id>` (it scopes Idempotency-Keys per caller). */
  readonly keyId: string;
  /** The key's name, or the user's display name (recorded as the actor of changes). */
  readonly name: string;
  readonly role: Role;
  /** For reps, the owner id whose leads they may see (`Lead.ownerId`). */
  readonly subject: string | null;
  /** Set when the caller signed in with email and password (session cookie). */
  readonly user?: { readonly id: string; readonly email: string; readonly csrfToken: string };
};

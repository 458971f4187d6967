import type { Role } from "../session.ts";
import type { Api } from "./client.ts";

export type Identity = {
  readonly name: string;
  readonly role: Role;
  readonly subject: string | null;
  /** Present when signed in with email and password (the session cookie). */
  readonly user?: { readonly id: string; readonly email: string; readonly csrfToken: string };
};

/** Who is signed in (`GET /v1/me`): name, role and, for reps, the owner id they act as. */
export async function whoAmI(api: Api): Promise<Identity> {
  return api.get<Identity>("/v1/me");
}

/** What `POST /v1/sessions` (and `/v1/sessions/invite`) answer. */
export type SignedIn = Identity & {
  readonly user: { readonly id: string; readonly email: string };
  readonly csrfToken: string;
  readonly expiresAt: string;
};

/** Signs in with email and password; the server sets the HttpOnly session cookie. */
export async function signInWithPassword(api: Api, email: string, password: string): Promise<SignedIn> {
  return api.post<SignedIn>("/v1/sessions", { email, password });
}

/** Sets a password from an invite or reset token, and signs in. */
export async function redeemInvite(api: Api, token: string, password: string): Promise<SignedIn> {
  return api.post<SignedIn>("/v1/sessions/invite", { token, password });
}

/** Ends the session on the server (and clears the cookie); nothing to do for an API key. */
export async function signOut(api: Api): Promise<void> {
  if (api.key) return;
  await api.del("/v1/sessions").catch(() => undefined);
}

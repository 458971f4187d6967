import type { Credentials } from "./api/client.ts";

/**
 * Sign-in state, kept in sessionStorage (gone when the tab closes, never in local storage) with what
 * the server told us about the caller. Two ways in (docs/web.md):
 * - email and password: the server holds the session in an HttpOnly cookie that scripts cannot
 *   read; we keep only the CSRF token that requests changing data must echo;
 * - an API key, kept here and sent as a bearer token (for admins and scripts that already have one).
 */
export type Role = "admin" | "manager" | "rep" | "ingest";

export type Session = {
  /** The API key; empty when signed in with email and password. */
  readonly key: string;
  /** The session's CSRF token (email + password sign-in only). */
  readonly csrf?: string;
  /** The signed-in user's email (email + password sign-in only). */
  readonly email?: string;
  readonly name: string;
  readonly role: Role;
  /** For reps: the owner id whose leads they see. */
  readonly subject: string | null;
};

const STORAGE_KEY = "winnow.session";

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    if (typeof parsed.key !== "string" || typeof parsed.role !== "string") return null;
    const csrf = typeof parsed.csrf === "string" ? parsed.csrf : undefined;
    if (!parsed.key && !csrf) return null;
    return {
      key: parsed.key,
      ...(csrf ? { csrf } : {}),
      ...(typeof parsed.email === "string" ? { email: parsed.email } : {}),
      name: typeof parsed.name === "string" ? parsed.name : "",
      role: parsed.role,
      subject: parsed.subject ?? null,
    };
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** How the API client signs requests for this session. */
export function credentialsOf(session: Session): Credentials {
  return session.key ? session.key : { csrf: session.csrf ?? "" };
}

/** Which screens a role may open (the server enforces the same rules; this only hides dead ends). */
export const SCREENS_BY_ROLE = {
  admin: ["inbox", "dashboard", "scoring", "model", "settings"],
  manager: ["inbox", "dashboard", "scoring", "model"],
  rep: ["inbox"],
  ingest: [],
} as const satisfies Record<Role, readonly string[]>;

/**
 * Sign-in state: the API key lives in sessionStorage (gone when the tab closes, never in a cookie
 * or local storage), with what the server told us about it. See docs/web.md for why API keys and
 * the plan for user accounts.
 */
export type Role = "admin" | "manager" | "rep" | "ingest";

export type Session = {
  readonly key: string;
  readonly name: string;
  readonly role: Role;
  /** For rep keys: the owner id whose leads the key sees. */
  readonly subject: string | null;
};

const STORAGE_KEY = "winnow.session";

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    if (typeof parsed.key !== "string" || typeof parsed.role !== "string") return null;
    return {
      key: parsed.key,
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

/** Which screens a role may open (the server enforces the same rules; this only hides dead ends). */
export const SCREENS_BY_ROLE = {
  admin: ["inbox", "dashboard", "scoring", "model", "settings"],
  manager: ["inbox", "dashboard", "scoring", "model"],
  rep: ["inbox"],
  ingest: [],
} as const satisfies Record<Role, readonly string[]>;

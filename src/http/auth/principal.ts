import type { Role } from "./roles.ts";

/** Who is calling: resolved from the API key on every request. */
export type Principal = {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
  /** For `rep` keys, the owner id whose leads they may see (`Lead.ownerId`). */
  readonly subject: string | null;
};

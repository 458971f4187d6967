import type { Role } from "../session.ts";
import type { Api } from "./client.ts";

export type Identity = { readonly name: string; readonly role: Role; readonly subject: string | null };

/** Who a key belongs to (`GET /v1/me`): its name, role and, for reps, the owner id it acts as. */
export async function whoAmI(api: Api): Promise<Identity> {
  return api.get<Identity>("/v1/me");
}

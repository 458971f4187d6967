import type { Role } from "../session.ts";
import { type Api, ApiError } from "./client.ts";

export type Identity = { readonly name: string; readonly role: Role; readonly subject: string | null };

const ROLES: readonly Role[] = ["admin", "manager", "rep", "ingest"];

/**
 * Who a key belongs to. Asks `GET /v1/me`; a server without that route is probed instead: a key
 * that may list keys is an admin, one that may read reports a manager, one that may read leads a rep.
 */
export async function whoAmI(api: Api): Promise<Identity> {
  try {
    const me = await api.get<Record<string, unknown>>("/v1/me");
    const role = ROLES.find((r) => r === me["role"]) ?? "rep";
    return {
      name: typeof me["name"] === "string" ? me["name"] : role,
      role,
      subject: typeof me["subject"] === "string" ? me["subject"] : null,
    };
  } catch (error) {
    if (!(error instanceof ApiError) || !error.missingRoute) throw error;
  }
  const allowed = async (path: string) => {
    try {
      await api.get(path);
      return true;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 403 || error.missingRoute)) return false;
      throw error;
    }
  };
  if (await allowed("/v1/keys")) return { name: "admin", role: "admin", subject: null };
  if (await allowed("/v1/reports/funnel")) return { name: "manager", role: "manager", subject: null };
  return { name: "rep", role: "rep", subject: null };
}

import type { FastifyRequest } from "fastify";
import { WinnowError } from "../core/errors.ts";
import { seesAllLeads } from "../core/roles.ts";
import type { Storage, StoredLead } from "../storage/ports.ts";
import { principalOf } from "./auth/authenticate.ts";
import type { Principal } from "./auth/principal.ts";

/** Whether the caller may see this lead: managers and admins all, reps those they own. */
export function canSeeLead(principal: Principal, lead: Pick<StoredLead, "ownerId">): boolean {
  return seesAllLeads(principal.role) || (principal.subject !== null && lead.ownerId === principal.subject);
}

/**
 * Loads a lead the caller may see. Someone else's lead answers 404 like a missing one, so that a rep
 * cannot probe which lead ids exist.
 */
export async function visibleLead(
  storage: Storage,
  request: FastifyRequest,
  id: string,
): Promise<StoredLead> {
  const lead = await storage.leads.get(id);
  if (!lead || !canSeeLead(principalOf(request), lead)) {
    throw new WinnowError("WINNOW_ERR_LEAD_NOT_FOUND", { message: `Lead ${id} does not exist` });
  }
  return lead;
}

/** The owner id the caller acts as, for reps; null for roles that see everything. */
export function ownerScope(request: FastifyRequest): string | null {
  const p = principalOf(request);
  return seesAllLeads(p.role) ? null : (p.subject ?? "");
}

/**
 * The owner filter of a list route: a rep's key is held to its own subject (asking for another
 * owner is 403 with `message`); managers get what they asked for, `none` meaning unassigned
 * (null). `undefined` means no owner filter.
 */
export function listOwnerFilter(
  request: FastifyRequest,
  asked: string | undefined,
  message: string,
): string | null | undefined {
  const own = ownerScope(request);
  if (own !== null && asked !== undefined && asked !== own)
    throw new WinnowError("WINNOW_ERR_FORBIDDEN", { message });
  return own ?? (asked === "none" ? null : asked);
}

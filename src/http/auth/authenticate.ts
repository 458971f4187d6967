import type { FastifyInstance, FastifyRequest } from "fastify";
import { WinnowError } from "../../core/errors.ts";
import type { ApiKeyRepository } from "../../storage/api-ports.ts";
import { hashApiKey, KEY_PREFIX } from "./api-key.ts";
import type { Principal } from "./principal.ts";
import { can, type Permission, ROLES, type Role } from "./roles.ts";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /**
     * What the route requires: `public` needs no key, `any-key` any valid key; routes without it are
     * admin-only.
     */
    permission?: Permission | "public" | "any-key";
  }
}

type CacheEntry = { readonly principal: Principal | null; readonly until: number };

/**
 * Resolves `Authorization: Bearer <key>` to a principal and enforces the route's permission, before
 * the body is even read. Verified keys are remembered for `cacheMs` so that a busy ingest client does
 * not cost a database round trip per event; revoking through this server clears the memory at once.
 */
export function registerAuth(
  app: FastifyInstance,
  keys: ApiKeyRepository,
  cacheMs: number,
  clock: () => number,
) {
  const cache = new Map<string, CacheEntry>();

  async function principalFor(key: string): Promise<Principal | null> {
    const hash = hashApiKey(key);
    const hit = cache.get(hash);
    const now = clock();
    if (hit && hit.until > now) return hit.principal;
    const record = await keys.findByHash(hash);
    const principal =
      record && record.revokedAt === null && (ROLES as readonly string[]).includes(record.role)
        ? { keyId: record.id, name: record.name, role: record.role as Role, subject: record.subject }
        : null;
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, { principal, until: now + cacheMs });
    return principal;
  }

  app.decorateRequest("principal", null);
  app.addHook("onRequest", async (request: FastifyRequest) => {
    const permission = request.routeOptions.config?.permission ?? "admin";
    if (permission === "public") return;
    // Unknown routes fall through to the not-found handler (404 is no secret).
    if (request.routeOptions.url === undefined) return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const key = match?.[1];
    if (key === undefined || !key.startsWith(KEY_PREFIX)) throw new WinnowError("WINNOW_ERR_UNAUTHORIZED");
    const principal = await principalFor(key);
    if (!principal)
      throw new WinnowError("WINNOW_ERR_UNAUTHORIZED", { message: "The API key is unknown or revoked" });
    request.principal = principal;
    if (permission !== "any-key" && !can(principal.role, permission)) {
      throw new WinnowError("WINNOW_ERR_FORBIDDEN", {
        message: `A ${principal.role} key may not do this (needs ${permission})`,
        details: { role: principal.role, needs: permission },
      });
    }
  });

  return {
    /** Forget cached verdicts (after a revoke). */
    forget(): void {
      cache.clear();
    },
  };
}

/** The caller of an authenticated route (the hook guarantees it is set). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new WinnowError("WINNOW_ERR_UNAUTHORIZED");
  return request.principal;
}

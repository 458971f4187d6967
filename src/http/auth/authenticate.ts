import type { FastifyInstance, FastifyRequest } from "fastify";
import { hashApiKey, KEY_PREFIX } from "../../app/auth/api-key.ts";
import { WinnowError } from "../../core/errors.ts";
import { can, type Permission, ROLES, type Role, USER_ROLES } from "../../core/roles.ts";
import type { ApiKeyRepository } from "../../storage/api-ports.ts";
import type { UserRepository } from "../../storage/users-ports.ts";
import type { Principal } from "./principal.ts";
import {
  CSRF_HEADER,
  csrfMatches,
  csrfTokenFor,
  hashSessionToken,
  sessionTokenFrom,
} from "./session-token.ts";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /**
     * What the route requires: `public` needs no key, `any-key` any valid key or signed-in user;
     * routes without it are admin-only.
     */
    permission?: Permission | "public" | "any-key";
  }
}

type CacheEntry = { readonly principal: Principal | null; readonly until: number };

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Resolves `Authorization: Bearer <key>` to a principal and enforces the route's permission, before
 * the body is even read. Verified keys are remembered for `cacheMs` so that a busy ingest client does
 * not cost a database round trip per event; revoking through this server clears the memory at once.
 *
 * Without an Authorization header, the `winnow_session` cookie of a signed-in user is accepted
 * (looked up on every request, so signing out, disabling and expiry take effect at once). A cookie
 * request that changes data must carry the session's CSRF token in `X-Winnow-CSRF`: browsers send
 * cookies along with cross-site requests, but another site can neither read the token nor set a
 * custom header without a CORS preflight this server does not grant.
 */
export function registerAuth(
  app: FastifyInstance,
  keys: ApiKeyRepository,
  cacheMs: number,
  clock: () => number,
  users?: UserRepository,
) {
  const cache = new Map<string, CacheEntry>();

  // Keyed by the key's SHA-256, never the key itself: no plaintext key outlives its request in this
  // process (a heap dump or a debugger shows hashes only). The hash is 2-3% of the server's busy CPU
  // per ingested event; kept on purpose.
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
    let principal: Principal | null;
    if (header === undefined && users) {
      principal = await sessionPrincipal(request, users, clock);
    } else {
      const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      const key = match?.[1];
      if (key === undefined || !key.startsWith(KEY_PREFIX)) throw new WinnowError("WINNOW_ERR_UNAUTHORIZED");
      principal = await principalFor(key);
      if (!principal)
        throw new WinnowError("WINNOW_ERR_UNAUTHORIZED", { message: "The API key is unknown or revoked" });
    }
    request.principal = principal;
    if (permission !== "any-key" && !can(principal.role, permission)) {
      throw new WinnowError("WINNOW_ERR_FORBIDDEN", {
        message: `A ${principal.role} ${principal.user ? "user" : "key"} may not do this (needs ${permission})`,
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

/** The signed-in user of the session cookie; throws 401 (no/unknown/expired session, disabled user) or 403 (CSRF). */
async function sessionPrincipal(
  request: FastifyRequest,
  users: UserRepository,
  clock: () => number,
): Promise<Principal> {
  const token = sessionTokenFrom(request.headers.cookie);
  if (token === null) throw new WinnowError("WINNOW_ERR_UNAUTHORIZED");
  const user = await users.sessionUser(hashSessionToken(token), new Date(clock()).toISOString());
  if (!user || user.disabledAt !== null || !(USER_ROLES as readonly string[]).includes(user.role))
    throw new WinnowError("WINNOW_ERR_UNAUTHORIZED", {
      message: "The session has expired or ended; sign in again",
    });
  if (UNSAFE_METHODS.has(request.method) && !csrfMatches(token, headerValue(request, CSRF_HEADER)))
    throw new WinnowError("WINNOW_ERR_CSRF");
  return {
    keyId: `user:${user.id}`,
    name: user.displayName,
    role: user.role as Role,
    subject: user.role === "rep" ? user.ownerId : null,
    user: { id: user.id, email: user.email, csrfToken: csrfTokenFor(token) },
  };
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The session token of a request's cookie (for signing out). */
export function sessionTokenOf(request: FastifyRequest): string | null {
  return sessionTokenFrom(request.headers.cookie);
}

/** The caller of an authenticated route (the hook guarantees it is set). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new WinnowError("WINNOW_ERR_UNAUTHORIZED");
  return request.principal;
}

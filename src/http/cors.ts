import type { FastifyInstance } from "fastify";

/**
 * CORS is off unless origins are configured (WINNOW_CORS_ORIGINS): the API is for servers and the
 * same-origin browser app. Only listed origins get CORS headers; preflights are answered here.
 */
export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  app.addHook("onRequest", async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin || !(allowed.has(origin) || allowed.has("*"))) return;
    reply.header("access-control-allow-origin", origin).header("vary", "Origin");
    if (request.method === "OPTIONS" && request.headers["access-control-request-method"]) {
      return reply
        .header("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE")
        .header("access-control-allow-headers", "authorization, content-type, idempotency-key")
        .header("access-control-max-age", "600")
        .code(204)
        .send();
    }
  });
}

import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { rescoreJobRunner } from "../app/rescore-all.ts";
import { thresholdCrossedListened, thresholdCrossedPayloads } from "../app/rescore-leads.ts";
import { createAfterIngestQueue } from "./after-ingest-queue.ts";
import { registerAuth } from "./auth/authenticate.ts";
import type { ApiContext, ApiDeps } from "./context.ts";
import { registerCors } from "./cors.ts";
import { errorHandler, problemOf, sendProblem } from "./problem.ts";
import { accountRoutes } from "./routes/accounts.ts";
import { activityRoutes } from "./routes/activities.ts";
import { dataTransferRoutes } from "./routes/data-transfer.ts";
import { dealRoutes } from "./routes/deals.ts";
import { eventRoutes } from "./routes/events.ts";
import { frameworkRoutes } from "./routes/frameworks.ts";
import { healthRoutes } from "./routes/health.ts";
import { keyRoutes } from "./routes/keys.ts";
import { leadRoutes } from "./routes/leads.ts";
import { meRoutes } from "./routes/me.ts";
import { predictiveRoutes } from "./routes/predictive.ts";
import { reportRoutes } from "./routes/reports.ts";
import { scorecardRoutes } from "./routes/scorecards.ts";
import { scoringModelRoutes } from "./routes/scoring-models.ts";
import { sessionRoutes } from "./routes/sessions.ts";
import { settingsRoutes } from "./routes/settings.ts";
import { signalRoutes } from "./routes/signals.ts";
import { transitionRoutes } from "./routes/transitions.ts";
import { userRoutes } from "./routes/users.ts";
import { webhookRoutes } from "./routes/webhooks.ts";
import type { ServerConfig } from "./server-config.ts";
import { createWebhookDispatcher, DEFAULT_RETRY } from "./webhooks/dispatcher.ts";

/** REST resources live under this prefix; `/` is left to the browser app. */
export const API_PREFIX = "/v1";

declare module "fastify" {
  interface FastifyInstance {
    winnow: ApiContext;
  }
}

/**
 * Builds the Winnow HTTP API (not listening yet: call `listen`, or `inject` in tests). Closing the
 * app stops the webhook dispatcher after in-flight requests finish.
 *
 * @example
 * const app = await buildApp(serverConfig({ port: 3000 }), deps);
 * await app.listen({ host: "127.0.0.1", port: 3000 });
 */
export async function buildApp(config: ServerConfig, deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: config.logRequests ? { level: "info" } : false,
    bodyLimit: config.bodyLimit,
    // Close idle keep-alive sockets on close(), but let requests in flight finish.
    forceCloseConnections: "idle",
    return503OnClosing: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  // JSON only: a text/plain body is refused with 415 instead of reaching validation as a string.
  app.removeContentTypeParser("text/plain");
  // Outside /v1 everything is public: the documentation page and the browser app's static files
  // (they describe the API and hold no data). Every /v1 route names its permission, admin if not.
  app.addHook("onRoute", (route) => {
    const config = route.config as { permission?: string } | undefined;
    if (!route.url.startsWith(`${API_PREFIX}/`) && config?.permission === undefined)
      route.config = { ...route.config, permission: "public" };
  });

  const now = deps.now ?? (() => new Date());
  const ids = deps.ids ?? randomUUID;
  const dispatcher = createWebhookDispatcher({
    repo: deps.webhooks,
    secretOf: async (id) => deps.webhooks.getSubscription(id),
    now,
    ids,
    policy: deps.webhookRetry ?? DEFAULT_RETRY,
    onError: (e) => app.log.error({ err: e }, "webhook delivery failed"),
  });
  const auth = registerAuth(app, deps.keys, config.keyCacheMs, () => now().getTime(), deps.users);
  const afterIngest = createAfterIngestQueue(deps.afterIngest, (e) =>
    app.log.error({ err: e }, "after-ingest work (rescoring) failed; the events are stored"),
  );
  // Full rescores (a new default scoring model, an import) run as jobs, one at a time; their threshold
  // crossings go to the same lead.threshold_crossed subscribers as live ones. Jobs (of any kind) a
  // stopped process left running are failed: those whose heartbeat is stale (job-liveness.ts).
  const rescores = rescoreJobRunner(deps.storage, {
    onCrossings: async (changes) => {
      if (!(await thresholdCrossedListened(deps.webhooks))) return;
      for (const change of changes)
        for (const payload of thresholdCrossedPayloads(change))
          await dispatcher.emit("lead.threshold_crossed", payload);
    },
  });
  await rescores.repository.failAbandoned(now().toISOString());
  const ctx: ApiContext = {
    deps,
    now,
    ids,
    webhooks: dispatcher,
    afterIngest,
    rescores,
    forgetKeys: auth.forget,
  };
  app.decorate("winnow", ctx);
  // Requests are finished by now: rescore what they stored (its webhooks are queued), end a running
  // full rescore between two pages, then stop.
  app.addHook("onClose", async () => {
    await afterIngest.idle();
    await rescores.stop();
    await dispatcher.stop();
  });

  registerCors(app, config.corsOrigins);
  if (config.rateLimit) {
    await app.register(rateLimit, {
      max: config.rateLimit.max,
      timeWindow: config.rateLimit.windowMs,
      keyGenerator: (req) => req.headers.authorization ?? req.ip,
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "Winnow API",
        version: "1",
        description: "Lead qualification with evidence. See docs/api.md.",
      },
      components: {
        securitySchemes: {
          apiKey: { type: "http", scheme: "bearer", description: "An API key from `winnow keys create`" },
          session: {
            type: "apiKey",
            in: "cookie",
            name: "winnow_session",
            description: "Set by POST /v1/sessions; unsafe methods also need the X-Winnow-CSRF header",
          },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true }, config: { permission: "public" } }, async () =>
    app.swagger(),
  );

  await app.register(healthRoutes, { ctx });
  await app.register(
    async (api) => {
      for (const routes of [
        meRoutes,
        sessionRoutes,
        userRoutes,
        keyRoutes,
        webhookRoutes,
        accountRoutes,
        leadRoutes,
        dealRoutes,
        dataTransferRoutes,
        eventRoutes,
        activityRoutes,
        reportRoutes,
        scoringModelRoutes,
        frameworkRoutes,
        scorecardRoutes,
        transitionRoutes,
        predictiveRoutes,
        signalRoutes,
        settingsRoutes,
      ]) {
        await api.register(routes, { ctx });
      }
    },
    { prefix: API_PREFIX },
  );

  const webDist = config.webDist ? resolve(config.webDist) : null;
  const hasWeb = webDist !== null && existsSync(join(webDist, "index.html"));
  if (hasWeb) await app.register(fastifyStatic, { root: webDist, prefix: "/", wildcard: false });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    // The browser app owns every other GET path (client-side routes): hand it index.html.
    if (
      hasWeb &&
      request.method === "GET" &&
      !path.startsWith(`${API_PREFIX}/`) &&
      request.headers.accept?.includes("text/html")
    ) {
      return reply.type("text/html; charset=utf-8").sendFile("index.html");
    }
    return sendProblem(
      reply,
      problemOf("WINNOW_ERR_ROUTE_NOT_FOUND", request.url, `No route ${request.method} ${path}`),
    );
  });
  return app;
}

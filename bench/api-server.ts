// Child process of bench/api.ts: a Winnow API (or a bare Fastify hello-world) on 127.0.0.1, seeded,
// printing one JSON line with its port, keys and some lead ids, then serving until killed.
import { randomUUID } from "node:crypto";
import Fastify from "fastify";
import { createApiKey } from "../src/app/auth/create-key.ts";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { type ScoreChange, thresholdCrossedPayloads } from "../src/app/rescore-leads.ts";
import { buildApp } from "../src/http/build-app.ts";
import { apiDeps } from "../src/http/deps.ts";
import { serverConfig } from "../src/http/server-config.ts";
import { rescoreAfterIngest } from "../src/http/start-server.ts";
import { openStorage } from "../src/storage/open.ts";

const [mode, url] = process.argv.slice(2);

if (mode === "hello") {
  const app = Fastify({ logger: false });
  app.get("/hello", async () => ({ hello: "world" }));
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 })}\n`,
  );
} else {
  if (!url) throw new Error("usage: api-server.ts winnow <folder | postgres://...>");
  const storage = await openStorage(
    /^postgres(ql)?:\/\//.test(url) ? { engine: "postgres", url } : { engine: "pglite", dataDir: url },
  );
  await seedDemoWorkspace(storage, { leads: 500, accounts: 100 });
  // As `winnow serve` (start-server.ts) runs it: new events rescore their leads with the default
  // model (the demo seeds one) in the background after the answers, and crossings go to the
  // webhook queue.
  let emit: (change: ScoreChange) => Promise<void> = async () => undefined;
  const deps = apiDeps(storage, { afterIngest: rescoreAfterIngest(storage, (change) => emit(change)) });
  const key = async (role: "ingest" | "manager") =>
    (await createApiKey(deps.keys, { name: `bench-${role}`, role, subject: null }, new Date(), randomUUID))
      .key;
  const keys = { ingest: await key("ingest"), manager: await key("manager") };
  const app = await buildApp(serverConfig({ port: 0, rateLimit: false, keyCacheMs: 60_000 }), deps);
  await app.listen({ host: "127.0.0.1", port: 0 });
  emit = async (change) => {
    for (const p of thresholdCrossedPayloads(change))
      await app.winnow.webhooks.emit("lead.threshold_crossed", p);
  };
  const address = app.server.address();
  const leads = await storage.sql.query<{ id: string }>("SELECT id FROM leads ORDER BY id LIMIT 200");
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === "object" && address ? address.port : 0, keys, leadIds: leads.rows.map((r) => r.id) })}\n`,
  );
  const stop = async () => {
    await app.close();
    await storage.close();
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

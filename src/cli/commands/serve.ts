import { defineCommand } from "citty";
import { databaseConfig, lifecycleConfig } from "../../config.ts";
import { WinnowError } from "../../core/errors.ts";
import { serverConfigFrom } from "../../http/server-env.ts";
import { shutdownSignal } from "../../http/shutdown-signal.ts";
import { startServer } from "../../http/start-server.ts";
import { EXIT } from "../exit-codes.ts";
import { eprintln, io, println } from "../io.ts";

/** `winnow serve`: the HTTP API (and the web app when built) until Ctrl-C. */
export const command = defineCommand({
  meta: { name: "serve", description: "Start the HTTP API (and the web app at / when web/dist is built)" },
  args: {
    port: { type: "string", description: "Port to listen on (default 3000, or PORT)" },
    host: {
      type: "string",
      description: "Address to bind (default 127.0.0.1; 0.0.0.0 exposes it to the network)",
    },
    db: {
      type: "string",
      description: "Database: a folder (default ./.winnow), memory://, or postgres://... (else DATABASE_URL)",
    },
    demo: { type: "boolean", description: "Seed the demo workspace into an empty database first" },
    "demo-leads": { type: "string", description: "How many demo leads to generate (default 2000)" },
    log: { type: "boolean", description: "Log every request (JSON lines on stdout)" },
  },
  async run({ args }) {
    const { env, cwd } = io();
    const server = serverConfigFrom({ host: args.host, port: args.port, log: args.log }, env, cwd);
    const database = databaseConfig({ env, cwd, db: args.db });
    const lifecycle = lifecycleConfig({ env, cwd });
    const leads = args["demo-leads"];
    if (leads !== undefined && !/^\d+$/.test(leads))
      throw new WinnowError("WINNOW_ERR_USAGE", {
        message: `--demo-leads must be a whole number, not "${leads}"`,
      });
    const where = database.engine === "postgres" ? "PostgreSQL (DATABASE_URL)" : database.dataDir;
    eprintln(`winnow: opening ${where}`);
    let last = -1;
    const running = await startServer({
      server,
      database,
      lifecycle,
      // The demo's year ends today (at midnight UTC), so the inbox has fresh MQLs and live SLA clocks;
      // the same day always gives the same workspace.
      demo: args.demo
        ? { start: demoStartForToday(new Date()), tailDays: 0, ...(leads ? { leads: Number(leads) } : {}) }
        : false,
      onSeedProgress: (done, total) => {
        const pct = Math.floor((done / total) * 10);
        if (pct !== last) eprintln(`winnow: seeding the demo workspace… ${done}/${total} leads`);
        last = pct;
      },
    });
    const d = running.demo;
    if (d?.seeded)
      eprintln(
        `winnow: demo workspace ready: ${d.accounts} accounts, ${d.leads} leads, ${d.events} events, ${d.deals} deals, ${d.scorecards} scorecards (as of ${d.asOf.slice(0, 10)})`,
      );
    println(`Winnow is listening on ${running.url}`);
    println(`  API docs:  ${running.url}/docs   (OpenAPI: ${running.url}/openapi.json)`);
    if (running.adminKey) {
      println(`  Admin API key (shown only now, stored hashed): ${running.adminKey}`);
      println(`  Try: curl -H "Authorization: Bearer ${running.adminKey}" ${running.url}/v1/leads?limit=5`);
    } else {
      println("  API keys already exist; make another with: npx winnow keys create --name me --role admin");
    }
    const du = running.demoUsers;
    if (du) {
      println(`  Web sign-in (passwords shown only now, stored hashed):`);
      println(`    admin  ${du.admin.email}  password: ${du.admin.password}`);
      if (du.reps.emails.length > 0)
        println(
          `    reps   ${du.reps.emails[0]} … ${du.reps.emails.at(-1)} (${du.reps.emails.length}, each sees their own leads)  password: ${du.reps.password}`,
        );
    }
    println("Press Ctrl-C to stop.");
    const signal = await shutdownSignal();
    eprintln(`winnow: ${signal}: finishing requests in flight and closing`);
    await running.close();
    return EXIT.ok;
  },
});

/** Midnight UTC one year (365 days) before today: the demo history then runs up to today. */
function demoStartForToday(now: Date): string {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(midnight - 365 * 86_400_000).toISOString();
}

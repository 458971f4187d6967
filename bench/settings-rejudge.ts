// node bin/run-ts.js bench/settings-rejudge.ts [--leads N] — what saving the ICP costs afterwards:
// the background re-judge of every stored scorecard verdict (rejudgeVerdicts, as the settings route's
// job runs it) on the demo workspace, PGlite (a folder, as `winnow serve` uses) and PostgreSQL when
// WINNOW_BENCH_DATABASE_URL is set (a throw-away database). Narrowing the ICP to one industry
// changes many verdicts; widening it back changes them again. JSON lines on stdout.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { rejudgeVerdicts } from "../src/app/rejudge-verdicts.ts";
import { openStorage } from "../src/storage/open.ts";
import type { Storage } from "../src/storage/ports.ts";

const i = process.argv.indexOf("--leads");
const LEADS = i >= 0 ? Number(process.argv[i + 1]) : 20_000;

async function run(storage: Storage, engine: string): Promise<void> {
  const seeded = await seedDemoWorkspace(storage, { leads: LEADS, accounts: Math.ceil(LEADS / 5) });
  const top = await storage.sql.query<{ industry: string }>(
    "SELECT industry FROM accounts WHERE industry IS NOT NULL GROUP BY industry ORDER BY count(*) DESC LIMIT 1",
  );
  const industry = top.rows[0]?.industry ?? "software";
  const none = { icp: null, frameworks: [] };
  const narrow = { icp: { industries: [industry] }, frameworks: [] };
  for (const [label, before, after] of [
    ["narrow", none, narrow],
    ["widen", narrow, none],
  ] as const) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await rejudgeVerdicts(storage, {
      before,
      after,
      actor: "bench",
      reason: `ICP changed (bench ${label})`,
      now: seeded.asOf,
    });
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    process.stdout.write(
      `${JSON.stringify({
        engine,
        case: label,
        leads: LEADS,
        scorecards: r.processed,
        changed: r.changed,
        wallMs: Math.round(wall),
        cpuMs: Math.round((c.user + c.system) / 1000),
        perThousandMs: Math.round((wall / Math.max(1, r.processed)) * 1000),
      })}\n`,
    );
  }
}

const dir = mkdtempSync(join(tmpdir(), "winnow-bench-rejudge-"));
try {
  const storage = await openStorage({ engine: "pglite", dataDir: join(dir, "db") });
  await run(storage, "pglite");
  await storage.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const url = process.env["WINNOW_BENCH_DATABASE_URL"];
if (url) {
  const name = `winnow_bench_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  try {
    const storage = await openStorage({ engine: "postgres", url: u.toString() });
    await run(storage, "postgres");
    await storage.close();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

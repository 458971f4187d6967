// node bin/run-ts.js bench/settings-rejudge.ts [--leads N] — what saving the ICP costs afterwards:
// the background re-judge of every stored scorecard verdict (rejudgeVerdicts, as the settings route's
// job runs it) on the demo workspace, PGlite (a folder, as `winnow serve` uses) and PostgreSQL when
// WINNOW_BENCH_DATABASE_URL is set (a throw-away database). Narrowing the ICP to one industry
// changes many verdicts; widening it back changes them again. JSON lines on stdout.
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { rejudgeVerdicts } from "../src/app/rejudge-verdicts.ts";
import type { Storage } from "../src/storage/ports.ts";
import { onEachEngine } from "./engines.ts";

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

await onEachEngine("winnow-bench-rejudge-", run);

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { defineCommand } from "citty";
import { readConfig } from "../../config.ts";
import { WinnowError } from "../../core/errors.ts";
import {
  type BacktestSummary,
  backtest,
  capacityPlan,
  type HistoryLead,
  type ScoringModel,
  validateScoringModel,
} from "../../core/scoring/index.ts";
import { DEMO_DEFAULTS, generateLeads } from "../../demo/generate.ts";
import { toHistoryLead } from "../../demo/history.ts";
import { loadBacktestHistory } from "../../storage/backtest-history.ts";
import { openStorage } from "../../storage/open.ts";
import type { Storage } from "../../storage/ports.ts";
import { EXIT } from "../exit-codes.ts";
import { eprintln, io, printJson, println } from "../io.ts";
import { REMOTE_ARGS, type RemoteClient, remoteFor } from "../remote/client.ts";
import { refuseRemote } from "../remote/scoring.ts";
import { parseCount, requireModel } from "./score.ts";

const DAY = 86_400_000;

function instantArg(value: string | undefined, name: string, fallback: string): string {
  const text = value ?? fallback;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms))
    throw new WinnowError("WINNOW_ERR_BACKTEST_RANGE", {
      message: `--${name} is not an ISO date or instant: "${text}"`,
    });
  return new Date(ms).toISOString();
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const num = (x: number | null) => (x === null ? "n/a" : x.toFixed(3));

function table(a: BacktestSummary, b: BacktestSummary | null): string[] {
  const name = (s: BacktestSummary) => `${s.model.id} v${s.model.version} (${s.model.status})`;
  const t = (s: BacktestSummary) =>
    s.threshold
      ? `${s.threshold.metric} >= ${s.threshold.atLeast}${s.threshold.minFit === undefined ? "" : `, fit >= ${s.threshold.minFit}`}`
      : "none";
  const rows: [string, (s: BacktestSummary) => string][] = [
    ["model", name],
    ["MQL threshold", t],
    ["leads created", (s) => String(s.leads)],
    ["MQLs", (s) => String(s.mqls)],
    ["MQLs per week (mean)", (s) => (s.mqls / Math.max(1, s.weeks.length)).toFixed(1)],
    ["MQLs that reached SQL", (s) => `${s.mqlReachedSql} (${pct(s.mqls ? s.mqlReachedSql / s.mqls : 0)})`],
    ["MQLs won", (s) => `${s.mqlWon} (${pct(s.precision)})`],
    ["win rate above / below", (s) => `${pct(s.above.winRate)} / ${pct(s.below.winRate)}`],
    ["SQL rate above / below", (s) => `${pct(s.above.sqlRate)} / ${pct(s.below.sqlRate)}`],
    ["AUC won vs lost deals", (s) => `${num(s.aucClosed)} (${s.closed} closed)`],
    ["AUC won vs all leads", (s) => num(s.aucWon)],
  ];
  const w = Math.max(...rows.map(([label]) => label.length));
  const colA = rows.map(([, f]) => f(a));
  const wa = Math.max(...colA.map((c) => c.length));
  return rows.map(([label, f], i) => `${label.padEnd(w)}  ${colA[i]!.padEnd(wa)}${b ? `  ${f(b)}` : ""}`);
}

export const command = defineCommand({
  meta: {
    name: "backtest",
    description:
      "Replay history under a scoring model (e.g. a draft) and compare it with another (e.g. the published one).\n  winnow backtest <model.yaml> [--db D] [--from 2025-01-06 --to 2026-01-05] [--compare other.yaml] [--reps 6 --per-rep 25]\n  winnow backtest <model.yaml> --demo [...]\n  winnow backtest <stored model id> --url <server> --key <api key> [--from --to] [--compare <model id>]\nHistory comes from the database (leads created in [from, to), their events, stage moves and deals; compared with the database's default model unless --compare names a file), or with --demo from the demo generator.",
  },
  args: {
    model: {
      type: "positional",
      required: true,
      description: "Scoring model file to backtest (.yaml or .json); with --url the id of a stored model",
    },
    from: {
      type: "string",
      description: "Start of the period (ISO date; default: start of the demo history)",
    },
    to: {
      type: "string",
      description: "End of the period, exclusive (default: end of the demo lead creation)",
    },
    compare: {
      type: "string",
      description:
        "Another model file to show side by side (database: default is the default model; --url: a stored model id)",
    },
    demo: { type: "boolean", description: "Use generated demo history instead of the database" },
    db: {
      type: "string",
      description:
        "Database: a folder for the embedded engine, memory://, or postgres://... (default: DATABASE_URL, else ./.winnow)",
    },
    leads: { type: "string", description: "Demo leads (default 2000)" },
    seed: { type: "string", description: "Demo seed (default 42)" },
    reps: { type: "string", description: "Capacity plan: number of reps" },
    "per-rep": { type: "string", description: "Capacity plan: leads one rep can work per week (default 25)" },
    json: { type: "boolean", description: "Print JSON" },
    ...REMOTE_ARGS,
  },
  async run({ args }) {
    const remote = remoteFor(args);
    if (remote) return remoteBacktest(remote, args);
    const model = await requireModel(args.model);
    let other: ScoringModel | undefined = args.compare ? await requireModel(args.compare) : undefined;
    const demo = {
      ...DEMO_DEFAULTS,
      leads: parseCount(args.leads, "leads", DEMO_DEFAULTS.leads),
      seed: parseCount(args.seed, "seed", DEMO_DEFAULTS.seed),
    };
    // Demo: the generated year. Database: the last 52 weeks unless --from/--to say otherwise.
    const defaultTo = args.demo
      ? new Date(Date.parse(demo.start) + demo.days * DAY).toISOString()
      : new Date().toISOString();
    const to = instantArg(args.to, "to", defaultTo);
    const from = instantArg(
      args.from,
      "from",
      args.demo ? demo.start : new Date(Date.parse(to) - 364 * DAY).toISOString(),
    );
    if (Date.parse(from) >= Date.parse(to))
      throw new WinnowError("WINNOW_ERR_BACKTEST_RANGE", {
        message: `--from (${from}) must be before --to (${to})`,
      });
    let history: HistoryLead[] = [];
    let source = "";
    if (args.demo) {
      for (const b of generateLeads(demo)) history.push(toHistoryLead(b));
      source = `demo history of ${history.length} leads`;
    } else {
      const config = readConfig({ env: io().env, cwd: io().cwd, db: args.db });
      const storage = await openStorage(config.database);
      try {
        eprintln(`reading the leads created from ${from.slice(0, 10)} to ${to.slice(0, 10)}…`);
        history = await loadBacktestHistory(storage.sql, from, to);
        if (!other) other = await defaultModel(storage, model);
      } finally {
        await storage.close();
      }
      source = `${history.length} leads from the database`;
    }
    const r = backtest(model, history, { from, to, ...(other ? { compareWith: other } : {}) });
    printBacktest(r, source, args);
    return EXIT.ok;
  },
});

type BacktestOutput = { from: string; to: string; result: BacktestSummary; compare: BacktestSummary | null };
type OutputArgs = { reps?: string | undefined; "per-rep"?: string | undefined; json?: boolean | undefined };

/** The report (text or JSON) with the optional capacity plan; the same for local and remote runs. */
function printBacktest(r: BacktestOutput, source: string, args: OutputArgs): void {
  const weeks = r.result.weeks.length;
  const reps = args.reps === undefined ? undefined : parseCount(args.reps, "reps", 0);
  const plan = (s: BacktestSummary) =>
    reps === undefined
      ? null
      : capacityPlan(
          s.scored.map((x) => ({ score: x.score, won: x.won })),
          {
            repsCount: reps,
            leadsPerRepPerWeek: parseCount(args["per-rep"], "per-rep", 25),
            weeks,
            ...(s.threshold?.atLeast === undefined ? {} : { currentThreshold: s.threshold.atLeast }),
          },
        );
  const capacity = plan(r.result);
  if (args.json) {
    const strip = (s: BacktestSummary | null) => (s ? { ...s, scored: undefined } : null);
    printJson({ from: r.from, to: r.to, result: strip(r.result), compare: strip(r.compare), capacity });
    return;
  }
  println(`Backtest from ${r.from.slice(0, 10)} to ${r.to.slice(0, 10)} (${weeks} weeks, ${source})\n`);
  for (const line of table(r.result, r.compare)) println(line);
  println("\nMQLs per week (reached SQL / won):");
  const cmp = r.compare?.weeks;
  for (const [i, w] of r.result.weeks.entries()) {
    const c = cmp?.[i];
    println(
      `  ${w.week}  ${String(w.mqls).padStart(4)} (${w.reachedSql}/${w.won})${c ? `   vs ${String(c.mqls).padStart(4)} (${c.reachedSql}/${c.won})` : ""}`,
    );
  }
  if (capacity) {
    const rec = capacity.recommended;
    println(`\nCapacity: ${capacity.capacityPerWeek} leads per week (${reps} reps)`);
    println(
      `  threshold that fills it: total >= ${rec.threshold}: ${rec.perWeek.toFixed(1)} leads/week, ${rec.expectedConversions} wins (${pct(rec.conversionRate)})`,
    );
    if (capacity.current)
      println(
        `  the model's MQL threshold ${capacity.current.threshold}: ${capacity.current.perWeek.toFixed(1)} leads/week (${pct(capacity.current.utilisation)} of capacity), ${capacity.current.expectedConversions} wins (${pct(capacity.current.conversionRate)})`,
      );
  }
}

/**
 * `--url`: the server replays its own history (POST /v1/scoring-models/:id/backtest) for a model
 * stored there; the capacity plan is worked out here from the scores it sends back.
 */
async function remoteBacktest(
  remote: RemoteClient,
  args: OutputArgs & {
    model: string;
    from?: string | undefined;
    to?: string | undefined;
    compare?: string | undefined;
    demo?: boolean | undefined;
    db?: string | undefined;
  },
): Promise<number> {
  if (args.demo)
    refuseRemote("--demo", "demo history is generated on this machine; drop --url to backtest it locally");
  if (args.db) refuseRemote("--db", "give either a database (--db) or a server (--url), not both");
  if (existsSync(resolve(io().cwd, args.model)))
    refuseRemote(
      `the model file ${args.model}`,
      "the server backtests models it stores: save the file as a draft with `winnow score draft <file> --url …` and backtest the id it prints",
    );
  if (args.compare && existsSync(resolve(io().cwd, args.compare)))
    refuseRemote(
      `--compare ${args.compare}`,
      "the server compares with models it stores: give a stored model's id (save the file with `winnow score draft <file> --url …`)",
    );
  const to = instantArg(args.to, "to", new Date().toISOString());
  const from = instantArg(args.from, "from", new Date(Date.parse(to) - 364 * DAY).toISOString());
  if (Date.parse(from) >= Date.parse(to))
    throw new WinnowError("WINNOW_ERR_BACKTEST_RANGE", {
      message: `--from (${from}) must be before --to (${to})`,
    });
  eprintln(`reading the leads created from ${from.slice(0, 10)} to ${to.slice(0, 10)}…`);
  const r = await remote.json<BacktestOutput>(
    `/v1/scoring-models/${encodeURIComponent(args.model)}/backtest`,
    { body: { from, to, ...(args.compare ? { compareWith: args.compare } : {}) } },
  );
  if (args.reps !== undefined && !Array.isArray(r.result.scored))
    throw new WinnowError("WINNOW_ERR_REMOTE", {
      message: `${remote.target.url} sent no per-lead scores, which --reps needs: drop --reps or update the server`,
    });
  printBacktest(r, `${r.result.leads} leads from the server's database`, args);
  return EXIT.ok;
}

/** The database's default model to compare with (none when it is the model backtested, or there is none). */
async function defaultModel(storage: Storage, model: ScoringModel): Promise<ScoringModel | undefined> {
  const stored = await storage.scoringModels.getDefault();
  if (!stored) return undefined;
  const parsed = validateScoringModel(stored.document);
  if (!parsed.ok)
    throw new WinnowError("WINNOW_ERR_SCORING_MODEL_INVALID", {
      message: `The default scoring model ${stored.id} is not valid any more`,
      issues: parsed.error,
    });
  const same = parsed.value.id === model.id && parsed.value.version === model.version;
  return same ? undefined : parsed.value;
}

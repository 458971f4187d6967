import { defineCommand } from "citty";
import { WinnowError } from "../../core/errors.ts";
import { type BacktestSummary, backtest, capacityPlan, type HistoryLead } from "../../core/scoring/index.ts";
import { DEMO_DEFAULTS, generateLeads } from "../../demo/generate.ts";
import { toHistoryLead } from "../../demo/history.ts";
import { EXIT } from "../exit-codes.ts";
import { printJson, println } from "../io.ts";
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
      "Replay history under a scoring model (e.g. a draft) and compare it with another (e.g. the published one).\n  winnow backtest <model.yaml> --demo [--from 2025-01-06 --to 2026-01-05] [--compare published.yaml] [--reps 6 --per-rep 25]\nHistory comes from the demo generator for now (--demo); database history will follow.",
  },
  args: {
    model: {
      type: "positional",
      required: true,
      description: "Scoring model file to backtest (.yaml or .json)",
    },
    from: {
      type: "string",
      description: "Start of the period (ISO date; default: start of the demo history)",
    },
    to: {
      type: "string",
      description: "End of the period, exclusive (default: end of the demo lead creation)",
    },
    compare: { type: "string", description: "Another model file to show side by side" },
    demo: { type: "boolean", description: "Use generated demo history" },
    leads: { type: "string", description: "Demo leads (default 2000)" },
    seed: { type: "string", description: "Demo seed (default 42)" },
    reps: { type: "string", description: "Capacity plan: number of reps" },
    "per-rep": { type: "string", description: "Capacity plan: leads one rep can work per week (default 25)" },
    json: { type: "boolean", description: "Print JSON" },
  },
  async run({ args }) {
    if (!args.demo)
      throw new WinnowError("WINNOW_ERR_NOT_IMPLEMENTED", {
        message: "backtests on the database are not built yet: run with --demo to use generated history",
      });
    const model = await requireModel(args.model);
    const other = args.compare ? await requireModel(args.compare) : undefined;
    const demo = {
      ...DEMO_DEFAULTS,
      leads: parseCount(args.leads, "leads", DEMO_DEFAULTS.leads),
      seed: parseCount(args.seed, "seed", DEMO_DEFAULTS.seed),
    };
    const from = instantArg(args.from, "from", demo.start);
    const to = instantArg(args.to, "to", new Date(Date.parse(demo.start) + demo.days * DAY).toISOString());
    if (Date.parse(from) >= Date.parse(to))
      throw new WinnowError("WINNOW_ERR_BACKTEST_RANGE", {
        message: `--from (${from}) must be before --to (${to})`,
      });
    const history: HistoryLead[] = [];
    for (const b of generateLeads(demo)) history.push(toHistoryLead(b));
    const r = backtest(model, history, { from, to, ...(other ? { compareWith: other } : {}) });
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
      return EXIT.ok;
    }
    println(
      `Backtest from ${r.from.slice(0, 10)} to ${r.to.slice(0, 10)} (${weeks} weeks, demo history of ${history.length} leads)\n`,
    );
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
    return EXIT.ok;
  },
});

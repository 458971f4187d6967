// npm run bench:scoring [-- --pool 100000 --runs 3 --batch 5000 --rescore-leads 20000 --no-rescore]
// PostgreSQL too: WINNOW_BENCH_DATABASE_URL=postgres://user@host:port/db (a scratch database is created and dropped).
// Prints one JSON line per case (BENCHMARKS.md §2); progress goes to stderr.
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  applyEvent,
  compileModel,
  type MutableScore,
  newBatchScores,
  type PreparedLead,
  prepareLead,
  type ScoringBatch,
  startScoring,
} from "../src/core/scoring/index.ts";
import { DEMO_DEFAULTS, generateLeads, type LeadBundle } from "../src/demo/generate.ts";
import { REFERENCE_MODEL } from "../src/demo/reference-model.ts";
import { runRescoreCases } from "./scoring-rescore.ts";

const { values } = parseArgs({
  options: {
    pool: { type: "string", default: "100000" },
    runs: { type: "string", default: "3" },
    "rescore-leads": { type: "string", default: "20000" },
    "events-per-lead": { type: "string", default: "10" },
    batch: { type: "string", default: "5000" },
    "no-rescore": { type: "boolean", default: false },
  },
});
const POOL = Number(values.pool);
const RUNS = Number(values.runs);
const EVENTS_PER_LEAD = Number(values["events-per-lead"]);
const BATCH = Number(values.batch);
const log = (s: string) => process.stderr.write(`${s}\n`);
const emit = (o: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ bench: "scoring", ...o })}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;

const demo = {
  ...DEMO_DEFAULTS,
  leads: POOL,
  accounts: Math.max(300, Math.round(POOL / 7)),
  eventsPerLead: EVENTS_PER_LEAD,
};
const nowMs = Date.parse(demo.start) + demo.days * 86_400_000;
const rules =
  REFERENCE_MODEL.fit.rules.length +
  REFERENCE_MODEL.engagement.rules.length +
  REFERENCE_MODEL.negative.rules.length;

log(`generating ${POOL} demo leads (~${EVENTS_PER_LEAD} events each)...`);
const raw: LeadBundle[] = [];
for (const b of generateLeads(demo)) raw.push(b);
const prepared: PreparedLead[] = raw.map(prepareLead);
const events = prepared.reduce((s, p) => s + p.events.length, 0);
log(`${POOL} leads, ${events} events; reference model with ${rules} rules`);

const scorer = compileModel(REFERENCE_MODEL);
// The closure interpreter (the reference the generated code must equal), measured in the same run.
const interpreter = compileModel(REFERENCE_MODEL, { engine: "interpreter" });
const out: MutableScore = { fit: 0, engagement: 0, total: 0, grade: "D4" };
let sink = 0;

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/**
 * Leads per second of `body` over the pool, repeated until at least `minMs` have passed: by the wall
 * clock and per CPU-second of this process (the fairer figure on a shared, loaded machine).
 */
function throughput(body: (i: number) => void, minMs = 1500): { wall: number; cpu: number } {
  // Each case starts on a collected heap, so that it does not pay for the garbage of the case
  // before it (the object paths leave a lot).
  collectGarbage();
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    for (let i = 0; i < POOL; i++) body(i);
    n += POOL;
    t = performance.now();
  }
  const c = process.cpuUsage(c0);
  return { wall: n / ((t - t0) / 1000), cpu: n / ((c.user + c.system) / 1e6) };
}

// Baseline: the bare cost of touching 40 numbers per lead (what "40 comparisons" costs at best).
const numbers = new Float64Array(POOL * 40).map((_, i) => (i * 2654435761) % 97);
const baseline = (i: number) => {
  let s = 0;
  const o = i * 40;
  for (let k = 0; k < 40; k++) s += numbers[o + k]!;
  sink += s;
};
const hot = (i: number) => {
  scorer.scoreInto(prepared[i]!, nowMs, out);
  sink += out.total;
};
const interpreted = (i: number) => {
  interpreter.scoreInto(prepared[i]!, nowMs, out);
  sink += out.total;
};
const explained = (i: number) => {
  sink += scorer.scorePrepared(prepared[i]!, nowMs).total;
};
const fromIso = (i: number) => {
  scorer.scoreInto(prepareLead(raw[i]!), nowMs, out);
  sink += out.total;
};

// The batch path (batch.ts): the pool in batches of BATCH leads. `batchScore` times scoreBatch alone
// on batches prepared beforehand (fit and event matching are then already done: what a rescore at a
// new instant of the same leads costs); `batchAll` times prepareBatch + scoreBatch from the same
// PreparedLead objects `hot` scores, so it does all the work `hot` does.
const chunks: PreparedLead[][] = [];
for (let i = 0; i < POOL; i += BATCH) chunks.push(prepared.slice(i, i + BATCH));
const batches = chunks.map((c) => scorer.prepareBatch(c));
const batchOut = newBatchScores(BATCH);
const batchScore = (i: number) => {
  if (i % BATCH !== 0) return;
  scorer.scoreBatch(batches[i / BATCH]!, nowMs, batchOut);
  sink += batchOut.total[0]!;
};
const batchAll = (i: number) => {
  if (i % BATCH !== 0) return;
  scorer.scoreBatch(scorer.prepareBatch(chunks[i / BATCH]!), nowMs, batchOut);
  sink += batchOut.total[0]!;
};
// From the records as stored/sent (ISO instants): prepareBatchFromInputs (no PreparedLead objects).
const rawChunks: LeadBundle[][] = [];
for (let i = 0; i < POOL; i += BATCH) rawChunks.push(raw.slice(i, i + BATCH));
const batchFromIso = (i: number) => {
  if (i % BATCH !== 0) return;
  scorer.scoreBatch(scorer.prepareBatchFromInputs(rawChunks[i / BATCH]!), nowMs, batchOut);
  sink += batchOut.total[0]!;
};
// Columnar input (columns.ts): the storage reader's side lays the records out as columns
// (`columnsBuild`, timed on its own); `columnsScore` times prepareBatchFromColumns (the model's
// conditions on each distinct value, fit and event matching over typed arrays) + scoreBatch, so
// rule matching is inside what is timed.
const columnChunks = rawChunks.map((c) => scorer.columnsFromInputs(c));
// Batch after batch as a rescore streams them: each written over the previous, spent one.
let spent: ScoringBatch | undefined;
const columnsScore = (i: number) => {
  if (i % BATCH !== 0) return;
  spent = scorer.prepareBatchFromColumns(columnChunks[i / BATCH]!, spent);
  scorer.scoreBatch(spent, nowMs, batchOut);
  sink += batchOut.total[0]!;
};
// The same, every batch's arrays allocated afresh.
const columnsScoreFresh = (i: number) => {
  if (i % BATCH !== 0) return;
  scorer.scoreBatch(scorer.prepareBatchFromColumns(columnChunks[i / BATCH]!), nowMs, batchOut);
  sink += batchOut.total[0]!;
};
const columnsBuild = (i: number) => {
  if (i % BATCH !== 0) return;
  sink += scorer.columnsFromInputs(rawChunks[i / BATCH]!).size;
};
if (scorer.columnLayout.fallbackReason !== null)
  throw new Error(`the reference model should run on columns: ${scorer.columnLayout.fallbackReason}`);
// The batch gives the same numbers as the per-lead path (the property test checks this in depth).
for (let b = 0; b < batches.length; b++) {
  scorer.scoreBatch(batches[b]!, nowMs, batchOut);
  const fromColumns = scorer.scoreBatch(
    scorer.prepareBatchFromColumns(columnChunks[b]!),
    nowMs,
    newBatchScores(BATCH),
  );
  for (let j = 0; j < chunks[b]!.length; j++) {
    scorer.scoreInto(chunks[b]![j]!, nowMs, out);
    if (out.total !== batchOut.total[j])
      throw new Error(`batch and scoreInto differ on lead ${b * BATCH + j}`);
    if (out.total !== fromColumns.total[j] || out.fit !== fromColumns.fit[j])
      throw new Error(`columns and scoreInto differ on lead ${b * BATCH + j}`);
  }
}

throughput(hot, 500);
throughput(batchScore, 300);
throughput(baseline, 200);
type Runs = { wall: number[]; cpu: number[] };
const runs: Record<
  | "hot"
  | "interpreted"
  | "baseline"
  | "explained"
  | "fromIso"
  | "batchScore"
  | "batchAll"
  | "batchFromIso"
  | "columnsScore"
  | "columnsScoreFresh"
  | "columnsBuild",
  Runs
> = {
  hot: { wall: [], cpu: [] },
  batchScore: { wall: [], cpu: [] },
  batchAll: { wall: [], cpu: [] },
  batchFromIso: { wall: [], cpu: [] },
  columnsScore: { wall: [], cpu: [] },
  columnsScoreFresh: { wall: [], cpu: [] },
  columnsBuild: { wall: [], cpu: [] },
  interpreted: { wall: [], cpu: [] },
  baseline: { wall: [], cpu: [] },
  explained: { wall: [], cpu: [] },
  fromIso: { wall: [], cpu: [] },
};
const record = (k: keyof typeof runs, r: { wall: number; cpu: number }) => {
  runs[k].wall.push(r.wall);
  runs[k].cpu.push(r.cpu);
};
for (let r = 0; r < RUNS; r++) {
  record("baseline", throughput(baseline));
  record("hot", throughput(hot));
  record("batchScore", throughput(batchScore));
  record("batchAll", throughput(batchAll));
  record("columnsScore", throughput(columnsScore));
  record("columnsScoreFresh", throughput(columnsScoreFresh));
  record("interpreted", throughput(interpreted));
  record("explained", throughput(explained, 1000));
  record("fromIso", throughput(fromIso, 1000));
  record("batchFromIso", throughput(batchFromIso, 1000));
  record("columnsBuild", throughput(columnsBuild, 1000));
  log(
    `run ${r + 1}/${RUNS}: columns ${round(runs.columnsScore.cpu[r]!)} per CPU-s score from columns (matching included; ${round(runs.columnsScoreFresh.cpu[r]!)} with fresh arrays), build columns from records ${round(runs.columnsBuild.cpu[r]!)} per CPU-s; batch ${round(runs.batchScore.cpu[r]!)} per CPU-s scoring only, ${round(runs.batchAll.cpu[r]!)} prepare+score; per lead ${round(runs.hot.wall[r]!)} leads/s (${round(runs.hot.cpu[r]!)} per CPU-s; interpreter ${round(runs.interpreted.wall[r]!)} (${round(runs.interpreted.cpu[r]!)} per CPU-s); baseline ${round(runs.baseline.wall[r]!)} (${round(runs.baseline.cpu[r]!)} per CPU-s))`,
  );
}
emit({
  case: "in-process",
  leads: POOL,
  events,
  rules,
  leads_per_s: round(median(runs.hot.wall)),
  leads_per_cpu_s: round(median(runs.hot.cpu)),
  runs_leads_per_s: runs.hot.wall.map((x) => round(x)),
  engine: "generated",
  interpreter_leads_per_s: round(median(runs.interpreted.wall)),
  interpreter_leads_per_cpu_s: round(median(runs.interpreted.cpu)),
  speedup_vs_interpreter: round(median(runs.hot.cpu) / median(runs.interpreted.cpu), 2),
  baseline_leads_per_s: round(median(runs.baseline.wall)),
  baseline_leads_per_cpu_s: round(median(runs.baseline.cpu)),
  ratio_to_baseline: round(median(runs.hot.wall) / median(runs.baseline.wall), 4),
  cpu_ratio_to_baseline: round(median(runs.hot.cpu) / median(runs.baseline.cpu), 4),
  explained_leads_per_s: round(median(runs.explained.wall)),
  // The batch path, BATCH leads per batch. score_only: scoreBatch alone, the batch (fit scores and
  // event-rule matches, worked out at prepareBatch) already built; prepare_and_score: prepareBatch +
  // scoreBatch from the same PreparedLead objects the per-lead figures above score.
  batch_size: BATCH,
  batch_score_only_leads_per_s: round(median(runs.batchScore.wall)),
  batch_score_only_leads_per_cpu_s: round(median(runs.batchScore.cpu)),
  batch_prepare_and_score_leads_per_s: round(median(runs.batchAll.wall)),
  batch_prepare_and_score_leads_per_cpu_s: round(median(runs.batchAll.cpu)),
  batch_score_only_vs_per_lead: round(median(runs.batchScore.cpu) / median(runs.hot.cpu), 2),
  batch_prepare_and_score_vs_per_lead: round(median(runs.batchAll.cpu) / median(runs.hot.cpu), 2),
  batch_score_only_cpu_ratio_to_baseline: round(median(runs.batchScore.cpu) / median(runs.baseline.cpu), 4),
  from_iso_leads_per_s: round(median(runs.fromIso.wall)),
  from_iso_leads_per_cpu_s: round(median(runs.fromIso.cpu)),
  // prepareBatchFromInputs (ISO instants parsed, events ordered, matched) + scoreBatch, against
  // prepareLead + scoreInto just above.
  batch_from_iso_leads_per_cpu_s: round(median(runs.batchFromIso.cpu)),
  batch_from_iso_vs_per_lead: round(median(runs.batchFromIso.cpu) / median(runs.fromIso.cpu), 2),
  // Columnar input (columns.ts): score from columns = prepareBatchFromColumns (matching included)
  // + scoreBatch; build columns from records = columnsFromInputs (the storage reader's side).
  columns_score_leads_per_s: round(median(runs.columnsScore.wall)),
  columns_score_leads_per_cpu_s: round(median(runs.columnsScore.cpu)),
  columns_score_fresh_arrays_leads_per_cpu_s: round(median(runs.columnsScoreFresh.cpu)),
  columns_score_vs_per_lead: round(median(runs.columnsScore.cpu) / median(runs.hot.cpu), 2),
  columns_score_vs_batch_prepare_and_score: round(
    median(runs.columnsScore.cpu) / median(runs.batchAll.cpu),
    2,
  ),
  columns_build_from_records_leads_per_cpu_s: round(median(runs.columnsBuild.cpu)),
  load_avg_1m: round(loadavg()[0] ?? 0, 2),
  node: process.version,
});

// Incremental: one new event -> rescored from the lead's ledger + threshold crossings.
const SAMPLES = Math.min(20_000, POOL);
const latencies = new Float64Array(SAMPLES);
let crossings = 0;
for (let warm = 0; warm < 2; warm++) {
  for (let i = 0; i < SAMPLES; i++) {
    const b = raw[i]!;
    const { state } = startScoring(scorer, b, nowMs);
    const event = {
      id: `${b.lead.id}-new`,
      leadId: b.lead.id,
      type: "pricing_page_view",
      occurredAt: new Date(nowMs).toISOString(),
      properties: {},
    };
    const t0 = performance.now();
    const step = applyEvent(state, event, nowMs);
    latencies[i] = performance.now() - t0;
    crossings += step.crossings.length;
  }
}
latencies.sort();
emit({
  case: "incremental",
  samples: SAMPLES,
  p50_ms: round(latencies[Math.floor(SAMPLES * 0.5)]!, 4),
  p99_ms: round(latencies[Math.floor(SAMPLES * 0.99)]!, 4),
  max_ms: round(latencies[SAMPLES - 1]!, 4),
  crossings_per_event: round(crossings / (2 * SAMPLES), 4),
  load_avg_1m: round(loadavg()[0] ?? 0, 2),
});
if (sink === 42) log("");

if (!values["no-rescore"])
  await runRescoreCases({
    leads: Number(values["rescore-leads"]),
    eventsPerLead: EVENTS_PER_LEAD,
    emit,
    log,
  });

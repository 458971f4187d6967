// Predictive scoring quality (BENCHMARKS.md §1): 5-fold AUC, log loss, Brier and CPU seconds of each
// learner on every dataset folder with a target, side by side with the peers (sklearn, XGBoost).
//
//   npm run bench:model [-- --data DIR] [--learners winnow-default,gbdt] [--datasets bank-marketing]
//                       [--stored-peers]   (print peers/results.json instead of running the peers)
//
// Peers run in the same process tree when Debian's python3 has them:
//   apt-get install -y python3-sklearn python3-xgboost python3-pandas
// otherwise the stored figures of ../shared/peers/results.json are printed, marked "stored": true.
// JSON lines go to stdout; progress goes to stderr.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type LearnerName, learnerNamed, predictProbability, train } from "../src/core/model/learners.ts";
import { brier, logLoss, auc as rocAuc } from "../src/core/model/metrics.ts";
import { foldRows, foldsByLabel, type Table, takeLabels, takeRows } from "../src/core/model/table.ts";
import { type LoadedDataset, loadDataset } from "../src/dataset/load.ts";

type Row = { auc: number; logloss: number; brier: number; cpu_s: number };
const PEER_NAMES = [
  "odoo_naive_bayes",
  "sklearn_logistic",
  "sklearn_histgb",
  "xgboost_default",
  "xgboost_tuned",
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = resolve(arg("data") ?? join(repo, "..", "shared", "data"));
const peersDir = resolve(dataDir, "..", "peers");
const learners: LearnerName[] = (arg("learners") ?? "winnow-default,naive-bayes,logistic,gbdt")
  .split(",")
  .filter(Boolean)
  .map(learnerNamed);
const only = arg("datasets")?.split(",").filter(Boolean);

function line(obj: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const r2 = (x: number) => Math.round(x * 100) / 100;

if (!existsSync(dataDir)) {
  process.stderr.write(`bench:model: no data folder at ${dataDir}; skipped (pass --data DIR)\n`);
  process.exit(0);
}
const datasets = readdirSync(dataDir)
  .filter((d) => existsSync(join(dataDir, d, "dataset.json")))
  .filter((d) => !only || only.includes(d))
  .filter((d) => JSON.parse(readFileSync(join(dataDir, d, "dataset.json"), "utf8")).target !== undefined)
  .sort();

// Peers: live when python3 has sklearn + xgboost, started now so they run while we do.
const peerScript = join(peersDir, "peer_auc.py");
const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const peersLive =
  !process.argv.includes("--stored-peers") &&
  existsSync(peerScript) &&
  spawnSync(python, ["-c", "import sklearn, xgboost, pandas"], { stdio: "ignore" }).status === 0;
const peerRun: Promise<Record<string, Record<string, Row>> | null> = peersLive
  ? new Promise((done) => {
      const child = spawn(python, [peerScript, ...datasets], { stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      child.on("close", (code) => {
        try {
          done(code === 0 ? JSON.parse(out) : null);
        } catch {
          done(null);
        }
      });
    })
  : Promise.resolve(null);
if (!existsSync(peerScript)) {
  process.stderr.write(`bench:model: no peer script at ${peerScript}; peers not compared\n`);
} else if (!peersLive) {
  process.stderr.write(
    "bench:model: python3 lacks sklearn/xgboost (apt-get install -y python3-sklearn python3-xgboost python3-pandas); printing stored peer figures\n",
  );
}

function tableOf(loaded: LoadedDataset): { readonly table: Table; readonly label: Uint8Array } {
  if (!loaded.label) throw new Error(`bench:model: ${loaded.spec.name} has no target`);
  return { table: loaded.table, label: loaded.label };
}

const ours: Record<string, Record<string, Row>> = {};
for (const name of datasets) {
  // Only the table and the labels are kept: the loaded CSV's rows of strings (tens of MB of heap)
  // would otherwise stay alive through the folds, and every major GC in the measured region would
  // mark them again (bank-marketing's first fold: 0.57-0.59 against 0.60-0.62 CPU-s kept).
  const d = tableOf(loadDataset(join(dataDir, name, "dataset.json")));
  const label = d.label;
  const fold = foldsByLabel(label);
  process.stderr.write(`${name}: ${d.table.rows} rows, ${d.table.columns.length} features\n`);
  ours[name] = {};
  for (const learner of learners) {
    let a = 0;
    let l = 0;
    let b = 0;
    let cpu = 0;
    for (let k = 0; k < 5; k++) {
      const tr = foldRows(fold, k, true);
      const te = foldRows(fold, k, false);
      const trainTable = takeRows(d.table, tr);
      const trainLabel = takeLabels(label, tr);
      const testTable = takeRows(d.table, te);
      const testLabel = takeLabels(label, te);
      const c0 = process.cpuUsage();
      const model = train(learner, trainTable, trainLabel, 0);
      const p = predictProbability(model, testTable);
      const c = process.cpuUsage(c0);
      cpu += (c.user + c.system) / 1e6;
      a += rocAuc(testLabel, p) / 5;
      l += logLoss(testLabel, p) / 5;
      b += brier(testLabel, p) / 5;
    }
    const row = { auc: r4(a), logloss: r4(l), brier: r4(b), cpu_s: r2(cpu) };
    ours[name][learner] = row;
    line({ bench: "model", dataset: name, learner, ...row });
  }
}

let peers = await peerRun;
let stored = false;
if (!peers) {
  const file = join(peersDir, "results.json");
  if (existsSync(file)) {
    peers = JSON.parse(readFileSync(file, "utf8"));
    stored = true;
  }
}
for (const name of datasets) {
  const p = peers?.[name];
  if (!p) continue;
  for (const peer of PEER_NAMES) {
    const r = p[peer];
    if (r)
      line({
        bench: "model",
        dataset: name,
        learner: peer,
        ...r,
        peer: true,
        ...(stored ? { stored: true } : {}),
      });
  }
  const mine = ours[name]?.["winnow-default"];
  if (!mine) continue;
  const rows = PEER_NAMES.map((n) => p[n]).filter((r): r is Row => r !== undefined);
  const bestAuc = Math.max(...rows.map((r) => r.auc));
  const bestLoss = Math.min(...rows.map((r) => r.logloss));
  const xgb = p["xgboost_default"];
  line({
    bench: "model",
    dataset: name,
    ratio: "winnow-default/best-peer",
    auc: r4(mine.auc / bestAuc),
    logloss: r4(mine.logloss / bestLoss),
    ...(xgb ? { cpu_s_vs_xgboost_default: r2(mine.cpu_s / xgb.cpu_s) } : {}),
    goal_met: mine.auc >= bestAuc && mine.logloss <= bestLoss && (!xgb || mine.cpu_s <= xgb.cpu_s),
    ...(stored ? { stored: true } : {}),
  });
}

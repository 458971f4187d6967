import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { type CommandDef, defineCommand } from "citty";
import { WinnowError } from "../../core/errors.ts";
import { explain, featureImportance, topReasons } from "../../core/model/explain.ts";
import { discoverIcp } from "../../core/model/icp.ts";
import { type LearnerName, learnerNamed, predictProbability, train } from "../../core/model/learners.ts";
import { heldOutMetrics } from "../../core/model/metrics.ts";
import { fromModelFile, type ModelFile, toModelFile } from "../../core/model/model-file.ts";
import { stratifiedSplit } from "../../core/model/random.ts";
import { trainingReadiness } from "../../core/model/readiness.ts";
import { liftByDecile, reliabilityCurve } from "../../core/model/reliability.ts";
import { countPositive, takeLabels, takeRows } from "../../core/model/table.ts";
import { buildTable } from "../../core/model/table-build.ts";
import { loadDataset, readCsv } from "../../dataset/load.ts";
import { eprintln, io, printJson, println } from "../io.ts";
import { REMOTE_ARGS, remoteTarget } from "../remote/client.ts";
import { refuseRemote } from "../remote/scoring.ts";

/** Exit code when there are too few won or lost examples to train (the rules score stays in use). */
export const EXIT_NOT_ENOUGH_DATA = 7;

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

function readModel(path: string): ModelFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new WinnowError("WINNOW_ERR_FILE_NOT_FOUND", { message: `Cannot read ${path}`, cause });
  }
  try {
    return fromModelFile(JSON.parse(text));
  } catch (cause) {
    if (cause instanceof WinnowError) throw cause;
    throw new WinnowError("WINNOW_ERR_INVALID_JSON", { message: `${path} is not valid JSON`, cause });
  }
}

function predict(
  modelPath: string,
  csvPath: string,
  delimiter: string,
  idColumn: string | undefined,
  top: number,
  json: boolean,
): number {
  const file = readModel(modelPath);
  const { header, rows } = readCsv(csvPath, delimiter);
  const kinds = (k: string) => file.features.filter((f) => f.kind === k).map((f) => f.name);
  const table = buildTable(header, rows, {
    categorical: kinds("categorical"),
    numeric: kinds("numeric"),
    date: kinds("date"),
    boolean: kinds("boolean"),
    missing: file.missing ?? [""],
  });
  const p = predictProbability(file.model, table);
  const e = explain(file.model, table);
  const idAt = idColumn === undefined ? -1 : header.indexOf(idColumn);
  if (idColumn !== undefined && idAt < 0) {
    throw new WinnowError("WINNOW_ERR_USAGE", { message: `--id column "${idColumn}" is not in ${csvPath}` });
  }
  for (let i = 0; i < table.rows; i++) {
    const reasons = topReasons(e, table, i, top).map((r) => ({ ...r, contribution: round(r.contribution) }));
    const id = idAt >= 0 ? (rows[i]![idAt] ?? "") : String(i + 1);
    if (json) {
      io().stdout(`${JSON.stringify({ id, probability: round(p[i]!), reasons })}\n`);
    } else {
      const why = reasons.map((r) => `${r.feature} = ${r.value || "(missing)"} ${r.direction}`).join("; ");
      println(`${id}\t${(p[i]! * 100).toFixed(1)}%\t${why}`);
    }
  }
  eprintln(`scored ${table.rows} rows with a ${file.learner} model trained ${file.trainedAt}`);
  return 0;
}

export const command: CommandDef = defineCommand({
  meta: {
    name: "train",
    description:
      "Train a predictive model on a CSV of closed leads/deals with a dataset spec, report held-out metrics and save it; or score rows with --predict. (Training on the database's closed deals arrives with storage.)",
  },
  args: {
    csv: { type: "string", description: "CSV file (default: the spec's file)" },
    spec: { type: "string", description: "dataset.json: column kinds, missing strings, target" },
    learner: { type: "string", description: "default | nb | logistic | gbdt", default: "default" },
    out: { type: "string", description: "Where to save the model JSON" },
    predict: { type: "string", description: "Score --csv with this saved model instead of training" },
    id: { type: "string", description: "With --predict: column that identifies each row" },
    top: { type: "string", description: "With --predict: reasons per row", default: "3" },
    icp: { type: "boolean", description: "Also report ICP segments and suggested fit rules" },
    seed: { type: "string", description: "Seed for the held-out split and the trees", default: "0" },
    json: { type: "boolean", description: "Machine-readable output" },
    ...REMOTE_ARGS,
  },
  run({ args }) {
    if (remoteTarget(args))
      refuseRemote(
        "winnow train",
        "it trains on a CSV file on this machine. Drop --url (and WINNOW_URL) to train locally, or train on the server's own history with `winnow train-db --url …`",
      );
    const cwd = io().cwd;
    const at = (p: string) => resolve(cwd, p);
    const seed = Number(args.seed);
    if (!Number.isInteger(seed))
      throw new WinnowError("WINNOW_ERR_USAGE", { message: "--seed must be an integer" });
    if (args.predict) {
      if (!args.csv) throw new WinnowError("WINNOW_ERR_USAGE", { message: "--predict needs --csv <file>" });
      const top = Number(args.top);
      const delimiter = args.spec ? loadDelimiter(at(args.spec)) : ",";
      return predict(
        at(args.predict),
        at(args.csv),
        delimiter,
        args.id,
        Number.isInteger(top) && top > 0 ? top : 3,
        args.json === true,
      );
    }
    if (!args.spec)
      throw new WinnowError("WINNOW_ERR_USAGE", {
        message: "winnow train needs --spec <dataset.json> (and --csv unless the spec names its file)",
      });
    const learner: LearnerName = learnerNamed(args.learner);
    eprintln("reading data…");
    const data = loadDataset(at(args.spec), args.csv ? at(args.csv) : undefined);
    if (!data.label) {
      throw new WinnowError("WINNOW_ERR_MODEL_SPEC", {
        issues: [{ path: "target", message: "the spec has no target: nothing to learn" }],
      });
    }
    const label = data.label;
    const readiness = trainingReadiness(label);
    if (!readiness.ready) {
      if (args.json) printJson({ trained: false, ...readiness });
      else println(readiness.reason);
      return EXIT_NOT_ENOUGH_DATA;
    }
    eprintln(
      `${data.table.rows} rows (${readiness.won} won, ${readiness.lost} lost); held-out check on 20%…`,
    );
    const split = stratifiedSplit(label, 0.2, seed + 101);
    const check = train(learner, takeRows(data.table, split.train), takeLabels(label, split.train), seed);
    const testTable = takeRows(data.table, split.valid);
    const testLabel = takeLabels(label, split.valid);
    const p = predictProbability(check, testTable);
    const metrics = heldOutMetrics(testLabel, p);
    eprintln(`training ${learner} on all rows…`);
    const model = train(learner, data.table, label, seed);
    const importance = featureImportance(explain(model, data.table)).slice(0, 10);
    const file = toModelFile(model, {
      trainedAt: new Date().toISOString(),
      features: data.table.columns.map((c) => ({ name: c.name, kind: c.kind })),
      missing: data.spec.missing,
      training: { rows: data.table.rows, won: readiness.won, lost: readiness.lost },
      heldOut: { ...metrics, rows: split.valid.length },
    });
    if (args.out) {
      const target = at(args.out);
      const tmp = `${target}.tmp-${Math.random().toString(36).slice(2)}`;
      writeFileSync(tmp, JSON.stringify(file));
      renameSync(tmp, target);
      eprintln(`saved ${target}`);
    }
    const report = {
      trained: true,
      learner,
      rows: data.table.rows,
      won: readiness.won,
      lost: readiness.lost,
      heldOut: {
        rows: split.valid.length,
        auc: round(metrics.auc),
        logloss: round(metrics.logloss),
        brier: round(metrics.brier),
      },
      reliability: reliabilityCurve(testLabel, p).map((b) => ({
        ...b,
        predicted: round(b.predicted),
        observed: round(b.observed),
      })),
      liftByDecile: liftByDecile(testLabel, p).map((d) => ({
        ...d,
        rate: round(d.rate),
        lift: round(d.lift, 2),
        cumulativeCapture: round(d.cumulativeCapture),
      })),
      importance: importance.map((x) => ({ feature: x.feature, importance: round(x.importance) })),
      ...(model.learner === "winnow-default" ? { blend: model.choice } : {}),
      ...(args.out ? { saved: at(args.out) } : {}),
      ...(args.icp ? { icp: discoverIcp({ table: data.table, won: label }) } : {}),
    };
    if (args.json) {
      printJson(report);
      return 0;
    }
    println(
      `${learner}: ${report.rows} rows, ${report.won} won (${((100 * countPositive(label)) / label.length).toFixed(1)}%)`,
    );
    println(
      `held-out (${report.heldOut.rows} rows): AUC ${report.heldOut.auc}  log loss ${report.heldOut.logloss}  Brier ${report.heldOut.brier}`,
    );
    println("lift by decile: " + report.liftByDecile.map((d) => d.lift.toFixed(2)).join(" "));
    println(
      "calibration (predicted → observed): " +
        report.reliability
          .map((b) => `${b.predicted.toFixed(2)}→${b.observed.toFixed(2)} (${b.count})`)
          .join(", "),
    );
    println(
      "most important: " +
        report.importance
          .slice(0, 5)
          .map((x) => x.feature)
          .join(", "),
    );
    if (args.icp && report.icp) {
      println(`ICP (base win rate ${(report.icp.baseRate * 100).toFixed(1)}%):`);
      for (const r of report.icp.rules.slice(0, 10)) {
        const v =
          r.operator === "missing"
            ? "is missing"
            : r.operator === "between"
              ? `in ${r.value[0]}..${r.value[1]}`
              : `= ${r.value}`;
        println(
          `  ${r.attribute} ${v}: ${r.points > 0 ? "+" : ""}${r.points} points (win rate ${(r.evidence.winRate * 100).toFixed(1)}%, ${r.evidence.rows} rows)`,
        );
      }
    }
    return 0;
  },
}) as CommandDef;

function loadDelimiter(specPath: string): string {
  try {
    const spec = JSON.parse(readFileSync(specPath, "utf8")) as { delimiter?: unknown };
    return typeof spec.delimiter === "string" && spec.delimiter.length === 1 ? spec.delimiter : ",";
  } catch {
    return ",";
  }
}

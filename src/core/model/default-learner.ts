import { applyPlatt, fitPlatt, type PlattCalibration } from "./calibration.ts";
import { fitGbdt, type GbdtModel, type GbdtOptions, gbdtMargin } from "./gbdt.ts";
import { fitLogistic, type LogisticModel, logisticMargin } from "./logistic.ts";
import { logLoss, sigmoid } from "./metrics.ts";
import { stratifiedSplit } from "./random.ts";
import { countPositive, type Table, takeLabels, takeRows } from "./table.ts";

/** A member learner of the default blend and its weight on the log-odds scale. */
export type BlendMember = { readonly weight: number; readonly model: LogisticModel | GbdtModel };

/**
 * The model a user gets without options: logistic regression and boosted trees blended on the
 * log-odds scale with a weight chosen on a validation split of the training data, then Platt-
 * calibrated on that same held-out split.
 */
export type DefaultModel = {
  readonly learner: "winnow-default";
  readonly members: readonly BlendMember[];
  readonly calibration: PlattCalibration;
  /** Held-out log loss of each candidate weight of the trees (for the report). */
  readonly choice: { readonly treeWeight: number; readonly validLogLoss: number; readonly validRows: number };
};

export type DefaultOptions = {
  readonly seed?: number;
  readonly gbdt?: GbdtOptions;
  readonly validationFraction?: number;
};

const WEIGHTS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] as const;

function blend(lr: Float64Array, gb: Float64Array, w: number): Float64Array {
  const out = new Float64Array(lr.length);
  for (let i = 0; i < lr.length; i++) out[i] = (1 - w) * lr[i]! + w * gb[i]!;
  return out;
}

/**
 * Fits the default learner from training rows only: a stratified validation split (20%) is held
 * out; the trees early-stop on it, the blend weight and the calibration are chosen on it.
 *
 * @example
 * const model = fitDefault(table, label);
 * defaultProbability(model, table);
 */
export function fitDefault(table: Table, label: Uint8Array, options: DefaultOptions = {}): DefaultModel {
  const seed = options.seed ?? 0;
  const split = stratifiedSplit(label, options.validationFraction ?? 0.2, seed + 7);
  const validTable = takeRows(table, split.valid);
  const validLabel = takeLabels(label, split.valid);
  const trainTable = takeRows(table, split.train);
  const trainLabel = takeLabels(label, split.train);
  const gbdt = fitGbdt(table, label, { seed, ...options.gbdt, earlyStopping: true, validRows: split.valid });
  const lr = fitLogistic(trainTable, trainLabel);
  const mLr = logisticMargin(lr, validTable);
  const mGb = gbdtMargin(gbdt, validTable);
  let bestW = 0;
  let bestLoss = Number.POSITIVE_INFINITY;
  let bestCal: PlattCalibration = { kind: "platt", a: 1, b: 0 };
  for (const w of WEIGHTS) {
    const m = blend(mLr, mGb, w);
    const cal = fitPlatt(m, validLabel);
    const p = m.map((z) => applyPlatt(cal, z));
    const loss = logLoss(validLabel, p);
    if (loss < bestLoss - 1e-9) {
      bestLoss = loss;
      bestW = w;
      bestCal = cal;
    }
  }
  void countPositive;
  return {
    learner: "winnow-default",
    members: [
      { weight: 1 - bestW, model: lr },
      { weight: bestW, model: gbdt },
    ],
    calibration: bestCal,
    choice: { treeWeight: bestW, validLogLoss: bestLoss, validRows: split.valid.length },
  };
}

/** Blended, uncalibrated log-odds per row. */
export function defaultBlendMargin(model: DefaultModel, table: Table): Float64Array {
  const out = new Float64Array(table.rows);
  for (const m of model.members) {
    if (m.weight === 0) continue;
    const z = m.model.learner === "logistic" ? logisticMargin(m.model, table) : gbdtMargin(m.model, table);
    for (let i = 0; i < out.length; i++) out[i]! += m.weight * z[i]!;
  }
  return out;
}

/** Calibrated log-odds per row. */
export function defaultMargin(model: DefaultModel, table: Table): Float64Array {
  const z = defaultBlendMargin(model, table);
  const { a, b } = model.calibration;
  return z.map((v) => a * v + b);
}

/** Calibrated probability per row. */
export function defaultProbability(model: DefaultModel, table: Table): Float64Array {
  return defaultMargin(model, table).map(sigmoid);
}

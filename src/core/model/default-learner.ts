import { applyPlatt, fitPlatt, type PlattCalibration } from "./calibration.ts";
import { fitGbdt, type GbdtModel, type GbdtOptions, gbdtMargin, prepareGbdt } from "./gbdt.ts";
import { fitLogistic, type LogisticModel, logisticMargin } from "./logistic.ts";
import { logLossTerm, sigmoid } from "./metrics.ts";
import { stratifiedSplit } from "./random.ts";
import { type Table, takeLabels, takeRows } from "./table.ts";

/** A member learner of the default blend and its weight on the log-odds scale. */
export type BlendMember = { readonly weight: number; readonly model: LogisticModel | GbdtModel };

/**
 * The model a user gets without options. On a stratified 20% split of the training rows it picks
 * the number of trees (early stopping, boosting at twice the final learning rate so that half as
 * many trees are grown), the blend weight of logistic regression and trees on the log-odds scale,
 * and a Platt calibration; then the trees are refit on all training rows (at the final learning
 * rate with twice the chosen count, scaled for the extra rows). The logistic regression is not
 * refit: its member is the fit on the split's training rows, whose held-out margins the blend
 * weight and the calibration were chosen for. Both tree fits share one binning of the rows.
 * With many rows the logistic regression is first probed on an eighth of the split's training
 * rows, and fitted in full only when the probe gets a weight in the blend.
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
  /** Refit the trees on all training rows (default true; the logistic member is the split's fit). */
  readonly refit?: boolean;
  /** Training rows of the split from which the logistic member is probed first (default PROBE_MIN_ROWS). */
  readonly probeMinRows?: number;
};

/**
 * Tree settings of the default: smaller trees, a lower learning rate and row/feature sampling,
 * with the number of trees set by early stopping. Chosen once for all datasets.
 */
export const DEFAULT_TREES = {
  learningRate: 0.075,
  maxIter: 400,
  maxLeaves: 15,
  subsample: 0.8,
  colsample: 0.8,
} as const satisfies GbdtOptions;

/** The selection fit boosts at this multiple of the final learning rate. */
export const SELECTION_RATE_FACTOR = 2;

const WEIGHTS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] as const;

/** Train rows of the split from which the logistic member is probed on an eighth of them first. */
export const PROBE_MIN_ROWS = 16_000;
const PROBE_FRACTION = 0.125;

export type BlendChoice = {
  readonly weight: number;
  readonly calibration: PlattCalibration;
  readonly loss: number;
};

/** The tree weight (and Platt calibration) with the smallest held-out log loss. */
export function chooseBlend(mLr: Float64Array, mGb: Float64Array, validLabel: Uint8Array): BlendChoice {
  let best: BlendChoice = {
    weight: 0,
    calibration: { kind: "platt", a: 1, b: 0 },
    loss: Number.POSITIVE_INFINITY,
  };
  // One array for every candidate's blend, and each candidate's held-out loss in one pass without
  // an array of probabilities (the same numbers as logLoss over `applyPlatt` of each margin).
  const m = new Float64Array(mLr.length);
  for (const w of WEIGHTS) {
    blendInto(m, mLr, mGb, w);
    const cal = fitPlatt(m, validLabel);
    const loss = calibratedLossSum(m, validLabel, cal) / validLabel.length;
    if (loss < best.loss - 1e-9) best = { weight: w, calibration: cal, loss };
  }
  return best;
}

/** Σ of logLoss's terms (clipped as there) of the calibrated probabilities of the margins `m`. */
function calibratedLossSum(m: Float64Array, label: Uint8Array, cal: PlattCalibration): number {
  let s = 0;
  for (let i = 0; i < label.length; i++) s += logLossTerm(label[i]!, applyPlatt(cal, m[i]!));
  return s;
}

/** outer[inner[k]] for every k: rows of a subset given by their place in it. */
function composeRows(outer: Int32Array, inner: Int32Array): Int32Array {
  const out = new Int32Array(inner.length);
  for (let k = 0; k < inner.length; k++) out[k] = outer[inner[k]!]!;
  return out;
}

function blendInto(out: Float64Array, lr: Float64Array, gb: Float64Array, w: number): void {
  for (let i = 0; i < lr.length; i++) out[i] = (1 - w) * lr[i]! + w * gb[i]!;
}

/**
 * Fits the default learner from training rows only (nothing per dataset is tuned by hand).
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
  const trainLabel = takeLabels(label, split.train);
  const refit = options.refit ?? true;
  const trees = { ...DEFAULT_TREES, seed, ...options.gbdt };
  const prepared = prepareGbdt(table, trees);
  // The held-out rows' margins come from the boosting itself (the same sums as walking the kept trees).
  const mGb = new Float64Array(split.valid.length);
  const gbdt = fitGbdt(table, label, {
    ...trees,
    prepared,
    learningRate: trees.learningRate * SELECTION_RATE_FACTOR,
    maxIter: Math.max(1, Math.ceil(trees.maxIter / SELECTION_RATE_FACTOR)),
    earlyStopping: true,
    validRows: split.valid,
    validMargin: mGb,
  });
  // Refit on every training row with what the split chose (tree count scaled for the extra rows);
  // a member with weight 0 is not refit.
  const finish = (choice: BlendChoice, finalLr: LogisticModel): DefaultModel => {
    const finalGb =
      refit && choice.weight > 0
        ? fitGbdt(table, label, {
            ...trees,
            prepared,
            earlyStopping: false,
            maxIter: Math.max(
              1,
              Math.round(gbdt.iterations * SELECTION_RATE_FACTOR * (1 + (options.validationFraction ?? 0.2))),
            ),
          })
        : gbdt;
    return {
      learner: "winnow-default",
      members: [
        { weight: 1 - choice.weight, model: finalLr },
        { weight: choice.weight, model: finalGb },
      ],
      calibration: choice.calibration,
      choice: { treeWeight: choice.weight, validLogLoss: choice.loss, validRows: split.valid.length },
    };
  };
  // With many rows the logistic member is first fitted on an eighth of the split's training rows
  // (at least 2,000): when even this probe gets weight 0 in the blend, the full fit is taken to be
  // ruled out too (the same model on eight times the rows; a heuristic, not a guarantee — on
  // bank-marketing the full fit got weight 0 on every fold, and so did the probes on a quarter and
  // on an eighth) and is skipped; otherwise the full fit starts from the probe.
  let start: LogisticModel | undefined;
  if (split.train.length >= (options.probeMinRows ?? PROBE_MIN_ROWS)) {
    const probeRows = stratifiedSplit(trainLabel, PROBE_FRACTION, seed + 11).valid;
    // The probe's rows straight from the table (the split's training rows are copied out only for
    // the full fit, which the probe often rules out: on bank-marketing, every fold).
    start = fitLogistic(
      takeRows(table, composeRows(split.train, probeRows)),
      takeLabels(trainLabel, probeRows),
    );
    const probe = chooseBlend(logisticMargin(start, validTable), mGb, validLabel);
    if (probe.weight === 1) return finish(probe, start);
  }
  const lr = fitLogistic(takeRows(table, split.train), trainLabel, start ? { start } : {});
  // The logistic member is not refit on all rows: that refit was 11-18% of the fit on x-education
  // and olist-funnel for AUC +0.0001 / -0.0006 on them (docs/model.md, fifth pass), and the blend
  // weight and Platt calibration were chosen for this fit's margins.
  return finish(chooseBlend(logisticMargin(lr, validTable), mGb, validLabel), lr);
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

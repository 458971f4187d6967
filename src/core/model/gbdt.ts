import { applyBinning, type BinnedTable, type FeatureBinning, fitBinning } from "./binning.ts";
import { softplus } from "./metrics.ts";
import { Mulberry32, stratifiedSplit } from "./random.ts";
import type { Table } from "./table.ts";
import { type GrowWorkspace, growTree, growWorkspace, type Tree, type TreeParams } from "./tree.ts";
import { shapScratch, treeDepth, treeExpectation, treeShap } from "./tree-shap.ts";
import { categoryMasks, goesLeft, leafWithMasks, leavesOf, walkPlan } from "./tree-walk.ts";

/** Histogram gradient-boosted trees for a 0/1 label (log loss). */
export type GbdtModel = {
  readonly learner: "gbdt";
  readonly init: number;
  readonly binning: readonly FeatureBinning[];
  readonly trees: readonly Tree[];
  /** Iterations kept (the best on the internal validation split when early stopping ran). */
  readonly iterations: number;
};

export type GbdtOptions = Partial<TreeParams> & {
  readonly maxIter?: number;
  readonly maxBins?: number;
  readonly maxCategories?: number;
  /** "auto": early stopping when the training data has more than 10,000 rows (as sklearn). */
  readonly earlyStopping?: boolean | "auto";
  readonly validationFraction?: number;
  readonly patience?: number;
  /** Row share sampled per tree (1 = all) and feature share per tree. */
  readonly subsample?: number;
  readonly colsample?: number;
  readonly seed?: number;
  /** Rows of the training table to validate on instead of a random split (caller-made split). */
  readonly validRows?: Int32Array;
  /**
   * When given (one slot per validation row), filled with the validation rows' margins under the
   * kept trees, in the order of `validRows`: boosting has them already (no second walk of the trees).
   */
  readonly validMargin?: Float64Array;
  /** Continue boosting from this model (same columns): its trees are kept and new ones added. */
  readonly warmStart?: GbdtModel;
  /** Binning, binned rows and scratch space of this same table from `prepareGbdt` (reused, not rebuilt). */
  readonly prepared?: GbdtPrepared;
};

/** What every fit on one table needs before growing trees: learned bins, the binned rows, scratch. */
export type GbdtPrepared = {
  readonly table: Table;
  readonly binning: readonly FeatureBinning[];
  readonly binned: BinnedTable;
  readonly ws: GrowWorkspace;
};

/**
 * Bins a table once for several fits on it (the default learner's selection fit and final fit).
 *
 * @example
 * const prepared = prepareGbdt(table);
 * fitGbdt(table, label, { prepared, maxIter: 50 });
 */
export function prepareGbdt(table: Table, options: GbdtOptions = {}): GbdtPrepared {
  const o = { ...GBDT_DEFAULTS, ...options };
  const binning = fitBinning(table, { maxBins: o.maxBins, maxCategories: o.maxCategories });
  const binned = applyBinning(binning, table);
  return { table, binning, binned, ws: growWorkspace(binned, o.maxLeaves) };
}

export const GBDT_DEFAULTS = {
  maxIter: 100,
  learningRate: 0.1,
  maxLeaves: 31,
  maxDepth: 0,
  minLeaf: 20,
  minHess: 1e-3,
  l2: 0,
  catL2: 10,
  catSmooth: 10,
  minCatSupport: 10,
  minGain: 1e-7,
  maxBins: 255,
  maxCategories: 1000,
  validationFraction: 0.1,
  patience: 10,
  subsample: 1,
  colsample: 1,
  seed: 0,
} as const;

function logLossOf(margin: Float64Array, label: Uint8Array, rows: Int32Array): number {
  let s = 0;
  for (let k = 0; k < rows.length; k++) {
    const z = margin[rows[k]!]!;
    s += softplus(z) - (label[rows[k]!] ? z : 0);
  }
  return s / Math.max(1, rows.length);
}

/**
 * Samples the rows of one tree and computes the gradient and hessian of the log loss of every
 * training row (sampled or not: one pass instead of two), from `ez[i]` = exp(-margin[i]) (kept up
 * to date by a factor per leaf, so no exp per row and tree; a NaN there, ∞ · 0 after extreme leaf
 * values, is recomputed from the margin). The sampled rows' gradient and hessian sums, in row order,
 * go to `sums`. Returns the number of sampled rows (all of them at `rate` 1).
 */
function sampleGradients(
  trainRows: Int32Array,
  salt: number,
  rate: number,
  rows: Int32Array,
  unsampled: Int32Array,
  margin: Float64Array,
  ez: Float64Array,
  label: Uint8Array,
  gh: Float64Array,
  sums: Float64Array,
): number {
  let count = 0;
  let skipped = 0;
  let G = 0;
  let H = 0;
  const threshold = rate * 4294967296;
  sums[0] = 0;
  sums[1] = 0;
  for (let k = 0; k < trainRows.length; k++) {
    const i = trainRows[k]!;
    // A counter-based hash of (row, round): an independent draw per row and tree, no generator state.
    let x = (Math.imul(i, 0x9e3779b1) ^ salt) | 0;
    x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
    x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
    x ^= x >>> 16;
    // Branch-free (a fifth of the rows go the other way at random, so a branch mispredicted often):
    // the row is written to both lists and only the one it belongs to advances. (`+(a < b)` compiles
    // to a flag, where `a < b ? 1 : 0` and `if` compiled to a branch: 0.31 -> 0.19 ms per 33,000 rows.)
    // At rate 1 every row is taken (x >>> 0 < 2^32).
    const take = +(x >>> 0 < threshold);
    rows[count] = i;
    unsampled[skipped] = i;
    count += take;
    skipped += 1 - take;
    let e = ez[i]!;
    if (Number.isNaN(e)) {
      e = Math.exp(-margin[i]!);
      ez[i] = e;
    }
    const pr = 1 / (1 + e);
    const g = pr - label[i]!;
    const hh = pr * (1 - pr);
    const h = hh > 1e-16 ? hh : 1e-16;
    gh[2 * i] = g;
    gh[2 * i + 1] = h;
    // An unsampled row adds ±0: the same sums as over the sampled rows alone.
    G += g * take;
    H += h * take;
    // Stored on every row, not once after the loop: V8 compiles this loop on the stack in the first
    // tree, and stores after it had no type feedback yet, so that code was thrown away at the end of
    // its first call (`--trace-deopt`) and the next calls ran unoptimised until it was compiled again
    // (≈ 0.12 CPU-s of bank-marketing's first fold, with ≈ 40 MB of boxed numbers for the GC).
    sums[0] = G;
    sums[1] = H;
  }
  return count;
}

function addToRows(
  margin: Float64Array,
  ez: Float64Array,
  rows: Int32Array,
  start: number,
  end: number,
  value: number,
): void {
  const f = Math.exp(-value);
  for (let k = start; k < end; k++) {
    const i = rows[k]!;
    margin[i]! += value;
    ez[i]! *= f;
  }
}

/** exp(-margin) of the rows, afresh. */
function refreshExp(margin: Float64Array, ez: Float64Array, rows: Int32Array): void {
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    ez[i] = Math.exp(-margin[i]!);
  }
}

function addTreeToRows(
  margin: Float64Array,
  ez: Float64Array,
  factor: Float64Array,
  tree: Tree,
  binned: BinnedTable,
  rows: Int32Array,
  count: number,
  leaf: Int32Array,
): void {
  leavesOf(walkPlan(tree, binned.binCount), binned, rows, count, leaf);
  addLeafValues(margin, ez, factor, tree.value, rows, count, leaf);
}

function addLeafValues(
  margin: Float64Array,
  ez: Float64Array,
  factor: Float64Array,
  value: readonly number[],
  rows: Int32Array,
  count: number,
  leaf: Int32Array,
): void {
  for (let k = 0; k < count; k++) {
    const i = rows[k]!;
    const l = leaf[k]!;
    margin[i]! += value[l]!;
    ez[i]! *= factor[l]!;
  }
}

/** margin[rows[k]] into out[k]. */
function marginsOf(margin: Float64Array, rows: Int32Array, out: Float64Array): void {
  for (let k = 0; k < rows.length; k++) out[k] = margin[rows[k]!]!;
}

/** Progress of one boosting round, for callers that report it. */
export type GbdtProgress = { readonly iteration: number; readonly validLoss: number | null };

/** Rows 0..n-1 not in `rows`, ascending. */
function rowsNotIn(n: number, rows: Int32Array): Int32Array {
  const taken = new Uint8Array(n);
  for (let k = 0; k < rows.length; k++) taken[rows[k]!] = 1;
  const out = new Int32Array(n - rows.length);
  let a = 0;
  for (let i = 0; i < n; i++) if (!taken[i]) out[a++] = i;
  return out;
}

function positives(label: Uint8Array, rows: Int32Array): number {
  let pos = 0;
  // `+(x !== 0)` compiles to a flag; `x ? 1 : 0` to a branch that mispredicts on the rare label.
  for (let k = 0; k < rows.length; k++) pos += +(label[rows[k]!] !== 0);
  return pos;
}

/** What the boosting loop works on: one fixed shape for every fit (its code is compiled once). */
type Boosting = {
  readonly binned: BinnedTable;
  readonly ws: GrowWorkspace;
  readonly label: Uint8Array;
  readonly margin: Float64Array;
  readonly gh: Float64Array;
  readonly trainRows: Int32Array;
  readonly validRows: Int32Array;
  /** The validation rows' margins at the best iteration so far (empty: not kept). */
  readonly bestValid: Float64Array;
  readonly rows: Int32Array;
  readonly unsampled: Int32Array;
  /** Scratch: the leaf of each row walked down a new tree. */
  readonly leaf: Int32Array;
  readonly allFeatures: Int32Array;
  readonly p: TreeParams;
  readonly maxIter: number;
  readonly seed: number;
  readonly subsample: number;
  readonly colsample: number;
  readonly patience: number;
};

/**
 * Grows trees onto `trees` until `maxIter`, early stopping on the validation rows when there are
 * any; returns the best iteration count (0 without validation rows).
 */
function boost(b: Boosting, trees: Tree[], onProgress?: (p: GbdtProgress) => void): number {
  const {
    binned,
    ws,
    label,
    margin,
    gh,
    trainRows,
    validRows,
    bestValid,
    rows,
    unsampled,
    leaf,
    allFeatures,
    p,
  } = b;
  const { maxIter, seed, subsample, colsample, patience } = b;
  const rand = new Mulberry32(seed);
  const nf = allFeatures.length;
  let best = Number.POSITIVE_INFINITY;
  let bestIter = 0;
  const hasValid = validRows.length > 0;
  const ez = new Float64Array(margin.length);
  const sums = new Float64Array(2);
  for (let iter = 0; iter < maxIter; iter++) {
    const salt = Math.imul(iter + 1, 0x27d4eb2d) ^ Math.imul(seed + 1, 0x165667b1);
    // exp(-margin) per row is updated by each leaf's factor and recomputed every 16 trees, which
    // bounds the rounding it gathers (the gradients agree with exp(-margin) to ~1e-15).
    if (iter % 16 === 0) refreshExp(margin, ez, trainRows);
    const count = sampleGradients(trainRows, salt, subsample, rows, unsampled, margin, ez, label, gh, sums);
    const skipped = trainRows.length - count;
    let features = allFeatures;
    if (colsample < 1) {
      const pick = Array.from(allFeatures).filter(() => rand.next() < colsample);
      features = Int32Array.from(pick.length > 0 ? pick : [Math.floor(rand.next() * nf)]);
    }
    const grown = growTree(binned, ws, features, gh, rows, count, p, sums[0]!, sums[1]!);
    trees.push(grown.tree);
    // Sampled rows sit in their leaves' ranges; only the others need walking down the tree.
    for (const r of grown.leafRanges) addToRows(margin, ez, rows, r.start, r.end, r.value);
    const factor = Float64Array.from(grown.tree.value, (v) => Math.exp(-v));
    addTreeToRows(margin, ez, factor, grown.tree, binned, unsampled, skipped, leaf);
    let validLoss: number | null = null;
    if (hasValid) {
      // (The held-out rows' exp(-margin) is kept too, unused: one argument type for the walk.)
      addTreeToRows(margin, ez, factor, grown.tree, binned, validRows, validRows.length, leaf);
      validLoss = logLossOf(margin, label, validRows);
      if (validLoss < best - 1e-7) {
        best = validLoss;
        bestIter = iter + 1;
        if (bestValid.length > 0) marginsOf(margin, validRows, bestValid);
      }
    }
    onProgress?.({ iteration: iter + 1, validLoss });
    if (hasValid && iter + 1 - bestIter >= patience) break;
    if (grown.tree.feature[0] === -1 && iter > 0) break;
  }
  return bestIter;
}

/**
 * Fits gradient-boosted trees: binning (<= 255 numeric bins), leaf-wise trees with native
 * categorical splits, learned missing-value direction, shrinkage, and early stopping on a stratified
 * validation split carved from the given (training) rows. Deterministic for a seed.
 *
 * @example
 * const model = fitGbdt(table, label, { seed: 1 });
 * gbdtMargin(model, table);
 */
export function fitGbdt(
  table: Table,
  label: Uint8Array,
  options: GbdtOptions = {},
  onProgress?: (p: GbdtProgress) => void,
): GbdtModel {
  const o = { ...GBDT_DEFAULTS, ...options };
  // One object shape for every fit (the spread above orders keys by the caller's options): the
  // tree grower and split finder read these in their hottest loops and stay monomorphic.
  const p: TreeParams = {
    maxLeaves: o.maxLeaves,
    maxDepth: o.maxDepth,
    minLeaf: o.minLeaf,
    minHess: o.minHess,
    l2: o.l2,
    catL2: o.catL2,
    catSmooth: o.catSmooth,
    minCatSupport: o.minCatSupport,
    learningRate: o.learningRate,
    minGain: o.minGain,
  };
  const prepared = options.prepared && !options.warmStart ? options.prepared : null;
  if (prepared && prepared.table !== table) {
    throw new Error("fitGbdt: `prepared` was made for another table");
  }
  const binning =
    prepared?.binning ??
    options.warmStart?.binning ??
    fitBinning(table, { maxBins: o.maxBins, maxCategories: o.maxCategories });
  const binned = prepared?.binned ?? applyBinning(binning, table);
  const n = table.rows;
  const early = o.earlyStopping === undefined || o.earlyStopping === "auto" ? n > 10_000 : o.earlyStopping;
  let trainRows: Int32Array;
  let validRows: Int32Array;
  if (options.validRows) {
    validRows = options.validRows;
    trainRows = rowsNotIn(n, validRows);
  } else if (early) {
    const s = stratifiedSplit(label, o.validationFraction, o.seed + 1);
    trainRows = s.train;
    validRows = s.valid;
  } else {
    trainRows = new Int32Array(n);
    for (let i = 0; i < n; i++) trainRows[i] = i;
    validRows = new Int32Array(0);
  }
  const pos = positives(label, trainRows);
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, pos / Math.max(1, trainRows.length)));
  const init = options.warmStart?.init ?? Math.log(rate / (1 - rate));
  const margin = options.warmStart
    ? gbdtMarginBinned(options.warmStart, binned)
    : new Float64Array(n).fill(init);
  const ws: GrowWorkspace =
    prepared && prepared.ws.pool.length >= o.maxLeaves + 1 ? prepared.ws : growWorkspace(binned, o.maxLeaves);
  const nf = binning.length;
  const trees: Tree[] = options.warmStart ? [...options.warmStart.trees] : [];
  const start = trees.length;
  const bestIter = boost(
    {
      binned,
      ws,
      label,
      margin,
      gh: new Float64Array(2 * n),
      trainRows,
      validRows,
      bestValid: options.validMargin && validRows.length > 0 ? options.validMargin : new Float64Array(0),
      rows: new Int32Array(trainRows.length),
      unsampled: new Int32Array(trainRows.length),
      leaf: new Int32Array(Math.max(trainRows.length, validRows.length)),
      allFeatures: Int32Array.from({ length: nf }, (_, i) => i),
      p,
      maxIter: o.maxIter,
      seed: o.seed,
      subsample: o.subsample,
      colsample: o.colsample,
      patience: o.patience,
    },
    trees,
    onProgress,
  );
  const hasValid = validRows.length > 0;
  const kept = hasValid ? trees.slice(0, start + Math.max(1, bestIter)) : trees;
  const model: GbdtModel = { learner: "gbdt", init, binning, trees: kept, iterations: kept.length };
  const vm = options.validMargin;
  if (vm) {
    if (vm.length !== validRows.length) {
      throw new Error(`fitGbdt: validMargin has ${vm.length} slots for ${validRows.length} validation rows`);
    }
    // Boosting kept the margins of its best iteration (the kept trees); otherwise walk the trees.
    if (!(hasValid && bestIter >= 1)) vm.set(gbdtMarginOfRows(model, binned, validRows));
  }
  return model;
}

/** Margins (log-odds) of already-binned rows. */
export function gbdtMarginBinned(model: GbdtModel, binned: BinnedTable): Float64Array {
  const rows = new Int32Array(binned.rows);
  for (let i = 0; i < rows.length; i++) rows[i] = i;
  return gbdtMarginOfRows(model, binned, rows);
}

/**
 * Below this many rows, trees are walked row by row: a tree's walk plan (built once per tree object,
 * ≈ a few microseconds) would cost more than it saves, as when one lead is scored with a model just
 * read from storage.
 */
const PLAN_MIN_ROWS = 128;

/** Margins (log-odds) of some rows of an already-binned table, in the order of `rows`. */
export function gbdtMarginOfRows(model: GbdtModel, binned: BinnedTable, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length).fill(model.init);
  const leaf = new Int32Array(rows.length);
  for (const tree of model.trees) {
    if (rows.length < PLAN_MIN_ROWS) {
      addRowByRow(out, tree, categoryMasks(tree), binned, rows);
      continue;
    }
    leavesOf(walkPlan(tree, binned.binCount), binned, rows, rows.length, leaf);
    addValues(out, tree.value, leaf);
  }
  return out;
}

function addRowByRow(
  out: Float64Array,
  tree: Tree,
  masks: (Uint8Array | null)[],
  binned: BinnedTable,
  rows: Int32Array,
): void {
  for (let k = 0; k < rows.length; k++) out[k]! += tree.value[leafWithMasks(tree, masks, binned, rows[k]!)]!;
}

function addValues(out: Float64Array, value: readonly number[], leaf: Int32Array): void {
  for (let k = 0; k < out.length; k++) out[k]! += value[leaf[k]!]!;
}

/** Log-odds per row. */
export function gbdtMargin(model: GbdtModel, table: Table): Float64Array {
  return gbdtMarginBinned(model, applyBinning(model.binning, table));
}

/**
 * Per-feature contributions by exact TreeSHAP (Lundberg et al. 2018; see tree-shap.ts): each tree's
 * Shapley values with cover-weighted expectations, summed over the trees. `bias` is the initial
 * log-odds plus every tree's expected value, and `bias + Σ contrib = margin` (to rounding).
 * Writes rows × features into `contrib` (added to what is there) and returns the bias.
 */
export function gbdtContributions(model: GbdtModel, table: Table, contrib: Float64Array): number {
  const binned = applyBinning(model.binning, table);
  const nf = model.binning.length;
  const n = binned.rows;
  let bias = model.init;
  let depth = 0;
  for (const tree of model.trees) {
    bias += treeExpectation(tree);
    depth = Math.max(depth, treeDepth(tree));
  }
  const scratch = shapScratch(depth);
  const one = new Float64Array(nf);
  for (const tree of model.trees) {
    // A tree's SHAP values depend on the row only through the way it goes at every split: rows that
    // go the same ways share them, so they are computed once per pattern (exactly the same values).
    const internal: number[] = [];
    const used = new Set<number>();
    for (let k = 0; k < tree.feature.length; k++) {
      if (tree.feature[k]! >= 0) {
        internal.push(k);
        used.add(tree.feature[k]!);
      }
    }
    const features = Int32Array.from(used);
    if (internal.length > 52) {
      for (let i = 0; i < n; i++) treeShap(tree, binned, i, contrib, i * nf, 1, scratch);
      continue;
    }
    const masks = categoryMasks(tree);
    const seen = new Map<number, Float64Array>();
    for (let i = 0; i < n; i++) {
      let key = 0;
      let bit = 1;
      for (const node of internal) {
        const f = tree.feature[node]!;
        if (goesLeft(tree, masks, node, binned.bins[f * n + i]!, binned.binCount[f]!)) key += bit;
        bit *= 2;
      }
      let phi = seen.get(key);
      if (!phi) {
        for (const f of features) one[f] = 0;
        treeShap(tree, binned, i, one, 0, 1, scratch);
        phi = Float64Array.from(features, (f) => one[f]!);
        if (seen.size < 1 << 16) seen.set(key, phi);
      }
      const at = i * nf;
      for (let u = 0; u < features.length; u++) contrib[at + features[u]!]! += phi[u]!;
    }
  }
  return bias;
}

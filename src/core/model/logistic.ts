import { choleskyFactor, choleskySubstitute } from "./cholesky.ts";
import { type FeatureSchema, numericFor, recode } from "./features.ts";
import { lbfgs } from "./lbfgs.ts";
import { sigmoid } from "./metrics.ts";
import { medianOf } from "./select.ts";
import type { Table } from "./table.ts";

type NumericTerm = FeatureSchema & {
  readonly median: number;
  readonly mean: number;
  readonly scale: number;
  readonly weight: number;
  /** Present when the column had missing values in training (sklearn `add_indicator`). */
  readonly indicator: { readonly mean: number; readonly scale: number; readonly weight: number } | null;
};

/**
 * L2-regularised logistic regression: categorical columns one-hot encoded (missing is its own
 * level, unknown levels add nothing), numeric columns median-imputed with a missing indicator and
 * standardised. Objective: Σ log loss + ||w||² / (2C), intercept not penalised (as sklearn).
 */
export type LogisticModel = {
  readonly learner: "logistic";
  readonly c: number;
  readonly intercept: number;
  readonly categorical: readonly (FeatureSchema & {
    readonly weights: readonly number[];
    readonly missingWeight: number;
  })[];
  readonly numeric: readonly NumericTerm[];
};

export type LogisticOptions = {
  readonly c?: number;
  readonly maxIter?: number;
  readonly gradTol?: number;
  /** Start from this model's weights (same columns; e.g. a fit on a subset of these rows). */
  readonly start?: LogisticModel;
};

/** The parameter vector of `start` in the layout of this fit, or null when the columns differ. */
function startVector(
  start: LogisticModel,
  cats: readonly FeatureSchema[],
  nums: readonly Omit<NumericTerm, "weight">[],
  offsets: readonly number[],
  denseAt: number,
  dim: number,
): Float64Array | null {
  if (start.categorical.length !== cats.length || start.numeric.length !== nums.length) return null;
  const w = new Float64Array(dim);
  w[0] = start.intercept;
  for (let j = 0; j < cats.length; j++) {
    const f = start.categorical[j]!;
    const k = cats[j]!.levels?.length ?? 0;
    if (f.name !== cats[j]!.name || f.weights.length !== k) return null;
    w.set(f.weights, offsets[j]!);
    w[offsets[j]! + k] = f.missingWeight;
  }
  let d = denseAt;
  for (let j = 0; j < nums.length; j++) {
    const t = start.numeric[j]!;
    const u = nums[j]!;
    if (t.name !== u.name || (t.indicator === null) !== (u.indicator === null)) return null;
    // Same effect per unit of the raw value under this fit's scaling.
    w[d++] = (t.weight / t.scale) * u.scale;
    if (t.indicator && u.indicator) w[d++] = (t.indicator.weight / t.indicator.scale) * u.indicator.scale;
  }
  return w;
}

type Design = {
  readonly n: number;
  readonly nc: number;
  readonly nd: number;
  /** Parameter index per row and categorical feature (-1 = none). */
  readonly cat: Int32Array;
  /** Dense standardised numeric block, rows × nd. */
  readonly dense: Float64Array;
};

function meanStd(values: ArrayLike<number>): { mean: number; scale: number } {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  const mean = s / Math.max(1, values.length);
  let q = 0;
  for (let i = 0; i < values.length; i++) q += (values[i]! - mean) ** 2;
  const sd = Math.sqrt(q / Math.max(1, values.length));
  return { mean, scale: sd > 0 ? sd : 1 };
}

// The loops over rows of the design are small functions of their own: inside design's per-column
// callback V8 deoptimised them after the loop on every call (~40 times over bank-marketing's folds).
function oneHotColumn(codes: Int32Array, cat: Int32Array, nc: number, j: number, p: number, k: number): void {
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    cat[i * nc + j] = c >= 0 ? p + c : c === -1 ? p + k : -1;
  }
}

function denseColumn(
  v: Float64Array,
  t: Omit<NumericTerm, "weight">,
  dense: Float64Array,
  nd: number,
  d: number,
): void {
  const ind = t.indicator;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    const miss = Number.isNaN(x);
    dense[i * nd + d] = ((miss ? t.median : x) - t.mean) / t.scale;
    if (ind) dense[i * nd + d + 1] = ((miss ? 1 : 0) - ind.mean) / ind.scale;
  }
}

function design(
  table: Table,
  cats: readonly FeatureSchema[],
  nums: readonly Omit<NumericTerm, "weight">[],
): { design: Design; offsets: number[] } {
  const n = table.rows;
  const nc = cats.length;
  const cat = new Int32Array(n * nc);
  const offsets: number[] = [];
  let p = 1;
  cats.forEach((f, j) => {
    offsets.push(p);
    const k = f.levels?.length ?? 0;
    oneHotColumn(recode(table, f), cat, nc, j, p, k);
    p += k + 1;
  });
  const nd = nums.reduce((a, t) => a + (t.indicator ? 2 : 1), 0);
  const dense = new Float64Array(n * nd);
  let d = 0;
  for (const t of nums) {
    denseColumn(numericFor(table, t), t, dense, nd, d);
    d += t.indicator ? 2 : 1;
  }
  offsets.push(p);
  return { design: { n, nc, nd, cat, dense }, offsets };
}

function marginOf(des: Design, w: Float64Array, denseAt: number, out: Float64Array): void {
  const { n, nc, nd, cat, dense } = des;
  for (let i = 0; i < n; i++) {
    let z = w[0]!;
    for (let j = 0; j < nc; j++) {
      const k = cat[i * nc + j]!;
      if (k >= 0) z += w[k]!;
    }
    for (let j = 0; j < nd; j++) z += w[denseAt + j]! * dense[i * nd + j]!;
    out[i] = z;
  }
}

/**
 * The inverse of the objective's Hessian diagonal at `w` (L-BFGS's starting matrix): one-hot
 * levels seen in few rows have a small diagonal, frequent ones a large one.
 */
function inverseHessianDiagonal(des: Design, w: Float64Array, lambda: number, denseAt: number): Float64Array {
  const { n, nc, nd, cat, dense } = des;
  const z = new Float64Array(n);
  marginOf(des, w, denseAt, z);
  const diag = new Float64Array(w.length);
  for (let i = 0; i < n; i++) {
    const p = 1 / (1 + Math.exp(-z[i]!));
    const wi = (p * (1 - p)) / n;
    diag[0]! += wi;
    for (let j = 0; j < nc; j++) {
      const k = cat[i * nc + j]!;
      if (k >= 0) diag[k]! += wi;
    }
    for (let j = 0; j < nd; j++) diag[denseAt + j]! += wi * dense[i * nd + j]! ** 2;
  }
  for (let k = 0; k < diag.length; k++) diag[k] = 1 / (diag[k]! + (k > 0 ? lambda : 1e-12));
  return diag;
}

/**
 * Each categorical feature's most frequent parameter (its *base* level), or -1 when some row has no
 * parameter for the feature (then none is left out), and a copy of `cat` with the base levels as -1.
 * Every row has exactly one level of each such feature, so a base level's indicator is 1 minus the
 * feature's other indicators and its Hessian rows follow from the others' (`completeBaseLevels`).
 */
function baseLevels(des: Design, offsets: readonly number[]): { base: Int32Array; rest: Int32Array } {
  const { n, nc, cat } = des;
  const base = new Int32Array(nc).fill(-1);
  const rest = Int32Array.from(cat);
  for (let j = 0; j < nc; j++) {
    const from = offsets[j]!;
    const count = new Int32Array(offsets[j + 1]! - from);
    let complete = true;
    for (let i = 0; i < n; i++) {
      const k = cat[i * nc + j]!;
      if (k < 0) complete = false;
      else count[k - from]!++;
    }
    if (!complete) continue;
    let top = 0;
    for (let l = 1; l < count.length; l++) if (count[l]! > count[top]!) top = l;
    base[j] = from + top;
    for (let i = 0; i < n; i++) if (rest[i * nc + j] === base[j]) rest[i * nc + j] = -1;
  }
  return { base, rest };
}

/**
 * The log-loss Hessian (without the L2 term) at margins `z`, lower triangle: intercept and one-hot
 * levels (value 1, indexes ascending), then the dense block, each cell once per row. Levels that are
 * -1 in `cat` (the base levels of \`baseLevels\`) are left out: a row's cost grows with the square of
 * its non-base levels only (x-education: 4 of 17 features per row on average). A function of its own
 * so that its hot loop is compiled once, not with every recompilation of Newton's loop.
 */
function accumulateHessian(
  des: Design,
  cat: Int32Array,
  z: Float64Array,
  idx: Int32Array,
  hess: Float64Array,
  dim: number,
  denseAt: number,
): void {
  const { n, nc, nd, dense } = des;
  hess.fill(0);
  for (let i = 0; i < n; i++) {
    const zi = z[i]!;
    const p = sigmoid(zi);
    const wi = (p * (1 - p)) / n;
    let m = 0;
    idx[m++] = 0;
    for (let j = 0; j < nc; j++) {
      const k = cat[i * nc + j]!;
      if (k >= 0) idx[m++] = k;
    }
    for (let a = 0; a < m; a++) {
      const at = idx[a]! * dim;
      for (let b = 0; b <= a; b++) hess[at + idx[b]!]! += wi;
    }
    const row = i * nd;
    for (let d = 0; d < nd; d++) {
      const va = wi * dense[row + d]!;
      const at = (denseAt + d) * dim;
      for (let b = 0; b < m; b++) hess[at + idx[b]!]! += va;
      const atd = at + denseAt;
      for (let e = 0; e <= d; e++) hess[atd + e]! += va * dense[row + e]!;
    }
  }
}

/**
 * Fills in the base levels' rows of a Hessian accumulated without them (lower triangle in, full
 * symmetric matrix out). With e_b = 1 − Σ e_l over the feature's other levels l:
 * H[b, x] = H[0, x] − Σ_l H[l, x] for every other parameter x, H[b, b] = H[b, 0], and a level's
 * cells with the other levels of its own feature are 0 (one level per row).
 */
function completeBaseLevels(
  hess: Float64Array,
  dim: number,
  offsets: readonly number[],
  base: Int32Array,
): void {
  for (let a = 0; a < dim; a++) for (let b = a + 1; b < dim; b++) hess[a * dim + b] = hess[b * dim + a]!;
  const nc = base.length;
  // Rows of the base levels against the intercept, the other levels and the dense block.
  for (let j = 0; j < nc; j++) {
    const bj = base[j]!;
    if (bj < 0) continue;
    const at = bj * dim;
    for (let x = 0; x < dim; x++) {
      if (isBase(base, offsets, x)) continue;
      let v = hess[x]!;
      for (let l = offsets[j]!; l < offsets[j + 1]!; l++) if (l !== bj) v -= hess[l * dim + x]!;
      hess[at + x] = v;
    }
    for (let l = offsets[j]!; l < offsets[j + 1]!; l++) hess[at + l] = 0;
    hess[at + bj] = hess[at]!;
  }
  // Base levels of two features: H[b, b'] = H[b, 0] − Σ H[b, l'] over the other levels l' of b's feature.
  for (let j = 0; j < nc; j++) {
    const bj = base[j]!;
    if (bj < 0) continue;
    for (let j2 = 0; j2 < nc; j2++) {
      const b2 = base[j2]!;
      if (j2 === j || b2 < 0) continue;
      let v = hess[bj * dim]!;
      for (let l = offsets[j2]!; l < offsets[j2 + 1]!; l++) if (l !== b2) v -= hess[bj * dim + l]!;
      hess[bj * dim + b2] = v;
    }
  }
  // Mirror the base rows into their columns.
  for (let j = 0; j < nc; j++) {
    const bj = base[j]!;
    if (bj < 0) continue;
    for (let x = 0; x < dim; x++) hess[x * dim + bj] = hess[bj * dim + x]!;
  }
}

function isBase(base: Int32Array, offsets: readonly number[], x: number): boolean {
  if (x === 0) return false;
  for (let j = 0; j < base.length; j++) {
    if (x < offsets[j + 1]!) return base[j] === x;
  }
  return false;
}

/** Summed log loss at margins `z`, with each row's residual (p - y) / n written into `r`. */
function lossAndResiduals(z: Float64Array, label: Uint8Array, r: Float64Array, n: number): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const zi = z[i]!;
    // log(1 + e^z) - y z, computed stably.
    // Both signs in one expression, one exponential (see `sigmoid` in metrics.ts).
    const e = Math.exp(-Math.abs(zi));
    const sp = Math.max(zi, 0) + Math.log1p(e);
    loss += sp - (label[i] ? zi : 0);
    const p = (zi >= 0 ? 1 : e) / (1 + e);
    r[i] = (p - (label[i] ? 1 : 0)) / n;
  }
  return loss;
}

/** The log-loss gradient (without the L2 term) from the residuals, into `g`. */
function gradientOf(des: Design, r: Float64Array, g: Float64Array, denseAt: number): void {
  g.fill(0);
  const { n, nc, nd, cat, dense } = des;
  for (let i = 0; i < n; i++) {
    const ri = r[i]!;
    g[0]! += ri;
    for (let j = 0; j < nc; j++) {
      const k = cat[i * nc + j]!;
      if (k >= 0) g[k]! += ri;
    }
    for (let j = 0; j < nd; j++) g[denseAt + j]! += ri * dense[i * nd + j]!;
  }
}

/** Up to this many parameters Newton's method (dense Hessian) is used; beyond, L-BFGS. */
const NEWTON_MAX_DIM = 300;

/**
 * Newton's method with a backtracking line search: a handful of iterations even when numeric
 * columns are strongly correlated (where first-order methods crawl).
 */
function newton(
  des: Design,
  objective: (w: Float64Array, g: Float64Array) => number,
  /** The margins `objective` wrote at the point it last evaluated. */
  z: Float64Array,
  w0: Float64Array,
  lambda: number,
  denseAt: number,
  offsets: readonly number[],
): Float64Array {
  const dim = w0.length;
  const { base, rest } = baseLevels(des, offsets);
  const { nc } = des;
  const w = Float64Array.from(w0);
  const g = new Float64Array(dim);
  const hess = new Float64Array(dim * dim);
  const idx = new Int32Array(1 + nc);
  const wNew = new Float64Array(dim);
  const gNew = new Float64Array(dim);
  // The Hessian is the costly part (rows × terms²): once the full Newton steps converge fast, the
  // last one is reused for up to eight steps while each cuts the largest gradient entry by 4× or
  // more (same optimum, the gradient is always exact). Two steps at most cost x-education's fit a
  // Hessian more in its last step (at |g| = 1e-7) and in the refit from the split's weights.
  // A reused Hessian keeps its Cholesky factor (in `hess`): a reused step costs two triangular
  // solves, not a new factorisation (≈ 2 ms for x-education's 147 parameters).
  let age = Number.POSITIVE_INFINITY;
  let lastGmax = Number.POSITIVE_INFINITY;
  let lastFull = false;
  let f = objective(w, g);
  let zAtW = true;
  const step = new Float64Array(dim);
  for (let iter = 0; iter < 60; iter++) {
    let gmax = 0;
    for (let k = 0; k < dim; k++) gmax = Math.max(gmax, Math.abs(g[k]!));
    if (gmax < 1e-7) break;
    const reuse = age < 8 && lastFull && gmax < 0.25 * lastGmax;
    lastGmax = gmax;
    if (reuse) {
      age++;
    } else {
      age = 0;
      // z holds the margins at w when the last point evaluated was accepted (or w0).
      if (!zAtW) marginOf(des, w, denseAt, z);
      accumulateHessian(des, rest, z, idx, hess, dim, denseAt);
      completeBaseLevels(hess, dim, offsets, base);
      for (let k = 1; k < dim; k++) hess[k * dim + k]! += lambda;
      hess[0]! += 1e-12;
      if (!choleskyFactor(hess, dim)) break;
    }
    step.set(g);
    choleskySubstitute(hess, step, dim);
    let t = 1;
    let accepted = false;
    let slope = 0;
    for (let k = 0; k < dim; k++) slope -= g[k]! * step[k]!;
    for (let ls = 0; ls < 30; ls++) {
      for (let k = 0; k < dim; k++) wNew[k] = w[k]! - t * step[k]!;
      const fNew = objective(wNew, gNew);
      if (fNew <= f + 1e-4 * t * slope) {
        accepted = true;
        const gain = f - fNew;
        f = fNew;
        w.set(wNew);
        g.set(gNew);
        if (gain < 1e-10 && !reuse) iter = 1e9;
        break;
      }
      t *= 0.5;
    }
    // A reused Hessian that fails is recomputed rather than giving up.
    lastFull = accepted && t === 1;
    zAtW = accepted;
    if (!accepted && !reuse) break;
  }
  return w;
}

/** The fit's columns: categorical as they are, numeric with median, mean and scale (and indicator). */
function schemaOf(table: Table): { cats: FeatureSchema[]; nums: Omit<NumericTerm, "weight">[] } {
  const cats: FeatureSchema[] = [];
  const nums: Omit<NumericTerm, "weight">[] = [];
  for (const col of table.columns) {
    if (col.kind === "categorical") {
      cats.push({ name: col.name, kind: col.kind, levels: col.levels });
      continue;
    }
    const med = medianOf(col.values);
    let missing = 0;
    const filled = new Float64Array(col.values.length);
    const ind = new Float64Array(col.values.length);
    for (let i = 0; i < filled.length; i++) {
      const x = col.values[i]!;
      if (Number.isNaN(x)) {
        missing++;
        ind[i] = 1;
      }
      filled[i] = Number.isNaN(x) ? med : x;
    }
    const ms = meanStd(filled);
    nums.push({
      name: col.name,
      kind: col.kind,
      median: med,
      mean: ms.mean,
      scale: ms.scale,
      indicator: missing > 0 ? { ...meanStd(ind), weight: 0 } : null,
    });
  }
  return { cats, nums };
}

/**
 * Fits the regularised logistic regression (Newton's method for up to 300 parameters, L-BFGS beyond).
 *
 * @example
 * const m = fitLogistic(table, label, { c: 1 });
 * logisticMargin(m, table);
 */
export function fitLogistic(table: Table, label: Uint8Array, options: LogisticOptions = {}): LogisticModel {
  const c = options.c ?? 1;
  const { cats, nums } = schemaOf(table);
  const { design: des, offsets } = design(table, cats, nums);
  const denseAt = offsets[offsets.length - 1]!;
  const dim = denseAt + des.nd;
  const n = des.n;
  const z = new Float64Array(n);
  const r = new Float64Array(n);
  const lambda = 1 / (c * n);
  let pos = 0;
  for (let i = 0; i < n; i++) pos += label[i] ? 1 : 0;
  const warm = options.start ? startVector(options.start, cats, nums, offsets, denseAt, dim) : null;
  const w0 = warm ?? new Float64Array(dim);
  if (!warm) w0[0] = Math.log(Math.max(pos, 0.5) / Math.max(n - pos, 0.5));
  const objective = (w: Float64Array, g: Float64Array): number => {
    marginOf(des, w, denseAt, z);
    // The loops over rows are functions of their own, shared by every fit: inside this closure
    // (a new one per fit) they were compiled on the stack while every margin was still 0 and
    // deoptimised as soon as one turned positive, in every fit.
    const loss = lossAndResiduals(z, label, r, n);
    gradientOf(des, r, g, denseAt);
    let reg = 0;
    for (let k = 1; k < dim; k++) {
      reg += w[k]! * w[k]!;
      g[k]! += lambda * w[k]!;
    }
    return loss / n + 0.5 * lambda * reg;
  };
  const w =
    dim <= NEWTON_MAX_DIM
      ? newton(des, objective, z, w0, lambda, denseAt, offsets)
      : lbfgs(objective, w0, {
          maxIter: options.maxIter ?? 300,
          gradTol: options.gradTol ?? 1e-6,
          precondition: inverseHessianDiagonal(des, w0, lambda, denseAt),
        });
  let d = 0;
  return {
    learner: "logistic",
    c,
    intercept: w[0]!,
    categorical: cats.map((f, j) => {
      const k = f.levels?.length ?? 0;
      const at = offsets[j]!;
      return { ...f, weights: Array.from(w.subarray(at, at + k)), missingWeight: w[at + k]! };
    }),
    numeric: nums.map((t) => {
      const weight = w[denseAt + d]!;
      const indicator = t.indicator ? { ...t.indicator, weight: w[denseAt + d + 1]! } : null;
      d += t.indicator ? 2 : 1;
      return { ...t, weight, indicator };
    }),
  };
}

/**
 * The log-loss Hessian (without the L2 term, full symmetric) of a fit on `table` at weights `w`, as
 * Newton's method builds it (base levels filled in from the others) and, for comparison, with every
 * level accumulated row by row. For tests.
 */
export function logisticHessians(
  table: Table,
  w: Float64Array,
): { dim: number; viaBase: Float64Array; rowByRow: Float64Array } {
  const { cats, nums } = schemaOf(table);
  const { design: des, offsets } = design(table, cats, nums);
  const denseAt = offsets[offsets.length - 1]!;
  const dim = denseAt + des.nd;
  if (w.length !== dim) throw new Error(`logisticHessians: ${w.length} weights for ${dim} parameters`);
  const z = new Float64Array(des.n);
  marginOf(des, w, denseAt, z);
  const idx = new Int32Array(1 + des.nc);
  const { base, rest } = baseLevels(des, offsets);
  const viaBase = new Float64Array(dim * dim);
  accumulateHessian(des, rest, z, idx, viaBase, dim, denseAt);
  completeBaseLevels(viaBase, dim, offsets, base);
  const rowByRow = new Float64Array(dim * dim);
  accumulateHessian(des, des.cat, z, idx, rowByRow, dim, denseAt);
  for (let a = 0; a < dim; a++)
    for (let b = a + 1; b < dim; b++) rowByRow[a * dim + b] = rowByRow[b * dim + a]!;
  return { dim, viaBase, rowByRow };
}

/** Log-odds per row; with `contrib` (rows × features, categorical first then numeric) each feature's share. */
export function logisticMargin(model: LogisticModel, table: Table, contrib?: Float64Array): Float64Array {
  const n = table.rows;
  const out = new Float64Array(n).fill(model.intercept);
  const nf = model.categorical.length + model.numeric.length;
  const share = contrib ?? null;
  // The loops over rows are functions of their own: inside the per-column callbacks V8 compiled them
  // on the stack, then deoptimised them whenever a column took a path the one before had not (a
  // missing level, an indicator): a dozen deopts per fold on bank-marketing (`--trace-deopt`).
  model.categorical.forEach((f, j) => {
    addCategorical(recode(table, f), f.weights, f.missingWeight, out, share, nf, j);
  });
  model.numeric.forEach((t, j0) => {
    const j = model.categorical.length + j0;
    const ind = t.indicator;
    const values = numericFor(table, t);
    if (ind) addNumeric(values, t, true, ind.weight, ind.mean, ind.scale, out, share, nf, j);
    else addNumeric(values, t, false, 0, 0, 1, out, share, nf, j);
  });
  return out;
}

function addCategorical(
  codes: Int32Array,
  weights: readonly number[],
  missingWeight: number,
  out: Float64Array,
  contrib: Float64Array | null,
  nf: number,
  j: number,
): void {
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    const v = c >= 0 ? weights[c]! : c === -1 ? missingWeight : 0;
    out[i]! += v;
    if (contrib) contrib[i * nf + j] = v;
  }
}

/** A numeric column's terms, with its missing indicator's when `indicator`. */
function addNumeric(
  values: Float64Array,
  t: { readonly weight: number; readonly median: number; readonly mean: number; readonly scale: number },
  indicator: boolean,
  iWeight: number,
  iMean: number,
  iScale: number,
  out: Float64Array,
  contrib: Float64Array | null,
  nf: number,
  j: number,
): void {
  const { weight, median, mean, scale } = t;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    const miss = Number.isNaN(x);
    let v = (weight * ((miss ? median : x) - mean)) / scale;
    if (indicator) v += (iWeight * ((miss ? 1 : 0) - iMean)) / iScale;
    out[i]! += v;
    if (contrib) contrib[i * nf + j] = v;
  }
}

import type { BinnedTable } from "./binning.ts";
import type { GrowWorkspace, TreeParams } from "./tree.ts";

/** The best split of a node: gain, feature, numeric threshold bin or the categories sent left. */
export type Split = {
  gain: number;
  feature: number;
  threshold: number;
  missingLeft: boolean;
  catLeft: number[] | null;
};

/**
 * Sums gradient, hessian and row count per bin of every feature over rows[start..end). From
 * `ws.cellsFrom` rows on, through the cells of the feature groups (one add per row and group
 * instead of per feature; see `marginals`). `gh` holds each row's gradient and hessian side by side
 * (`gh[2i]`, `gh[2i + 1]`): one cache line per row instead of two.
 */
export function buildHistogram(
  hist: Float64Array,
  binned: BinnedTable,
  ws: GrowWorkspace,
  features: Int32Array,
  gh: Float64Array,
  rows: Int32Array,
  start: number,
  end: number,
): void {
  // Most features (or groups) sampled: every one's bins, without the indirection through the list
  // (the extra ones cost less than the indirection). Each path is a function of its own: as one,
  // the first path's loop was compiled on the stack before the other had run, and deoptimised when
  // it did (then recompiled; four compiles in the first fold, `--trace-opt`).
  if (end - start >= ws.cellsFrom && features.length > 1) {
    const cells = ws.cells;
    const groups = ws.groups;
    const ng = groups.count;
    const used = groups.used;
    used.fill(0);
    for (let fi = 0; fi < features.length; fi++) used[groups.groupOf[features[fi]!]!] = 1;
    let m = 0;
    for (let g = 0; g < ng; g++) if (used[g]) groups.list[m++] = g;
    cells.fill(0);
    if (4 * m >= 3 * ng) histogramAll(cells, ws.rowCells, ng, gh, rows, start, end);
    else histogramSome(cells, ws.rowCells, ng, groups.list.subarray(0, m), gh, rows, start, end);
    marginals(cells, hist, ws, features);
    return;
  }
  hist.fill(0);
  const nf = binned.binCount.length;
  if (4 * features.length >= 3 * nf) histogramAll(hist, ws.rowBins, nf, gh, rows, start, end);
  else histogramSome(hist, ws.rowBins, nf, features, gh, rows, start, end);
}

/**
 * Each of `features`' histograms (gradient, hessian and count per bin, at `ws.offsets[f] * 3`) from
 * the cells of its group: the cells' sums by the feature's bin, in cell order. A feature alone in
 * its group has its bins as cells (copied).
 */
export function marginals(
  cells: Float64Array,
  hist: Float64Array,
  ws: GrowWorkspace,
  features: Int32Array,
): void {
  const groups = ws.groups;
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi]!;
    const g = groups.groupOf[f]!;
    const c0 = groups.cellOffsets[g]! * 3;
    const c1 = groups.cellOffsets[g + 1]! * 3;
    const o = ws.offsets[f]! * 3;
    const len = ws.offsets[f + 1]! * 3 - o;
    if (len === c1 - c0) hist.set(cells.subarray(c0, c1), o);
    else {
      hist.fill(0, o, o + len);
      addCells(cells, hist, groups.cellMap, groups.cellMapStart[f]!, c0, c1);
    }
  }
}

function addCells(
  cells: Float64Array,
  hist: Float64Array,
  map: Int32Array,
  at: number,
  c0: number,
  c1: number,
): void {
  // Runs of consecutive cells with the same bin (a group's leading member's bin changes only every
  // few cells) are summed in registers from the bin's value and stored once: the same additions in
  // the same order, without each add waiting on the previous store.
  let b = map[at]!;
  let g = hist[b]!;
  let h = hist[b + 1]!;
  let n = hist[b + 2]!;
  for (let c = c0, k = at; c < c1; c += 3, k++) {
    const x = map[k]!;
    if (x !== b) {
      hist[b] = g;
      hist[b + 1] = h;
      hist[b + 2] = n;
      b = x;
      g = hist[b]!;
      h = hist[b + 1]!;
      n = hist[b + 2]!;
    }
    g += cells[c]!;
    h += cells[c + 1]!;
    n += cells[c + 2]!;
  }
  hist[b] = g;
  hist[b + 1] = h;
  hist[b + 2] = n;
}

/**
 * Every feature's bins (or group's cells), four rows at a time (each bin still adds its rows in
 * order: the four rows' adds to one bin come in row order, and features have bins of their own).
 * When the row count is not a multiple of four, the first group of four starts before `start`: its
 * first slots hold the first row again at weight 0 (it adds +0 or -0 and a count of 0: the same sums
 * bit for bit). One loop and nothing after it: code for left-over rows had no type feedback until a
 * node first had such a count, and V8's compiled loop (on the stack, in the first tree) deoptimised
 * there and was compiled again (`--trace-deopt`, first fold). Four rows instead of two: their loads
 * are independent and overlap (the root of a bank-marketing tree, 26,000 rows: 0.61 -> 0.57 ms).
 */
function histogramAll(
  hist: Float64Array,
  rb: Int32Array,
  nf: number,
  gh: Float64Array,
  rows: Int32Array,
  start: number,
  end: number,
): void {
  for (let k = start - ((4 - ((end - start) & 3)) & 3); k < end; k += 4) {
    // Weight 0 for a slot before `start`, which reads row rows[start] instead.
    const w0 = +(k >= start);
    const w1 = +(k + 1 >= start);
    const w2 = +(k + 2 >= start);
    const i0 = rows[k + (1 - w0) * (start - k)]!;
    const i1 = rows[k + 1 + (1 - w1) * (start - k - 1)]!;
    const i2 = rows[k + 2 + (1 - w2) * (start - k - 2)]!;
    const i3 = rows[k + 3]!;
    const g0 = gh[2 * i0]! * w0;
    const h0 = gh[2 * i0 + 1]! * w0;
    const g1 = gh[2 * i1]! * w1;
    const h1 = gh[2 * i1 + 1]! * w1;
    const g2 = gh[2 * i2]! * w2;
    const h2 = gh[2 * i2 + 1]! * w2;
    const g3 = gh[2 * i3]!;
    const h3 = gh[2 * i3 + 1]!;
    const b0 = i0 * nf;
    const b1 = i1 * nf;
    const b2 = i2 * nf;
    const b3 = i3 * nf;
    for (let f = 0; f < nf; f++) {
      const c0 = rb[b0 + f]!;
      hist[c0]! += g0;
      hist[c0 + 1]! += h0;
      hist[c0 + 2]! += w0;
      const c1 = rb[b1 + f]!;
      hist[c1]! += g1;
      hist[c1 + 1]! += h1;
      hist[c1 + 2]! += w1;
      const c2 = rb[b2 + f]!;
      hist[c2]! += g2;
      hist[c2 + 1]! += h2;
      hist[c2 + 2]! += w2;
      const c3 = rb[b3 + f]!;
      hist[c3]! += g3;
      hist[c3 + 1]! += h3;
      hist[c3 + 2]! += 1;
    }
  }
}

/** The listed features' bins (or groups' cells), also four rows at a time (left-over rows as in histogramAll). */
function histogramSome(
  hist: Float64Array,
  rb: Int32Array,
  nf: number,
  features: Int32Array,
  gh: Float64Array,
  rows: Int32Array,
  start: number,
  end: number,
): void {
  const m = features.length;
  for (let k = start - ((4 - ((end - start) & 3)) & 3); k < end; k += 4) {
    const w0 = +(k >= start);
    const w1 = +(k + 1 >= start);
    const w2 = +(k + 2 >= start);
    const i0 = rows[k + (1 - w0) * (start - k)]!;
    const i1 = rows[k + 1 + (1 - w1) * (start - k - 1)]!;
    const i2 = rows[k + 2 + (1 - w2) * (start - k - 2)]!;
    const i3 = rows[k + 3]!;
    const g0 = gh[2 * i0]! * w0;
    const h0 = gh[2 * i0 + 1]! * w0;
    const g1 = gh[2 * i1]! * w1;
    const h1 = gh[2 * i1 + 1]! * w1;
    const g2 = gh[2 * i2]! * w2;
    const h2 = gh[2 * i2 + 1]! * w2;
    const g3 = gh[2 * i3]!;
    const h3 = gh[2 * i3 + 1]!;
    const b0 = i0 * nf;
    const b1 = i1 * nf;
    const b2 = i2 * nf;
    const b3 = i3 * nf;
    for (let fi = 0; fi < m; fi++) {
      const f = features[fi]!;
      const c0 = rb[b0 + f]!;
      hist[c0]! += g0;
      hist[c0 + 1]! += h0;
      hist[c0 + 2]! += w0;
      const c1 = rb[b1 + f]!;
      hist[c1]! += g1;
      hist[c1 + 1]! += h1;
      hist[c1 + 2]! += w1;
      const c2 = rb[b2 + f]!;
      hist[c2]! += g2;
      hist[c2 + 1]! += h2;
      hist[c2 + 2]! += w2;
      const c3 = rb[b3 + f]!;
      hist[c3]! += g3;
      hist[c3 + 1]! += h3;
      hist[c3 + 2]! += 1;
    }
  }
}

/**
 * The split with the largest gain over all features: numeric bins scanned with missing values
 * tried on both sides; categories ordered by smoothed gradient/hessian and scanned as prefixes.
 */
export function bestSplit(
  hist: Float64Array,
  binned: BinnedTable,
  ws: GrowWorkspace,
  features: Int32Array,
  g: number,
  h: number,
  c: number,
  p: TreeParams,
): Split | null {
  // The best so far in locals; one Split object at the end (an object per improvement was ≈ 40% of
  // what a warm bank-marketing fold allocated, and the minor GCs it caused).
  let bestGain = p.minGain;
  let bestFeature = -1;
  let bestThreshold = 0;
  let bestMissingLeft = false;
  let bestCats: number[] | null = null;
  const l2 = p.l2;
  const parent = (g * g) / (h + l2);
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi]!;
    const nb = binned.binCount[f]!;
    const o = ws.offsets[f]! * 3;
    if (binned.isCategorical[f]) {
      // Categories with too little support here are left out of the ordering (they go right).
      const cats: number[] = [];
      for (let b = 0; b < nb; b++) if (hist[o + b * 3 + 2]! >= p.minCatSupport) cats.push(b);
      if (cats.length < 2) continue;
      const keys = ws.keys;
      for (const b of cats) keys[b] = hist[o + b * 3]! / (hist[o + b * 3 + 1]! + p.catSmooth);
      if (cats.length <= 16) insertionOrder(cats, keys);
      else cats.sort((a, b) => keys[a]! - keys[b]! || a - b);
      const lc = l2 + p.catL2;
      const parentC = (g * g) / (h + lc);
      let gl = 0;
      let hl = 0;
      let cl = 0;
      for (let k = 0; k + 1 < cats.length; k++) {
        const b = o + cats[k]! * 3;
        gl += hist[b]!;
        hl += hist[b + 1]!;
        cl += hist[b + 2]!;
        const cr = c - cl;
        const hr = h - hl;
        if (cl < p.minLeaf || cr < p.minLeaf || hl < p.minHess || hr < p.minHess) continue;
        const gr = g - gl;
        const gain = (gl * gl) / (hl + lc) + (gr * gr) / (hr + lc) - parentC;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestThreshold = k;
          bestMissingLeft = false;
          bestCats = cats;
        }
      }
      if (bestFeature === f && bestCats === cats) bestCats = cats.slice(0, bestThreshold + 1);
      continue;
    }
    const mb = o + (nb - 1) * 3;
    const mg = hist[mb]!;
    const mh = hist[mb + 1]!;
    const mc = hist[mb + 2]!;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b < nb - 1; b++) {
      const x = o + b * 3;
      gl += hist[x]!;
      hl += hist[x + 1]!;
      cl += hist[x + 2]!;
      if (hist[x + 2]! === 0 && b < nb - 2) continue;
      // Missing values to the right.
      let cr = c - cl;
      let hr = h - hl;
      if (cl >= p.minLeaf && cr >= p.minLeaf && hl >= p.minHess && hr >= p.minHess) {
        const gr = g - gl;
        const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parent;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestThreshold = b;
          // With no missing value here, unseen missing values follow the bigger child.
          bestMissingLeft = mc === 0 && cl > cr;
          bestCats = null;
        }
      }
      if (mc === 0 || b === nb - 2) continue;
      // Missing values to the left.
      const gl2 = gl + mg;
      const hl2 = hl + mh;
      const cl2 = cl + mc;
      cr = c - cl2;
      hr = h - hl2;
      if (cl2 >= p.minLeaf && cr >= p.minLeaf && hl2 >= p.minHess && hr >= p.minHess) {
        const gr = g - gl2;
        const gain = (gl2 * gl2) / (hl2 + l2) + (gr * gr) / (hr + l2) - parent;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestThreshold = b;
          bestMissingLeft = true;
          bestCats = null;
        }
      }
    }
  }
  if (bestFeature < 0) return null;
  return {
    gain: bestGain,
    feature: bestFeature,
    threshold: bestThreshold,
    missingLeft: bestMissingLeft,
    catLeft: bestCats,
  };
}

/**
 * Sorts a few categories by key, ties by index: the order of `cats.sort((a, b) => keys[a] - keys[b]
 * || a - b)` (a total order for finite keys), without a comparator call per comparison; most
 * categorical features have a handful of levels with enough rows in a node.
 */
function insertionOrder(cats: number[], keys: Float64Array): void {
  for (let k = 1; k < cats.length; k++) {
    const c = cats[k]!;
    const key = keys[c]!;
    let j = k - 1;
    while (j >= 0 && (keys[cats[j]!]! > key || (keys[cats[j]!]! === key && cats[j]! > c))) {
      cats[j + 1] = cats[j]!;
      j--;
    }
    cats[j + 1] = c;
  }
}

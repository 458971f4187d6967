import type { BinnedTable } from "./binning.ts";

/**
 * A regression tree over bins, in flat arrays (node 0 is the root). Internal nodes: numeric splits
 * send a row left when its bin <= threshold (the missing bin follows `missingLeft`); categorical
 * splits send it left when its bin is in `catLeft`. `value` is the (shrunk) Newton step of every
 * node, internal ones included (used for contributions); `cover` is its hessian sum.
 */
export type Tree = {
  readonly feature: number[];
  readonly threshold: number[];
  readonly missingLeft: number[];
  readonly catLeft: (number[] | null)[];
  readonly left: number[];
  readonly right: number[];
  readonly value: number[];
  readonly cover: number[];
};

export type TreeParams = {
  readonly maxLeaves: number;
  readonly maxDepth: number;
  readonly minLeaf: number;
  readonly minHess: number;
  readonly l2: number;
  /** Extra L2 for categorical splits and smoothing used to order categories (as LightGBM). */
  readonly catL2: number;
  readonly catSmooth: number;
  /** Rows a category needs in a node to take part in a categorical split there. */
  readonly minCatSupport: number;
  readonly learningRate: number;
  readonly minGain: number;
};

type Split = {
  gain: number;
  feature: number;
  threshold: number;
  missingLeft: boolean;
  catLeft: number[] | null;
};

type Leaf = {
  node: number;
  start: number;
  end: number;
  hist: Float64Array;
  g: number;
  h: number;
  depth: number;
  split: Split | null;
};

/** Scratch space reused across the trees of one fit. */
export type GrowWorkspace = {
  readonly offsets: Int32Array;
  /** Row-major copy of the bins (rows × features), already offset into the histogram. */
  readonly rowBins: Int32Array;
  readonly totalBins: number;
  readonly pool: Float64Array[];
  readonly tmp: Int32Array;
  /** Scratch for ordering categories. */
  readonly keys: Float64Array;
};

/** Allocates the workspace for a binned table. */
export function growWorkspace(binned: BinnedTable, maxLeaves: number): GrowWorkspace {
  const nf = binned.binCount.length;
  const offsets = new Int32Array(nf + 1);
  for (let f = 0; f < nf; f++) offsets[f + 1] = offsets[f]! + binned.binCount[f]!;
  const totalBins = offsets[nf]!;
  const pool: Float64Array[] = [];
  for (let i = 0; i < maxLeaves + 1; i++) pool.push(new Float64Array(totalBins * 3));
  const n = binned.rows;
  const rowBins = new Int32Array(n * nf);
  for (let f = 0; f < nf; f++) {
    const base = f * n;
    const o = offsets[f]!;
    for (let i = 0; i < n; i++) rowBins[i * nf + f] = (o + binned.bins[base + i]!) * 3;
  }
  return {
    offsets,
    rowBins,
    totalBins,
    pool,
    tmp: new Int32Array(binned.rows),
    keys: new Float64Array(binned.binCount.reduce((a, b) => Math.max(a, b), 0)),
  };
}

function buildHistogram(
  hist: Float64Array,
  binned: BinnedTable,
  ws: GrowWorkspace,
  features: Int32Array,
  grad: Float64Array,
  hess: Float64Array,
  rows: Int32Array,
  start: number,
  end: number,
): void {
  hist.fill(0);
  const nf = binned.binCount.length;
  const rb = ws.rowBins;
  if (features.length === nf) {
    for (let k = start; k < end; k++) {
      const i = rows[k]!;
      const g = grad[i]!;
      const h = hess[i]!;
      const base = i * nf;
      for (let f = 0; f < nf; f++) {
        const b = rb[base + f]!;
        hist[b]! += g;
        hist[b + 1]! += h;
        hist[b + 2]! += 1;
      }
    }
    return;
  }
  const m = features.length;
  for (let k = start; k < end; k++) {
    const i = rows[k]!;
    const g = grad[i]!;
    const h = hess[i]!;
    const base = i * nf;
    for (let fi = 0; fi < m; fi++) {
      const b = rb[base + features[fi]!]!;
      hist[b]! += g;
      hist[b + 1]! += h;
      hist[b + 2]! += 1;
    }
  }
}

function bestSplit(
  hist: Float64Array,
  binned: BinnedTable,
  ws: GrowWorkspace,
  features: Int32Array,
  g: number,
  h: number,
  c: number,
  p: TreeParams,
): Split | null {
  let best: Split | null = null;
  let bestGain = p.minGain;
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
      cats.sort((a, b) => keys[a]! - keys[b]! || a - b);
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
          best = { gain, feature: f, threshold: k, missingLeft: false, catLeft: cats };
        }
      }
      if (best && best.feature === f && best.catLeft === cats)
        best.catLeft = cats.slice(0, best.threshold + 1);
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
          // With no missing value here, unseen missing values follow the bigger child.
          best = { gain, feature: f, threshold: b, missingLeft: mc === 0 && cl > cr, catLeft: null };
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
          best = { gain, feature: f, threshold: b, missingLeft: true, catLeft: null };
        }
      }
    }
  }
  return best;
}

/** Result of growing one tree: the tree and, per leaf, its range of `rows` and its value. */
export type GrownTree = {
  readonly tree: Tree;
  readonly leafRanges: readonly { readonly start: number; readonly end: number; readonly value: number }[];
};

/**
 * Grows one tree leaf-wise (best gain first) on the rows `rows[0..count)`, which it reorders so that
 * every leaf's rows are contiguous. Histograms of the larger child are the parent's minus the smaller.
 */
export function growTree(
  binned: BinnedTable,
  ws: GrowWorkspace,
  features: Int32Array,
  grad: Float64Array,
  hess: Float64Array,
  rows: Int32Array,
  count: number,
  p: TreeParams,
): GrownTree {
  const tree: Tree = {
    feature: [],
    threshold: [],
    missingLeft: [],
    catLeft: [],
    left: [],
    right: [],
    value: [],
    cover: [],
  };
  const addNode = (g: number, h: number): number => {
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.missingLeft.push(0);
    tree.catLeft.push(null);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push((-g / (h + p.l2)) * p.learningRate);
    tree.cover.push(h);
    return tree.value.length - 1;
  };
  const free = ws.pool.slice();
  const n = binned.rows;
  const bins = binned.bins;
  let G = 0;
  let H = 0;
  for (let k = 0; k < count; k++) {
    G += grad[rows[k]!]!;
    H += hess[rows[k]!]!;
  }
  const rootHist = free.pop()!;
  buildHistogram(rootHist, binned, ws, features, grad, hess, rows, 0, count);
  const splittable = (cnt: number, depth: number) =>
    cnt >= 2 * p.minLeaf && (p.maxDepth <= 0 || depth < p.maxDepth);
  const root: Leaf = {
    node: addNode(G, H),
    start: 0,
    end: count,
    hist: rootHist,
    g: G,
    h: H,
    depth: 0,
    split: null,
  };
  root.split = splittable(count, 0) ? bestSplit(rootHist, binned, ws, features, G, H, count, p) : null;
  const open: Leaf[] = [root];
  const done: Leaf[] = [];
  let leaves = 1;
  while (leaves < p.maxLeaves) {
    let bi = -1;
    for (let i = 0; i < open.length; i++) {
      const s = open[i]!.split;
      if (s && (bi < 0 || s.gain > open[bi]!.split!.gain)) bi = i;
    }
    if (bi < 0) break;
    const leaf = open[bi]!;
    open.splice(bi, 1);
    const s = leaf.split!;
    const f = s.feature;
    const base = f * n;
    const missingBin = binned.binCount[f]! - 1;
    let mask: Uint8Array | null = null;
    if (s.catLeft) {
      mask = new Uint8Array(binned.binCount[f]!);
      for (const b of s.catLeft) mask[b] = 1;
    }
    // Stable partition of rows[start..end): left rows first.
    let wl = leaf.start;
    let wr = 0;
    const tmp = ws.tmp;
    for (let k = leaf.start; k < leaf.end; k++) {
      const i = rows[k]!;
      const b = bins[base + i]!;
      const goLeft = mask ? mask[b] === 1 : b === missingBin ? s.missingLeft : b <= s.threshold;
      if (goLeft) rows[wl++] = i;
      else tmp[wr++] = i;
    }
    rows.set(tmp.subarray(0, wr), wl);
    const mid = wl;
    const nl = mid - leaf.start;
    const nr = leaf.end - mid;
    const leftSmaller = nl <= nr;
    const small = free.pop()!;
    const parentHist = leaf.hist;
    if (leftSmaller) buildHistogram(small, binned, ws, features, grad, hess, rows, leaf.start, mid);
    else buildHistogram(small, binned, ws, features, grad, hess, rows, mid, leaf.end);
    const len = ws.totalBins * 3;
    for (let k = 0; k < len; k++) parentHist[k]! -= small[k]!;
    // The smaller child's totals from its histogram (any one feature's bins sum to them).
    const f0 = ws.offsets[features[0]!]! * 3;
    const f1 = ws.offsets[features[0]! + 1]! * 3;
    let gs = 0;
    let hs = 0;
    for (let k = f0; k < f1; k += 3) {
      gs += small[k]!;
      hs += small[k + 1]!;
    }
    const gl = leftSmaller ? gs : leaf.g - gs;
    const hl = leftSmaller ? hs : leaf.h - hs;
    const lh = leftSmaller ? small : parentHist;
    const rh = leftSmaller ? parentHist : small;
    const node = leaf.node;
    tree.feature[node] = f;
    tree.threshold[node] = s.catLeft ? -1 : s.threshold;
    tree.missingLeft[node] = s.missingLeft ? 1 : 0;
    tree.catLeft[node] = s.catLeft ? s.catLeft.slice().sort((a, b) => a - b) : null;
    const gr = leaf.g - gl;
    const hr = leaf.h - hl;
    const d = leaf.depth + 1;
    const L: Leaf = {
      node: addNode(gl, hl),
      start: leaf.start,
      end: mid,
      hist: lh,
      g: gl,
      h: hl,
      depth: d,
      split: null,
    };
    const R: Leaf = {
      node: addNode(gr, hr),
      start: mid,
      end: leaf.end,
      hist: rh,
      g: gr,
      h: hr,
      depth: d,
      split: null,
    };
    tree.left[node] = L.node;
    tree.right[node] = R.node;
    leaves++;
    for (const child of [L, R]) {
      const cnt = child.end - child.start;
      child.split =
        leaves < p.maxLeaves && splittable(cnt, d)
          ? bestSplit(child.hist, binned, ws, features, child.g, child.h, cnt, p)
          : null;
      if (child.split) open.push(child);
      else {
        free.push(child.hist);
        done.push(child);
      }
    }
  }
  const leafRanges = [...open, ...done].map((l) => ({
    start: l.start,
    end: l.end,
    value: tree.value[l.node]!,
  }));
  return { tree, leafRanges };
}

const maskCache = new WeakMap<Tree, (Uint8Array | null)[]>();

/** Per node, a membership mask of the bins a categorical split sends left (built once per tree). */
export function categoryMasks(tree: Tree): (Uint8Array | null)[] {
  let masks = maskCache.get(tree);
  if (!masks) {
    masks = tree.catLeft.map((cats) => {
      if (!cats) return null;
      const m = new Uint8Array(cats.reduce((a, b) => Math.max(a, b), 0) + 1);
      for (const b of cats) m[b] = 1;
      return m;
    });
    maskCache.set(tree, masks);
  }
  return masks;
}

/** Whether a row with bin `b` (of `binCount` bins) goes left at an internal node. */
export function goesLeft(
  tree: Tree,
  masks: (Uint8Array | null)[],
  node: number,
  b: number,
  binCount: number,
): boolean {
  const m = masks[node];
  if (m) return b < m.length && m[b] === 1;
  if (b === binCount - 1) return tree.missingLeft[node] === 1;
  return b <= tree.threshold[node]!;
}

/** The leaf a binned row falls in. */
export function leafOf(tree: Tree, binned: BinnedTable, row: number): number {
  return leafWithMasks(tree, categoryMasks(tree), binned, row);
}

/** The leaf a binned row falls in, with the tree's category masks at hand. */
export function leafWithMasks(
  tree: Tree,
  masks: (Uint8Array | null)[],
  binned: BinnedTable,
  row: number,
): number {
  let node = 0;
  const n = binned.rows;
  while (tree.feature[node]! >= 0) {
    const f = tree.feature[node]!;
    const b = binned.bins[f * n + row]!;
    const cats = masks[node];
    let goLeft: boolean;
    if (cats) goLeft = b < cats.length && cats[b] === 1;
    else if (b === binned.binCount[f]! - 1) goLeft = tree.missingLeft[node] === 1;
    else goLeft = b <= tree.threshold[node]!;
    node = goLeft ? tree.left[node]! : tree.right[node]!;
  }
  return node;
}

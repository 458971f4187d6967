import type { BinnedTable } from "./binning.ts";
import { bestSplit, buildHistogram, type Split } from "./split-finder.ts";

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
  /** Features are bundled into groups whose bins' product is small (see `bundle`); cells per group. */
  readonly groups: FeatureGroups;
  /** Row-major copy of each row's cell per group (rows × groups), already offset into `cells`. */
  readonly rowCells: Int32Array;
  /** Scratch: gradient, hessian and row count per cell of the groups. */
  readonly cells: Float64Array;
  /**
   * From this many rows on a node's histogram is summed over the groups' cells (then by feature);
   * below, over the features' bins directly (summing the cells by feature costs more than it saves).
   */
  readonly cellsFrom: number;
  readonly totalBins: number;
  /** Per-feature histograms (gradient, hessian, count per bin), one per open leaf. */
  readonly pool: Float64Array[];
  readonly tmp: Int32Array;
  /** Scratch for ordering categories. */
  readonly keys: Float64Array;
  /** Scratch: 1 when a bin goes left at the split being applied. */
  readonly goLeft: Uint8Array;
  /** Scratch for the nodes of the tree being grown (copied into the tree's arrays at the end). */
  readonly nodes: NodeScratch;
};

/**
 * Features bundled for the histograms: a group's cell is the combination of its members' bins, so a
 * row adds to one cell per group instead of one bin per feature; a feature's histogram is the sum
 * of its group's cells by its own bin (`marginals`).
 */
export type FeatureGroups = {
  readonly count: number;
  /** Group of each feature. */
  readonly groupOf: Int32Array;
  /** First cell of each group (and the total after the last). */
  readonly cellOffsets: Int32Array;
  /** Per feature, from `cellMapStart[f]`: for each cell of its group, the index of its bin's slot in a feature histogram. */
  readonly cellMap: Int32Array;
  readonly cellMapStart: Int32Array;
  /** Scratch: which groups a tree's features touch, and their list. */
  readonly used: Uint8Array;
  readonly list: Int32Array;
};

/** Cells (product of the members' bin counts) a group may have. */
export const GROUP_CELLS = 256;

/**
 * Groups features so that each group's product of bin counts stays within `limit`: first fit, the
 * features by decreasing bin count (ties by index), members in index order. Deterministic.
 */
export function bundle(binCount: Int32Array, limit: number): number[][] {
  const nf = binCount.length;
  const order = Array.from({ length: nf }, (_, f) => f).sort((a, b) => binCount[b]! - binCount[a]! || a - b);
  const groups: { members: number[]; cells: number }[] = [];
  for (const f of order) {
    const nb = binCount[f]!;
    const g = groups.find((x) => x.cells * nb <= limit);
    if (g) {
      g.members.push(f);
      g.cells *= nb;
    } else groups.push({ members: [f], cells: nb });
  }
  return groups.map((g) => g.members.sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
}

/** A tree's node fields while it grows, one slot per node (at most 2 × leaves − 1). */
export type NodeScratch = {
  readonly feature: Int32Array;
  readonly threshold: Int32Array;
  readonly missingLeft: Int32Array;
  readonly catLeft: (number[] | null)[];
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly cover: Float64Array;
};

/** Allocates the workspace for a binned table. */
export function growWorkspace(
  binned: BinnedTable,
  maxLeaves: number,
  cellLimit = GROUP_CELLS,
): GrowWorkspace {
  const nf = binned.binCount.length;
  const offsets = new Int32Array(nf + 1);
  for (let f = 0; f < nf; f++) offsets[f + 1] = offsets[f]! + binned.binCount[f]!;
  const totalBins = offsets[nf]!;
  const members = bundle(binned.binCount, cellLimit);
  const ng = members.length;
  const groupOf = new Int32Array(nf);
  const cellOffsets = new Int32Array(ng + 1);
  for (let g = 0; g < ng; g++) {
    let cells = 1;
    for (const f of members[g]!) {
      groupOf[f] = g;
      cells *= binned.binCount[f]!;
    }
    cellOffsets[g + 1] = cellOffsets[g]! + cells;
  }
  const totalCells = cellOffsets[ng]!;
  // A cell's index within its group: the members' bins in mixed radix, the first member most significant.
  const cellMapStart = new Int32Array(nf + 1);
  for (let f = 0; f < nf; f++) {
    const g = groupOf[f]!;
    cellMapStart[f + 1] = cellMapStart[f]! + cellOffsets[g + 1]! - cellOffsets[g]!;
  }
  const cellMap = new Int32Array(cellMapStart[nf]!);
  for (let g = 0; g < ng; g++) {
    const ms = members[g]!;
    const cells = cellOffsets[g + 1]! - cellOffsets[g]!;
    let stride = cells;
    for (const f of ms) {
      const nb = binned.binCount[f]!;
      stride /= nb;
      for (let c = 0; c < cells; c++) {
        cellMap[cellMapStart[f]! + c] = (offsets[f]! + (Math.floor(c / stride) % nb)) * 3;
      }
    }
  }
  const pool: Float64Array[] = [];
  for (let i = 0; i < maxLeaves + 1; i++) pool.push(new Float64Array(totalBins * 3));
  const n = binned.rows;
  const rowBins = new Int32Array(n * nf);
  for (let f = 0; f < nf; f++) featureBins(rowBins, binned, f, offsets[f]!);
  const rowCells = new Int32Array(n * ng);
  for (let g = 0; g < ng; g++) cellsOfGroup(rowCells, binned, members[g]!, g, ng, cellOffsets[g]!);
  const groups = new Groups(ng, groupOf, cellOffsets, cellMap, cellMapStart);
  // Per row, the cells save (features - groups) adds; per node they cost a pass over the cells to
  // zero them and one per member feature to sum them by its bins.
  const cellsFrom =
    nf > ng ? Math.ceil((totalCells + cellMapStart[nf]!) / (nf - ng)) : Number.POSITIVE_INFINITY;
  const widest = binned.binCount.reduce((a, b) => Math.max(a, b), 0);
  return new Workspace(
    offsets,
    rowBins,
    groups,
    rowCells,
    new Float64Array(totalCells * 3),
    cellsFrom,
    totalBins,
    pool,
    new Int32Array(n),
    widest,
    2 * maxLeaves,
  );
}

/** Feature `f`'s bin of every row (offset into a histogram) into `rowBins[i * nf + f]`. */
function featureBins(rowBins: Int32Array, binned: BinnedTable, f: number, first: number): void {
  const n = binned.rows;
  const nf = binned.binCount.length;
  const base = f * n;
  for (let i = 0; i < n; i++) rowBins[i * nf + f] = (first + binned.bins[base + i]!) * 3;
}

/** Each row's cell of group `g` (offset into a cell histogram) into `rowCells[i * ng + g]`. */
function cellsOfGroup(
  rowCells: Int32Array,
  binned: BinnedTable,
  members: readonly number[],
  g: number,
  ng: number,
  first: number,
): void {
  const n = binned.rows;
  const bins = binned.bins;
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let m = 0; m < members.length; m++) {
      const f = members[m]!;
      c = c * binned.binCount[f]! + bins[f * n + i]!;
    }
    rowCells[i * ng + g] = (first + c) * 3;
  }
}

/** (A class for the reason given at `Workspace`.) */
class Groups implements FeatureGroups {
  readonly count: number;
  readonly groupOf: Int32Array;
  readonly cellOffsets: Int32Array;
  readonly cellMap: Int32Array;
  readonly cellMapStart: Int32Array;
  readonly used: Uint8Array;
  readonly list: Int32Array;
  constructor(
    count: number,
    groupOf: Int32Array,
    cellOffsets: Int32Array,
    cellMap: Int32Array,
    cellMapStart: Int32Array,
  ) {
    this.count = count;
    this.groupOf = groupOf;
    this.cellOffsets = cellOffsets;
    this.cellMap = cellMap;
    this.cellMapStart = cellMapStart;
    this.used = new Uint8Array(count);
    this.list = new Int32Array(count);
  }
}

/**
 * The workspace made by a constructor, not an object literal: once per fit, a literal's second run
 * (the next fit) made V8 turn the shape's const fields mutable and deoptimise the tree grower, split
 * finder and histogram code that read them (see `Binned` in binning.ts).
 */
class Workspace implements GrowWorkspace {
  readonly offsets: Int32Array;
  readonly rowBins: Int32Array;
  readonly groups: FeatureGroups;
  readonly rowCells: Int32Array;
  readonly cells: Float64Array;
  readonly cellsFrom: number;
  readonly totalBins: number;
  readonly pool: Float64Array[];
  readonly tmp: Int32Array;
  readonly keys: Float64Array;
  readonly goLeft: Uint8Array;
  readonly nodes: NodeScratch;
  constructor(
    offsets: Int32Array,
    rowBins: Int32Array,
    groups: FeatureGroups,
    rowCells: Int32Array,
    cells: Float64Array,
    cellsFrom: number,
    totalBins: number,
    pool: Float64Array[],
    tmp: Int32Array,
    widest: number,
    maxNodes: number,
  ) {
    this.offsets = offsets;
    this.rowBins = rowBins;
    this.groups = groups;
    this.rowCells = rowCells;
    this.cells = cells;
    this.cellsFrom = cellsFrom;
    this.totalBins = totalBins;
    this.pool = pool;
    this.tmp = tmp;
    this.keys = new Float64Array(widest);
    this.goLeft = new Uint8Array(widest);
    this.nodes = new Nodes(maxNodes);
  }
}

class Nodes implements NodeScratch {
  readonly feature: Int32Array;
  readonly threshold: Int32Array;
  readonly missingLeft: Int32Array;
  readonly catLeft: (number[] | null)[];
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly cover: Float64Array;
  constructor(size: number) {
    this.feature = new Int32Array(size);
    this.threshold = new Int32Array(size);
    this.missingLeft = new Int32Array(size);
    this.catLeft = new Array<number[] | null>(size).fill(null);
    this.left = new Int32Array(size);
    this.right = new Int32Array(size);
    this.value = new Float64Array(size);
    this.cover = new Float64Array(size);
  }
}

/** Result of growing one tree: the tree and, per leaf, its range of `rows` and its value. */
export type GrownTree = {
  readonly tree: Tree;
  readonly leafRanges: readonly { readonly start: number; readonly end: number; readonly value: number }[];
};

/** Sum of every row's gradient (`at` 0) or hessian (`at` 1) over rows[0..count). */
function sumOf(gh: Float64Array, rows: Int32Array, count: number, at: number): number {
  let s = 0;
  for (let k = 0; k < count; k++) s += gh[2 * rows[k]! + at]!;
  return s;
}

/**
 * Stable partition of rows[start..end) by the bin lookup `lut` (1 = left), branch-free: every row
 * is written to both sides and only the side it belongs to advances. Returns where the right part
 * starts.
 */
export function partition(
  rows: Int32Array,
  tmp: Int32Array,
  bins: Uint16Array,
  base: number,
  lut: Uint8Array,
  start: number,
  end: number,
): number {
  const wl = splitRows(rows, tmp, bins, base, lut, start, end);
  rows.set(tmp.subarray(0, end - wl), wl);
  return wl;
}

/**
 * partition's loop: the left rows in place from `start`, the right ones into `tmp`; returns the end
 * of the left part. Nothing but the return after the loop: V8 compiles the loop on the stack in the
 * first tree, and the copy that followed it had no type feedback yet, so that code was thrown away
 * at its first call and compiled again (`--trace-deopt`, first fold).
 */
function splitRows(
  rows: Int32Array,
  tmp: Int32Array,
  bins: Uint16Array,
  base: number,
  lut: Uint8Array,
  start: number,
  end: number,
): number {
  let wl = start;
  let wr = 0;
  let k = start;
  // The first (end - start) mod 8 rows one at a time, then eight at a time in order: the rows' loads
  // are independent, so they overlap (a tree of bank-marketing grown in isolation: one row at a time
  // 1.63 ms, four 1.39-1.41, eight 1.33-1.34).
  for (; k < start + ((end - start) & 7); k++) {
    const i = rows[k]!;
    const l = lut[bins[base + i]!]!;
    rows[wl] = i;
    tmp[wr] = i;
    wl += l;
    wr += 1 - l;
  }
  for (; k < end; k += 8) {
    const i0 = rows[k + 0]!;
    const i1 = rows[k + 1]!;
    const i2 = rows[k + 2]!;
    const i3 = rows[k + 3]!;
    const i4 = rows[k + 4]!;
    const i5 = rows[k + 5]!;
    const i6 = rows[k + 6]!;
    const i7 = rows[k + 7]!;
    const l0 = lut[bins[base + i0]!]!;
    const l1 = lut[bins[base + i1]!]!;
    const l2 = lut[bins[base + i2]!]!;
    const l3 = lut[bins[base + i3]!]!;
    const l4 = lut[bins[base + i4]!]!;
    const l5 = lut[bins[base + i5]!]!;
    const l6 = lut[bins[base + i6]!]!;
    const l7 = lut[bins[base + i7]!]!;
    rows[wl] = i0;
    tmp[wr] = i0;
    wl += l0;
    wr += 1 - l0;
    rows[wl] = i1;
    tmp[wr] = i1;
    wl += l1;
    wr += 1 - l1;
    rows[wl] = i2;
    tmp[wr] = i2;
    wl += l2;
    wr += 1 - l2;
    rows[wl] = i3;
    tmp[wr] = i3;
    wl += l3;
    wr += 1 - l3;
    rows[wl] = i4;
    tmp[wr] = i4;
    wl += l4;
    wr += 1 - l4;
    rows[wl] = i5;
    tmp[wr] = i5;
    wl += l5;
    wr += 1 - l5;
    rows[wl] = i6;
    tmp[wr] = i6;
    wl += l6;
    wr += 1 - l6;
    rows[wl] = i7;
    tmp[wr] = i7;
    wl += l7;
    wr += 1 - l7;
  }
  return wl;
}

function subtract(parent: Float64Array, child: Float64Array, len: number): void {
  for (let k = 0; k < len; k++) parent[k]! -= child[k]!;
}

/** Finds a new child's best split (when it may still split); true when it has one. */
function settle(
  child: Leaf,
  leaves: number,
  binned: BinnedTable,
  ws: GrowWorkspace,
  features: Int32Array,
  p: TreeParams,
): boolean {
  const cnt = child.end - child.start;
  child.split =
    leaves < p.maxLeaves && cnt >= 2 * p.minLeaf && (p.maxDepth <= 0 || child.depth < p.maxDepth)
      ? bestSplit(child.hist, binned, ws, features, child.g, child.h, cnt, p)
      : null;
  return child.split !== null;
}

/** Every leaf's row range and value, open leaves first. */
function rangesOf(tree: Tree, open: readonly Leaf[], done: readonly Leaf[]): GrownTree["leafRanges"] {
  const out: { start: number; end: number; value: number }[] = [];
  for (let i = 0; i < open.length; i++) {
    const l = open[i]!;
    out.push({ start: l.start, end: l.end, value: tree.value[l.node]! });
  }
  for (let i = 0; i < done.length; i++) {
    const l = done[i]!;
    out.push({ start: l.start, end: l.end, value: tree.value[l.node]! });
  }
  return out;
}

/** Starts node `k` as a leaf with the shrunk Newton step of its gradient sums. */
function addNode(nodes: NodeScratch, k: number, g: number, h: number, p: TreeParams): number {
  nodes.feature[k] = -1;
  nodes.threshold[k] = 0;
  nodes.missingLeft[k] = 0;
  nodes.catLeft[k] = null;
  nodes.left[k] = -1;
  nodes.right[k] = -1;
  nodes.value[k] = (-g / (h + p.l2)) * p.learningRate;
  nodes.cover[k] = h;
  return k;
}

/** The first `nn` nodes of the scratch as a tree (plain arrays, as stored in model files). */
function treeOf(nodes: NodeScratch, nn: number): Tree {
  return {
    feature: Array.from(nodes.feature.subarray(0, nn)),
    threshold: Array.from(nodes.threshold.subarray(0, nn)),
    missingLeft: Array.from(nodes.missingLeft.subarray(0, nn)),
    catLeft: nodes.catLeft.slice(0, nn),
    left: Array.from(nodes.left.subarray(0, nn)),
    right: Array.from(nodes.right.subarray(0, nn)),
    value: Array.from(nodes.value.subarray(0, nn)),
    cover: Array.from(nodes.cover.subarray(0, nn)),
  };
}

/**
 * Grows one tree leaf-wise (best gain first) on the rows `rows[0..count)`, which it reorders so that
 * every leaf's rows are contiguous. Histograms of the larger child are the parent's minus the smaller.
 * `G` and `H` are the rows' gradient and hessian sums (in row order) when the caller has them.
 */
export function growTree(
  binned: BinnedTable,
  ws: GrowWorkspace,
  features: Int32Array,
  gh: Float64Array,
  rows: Int32Array,
  count: number,
  p: TreeParams,
  G: number = sumOf(gh, rows, count, 0),
  H: number = sumOf(gh, rows, count, 1),
): GrownTree {
  // Nodes are written into the workspace's typed scratch and copied into the tree's arrays once at
  // the end: eight pushes at three call sites made growTree's optimised compile several times bigger.
  const nodes = ws.nodes;
  let nn = 0;
  const free = ws.pool.slice();
  const n = binned.rows;
  const bins = binned.bins;
  const rootHist = free.pop()!;
  buildHistogram(rootHist, binned, ws, features, gh, rows, 0, count);
  const splittable = (cnt: number, depth: number) =>
    cnt >= 2 * p.minLeaf && (p.maxDepth <= 0 || depth < p.maxDepth);
  const root: Leaf = {
    node: addNode(nodes, nn++, G, H, p),
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
    // Which way each bin goes, then a stable partition of the leaf's rows by it. The loops over rows
    // are small functions of their own: growTree is compiled once with full type feedback instead of
    // being compiled on the stack in its first call and recompiled as the other paths turn up.
    const nb = binned.binCount[f]!;
    const lut = ws.goLeft;
    if (s.catLeft) {
      lut.fill(0, 0, nb);
      for (const b of s.catLeft) lut[b] = 1;
    } else {
      for (let b = 0; b < nb - 1; b++) lut[b] = b <= s.threshold ? 1 : 0;
      lut[nb - 1] = s.missingLeft ? 1 : 0;
    }
    const mid = partition(rows, ws.tmp, bins, base, lut, leaf.start, leaf.end);
    const nl = mid - leaf.start;
    const nr = leaf.end - mid;
    const leftSmaller = nl <= nr;
    const small = free.pop()!;
    const parentHist = leaf.hist;
    const d = leaf.depth + 1;
    // When neither child will be split (the last leaf, or too few rows), only the totals are needed:
    // the first feature's bins alone give them, summed in the same order as a full histogram would.
    const grows = leaves + 1 < p.maxLeaves && (splittable(nl, d) || splittable(nr, d));
    const histFeatures = grows ? features : features.subarray(0, 1);
    if (leftSmaller) buildHistogram(small, binned, ws, histFeatures, gh, rows, leaf.start, mid);
    else buildHistogram(small, binned, ws, histFeatures, gh, rows, mid, leaf.end);
    if (grows) subtract(parentHist, small, ws.totalBins * 3);
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
    nodes.feature[node] = f;
    nodes.threshold[node] = s.catLeft ? -1 : s.threshold;
    nodes.missingLeft[node] = s.missingLeft ? 1 : 0;
    nodes.catLeft[node] = s.catLeft ? s.catLeft.slice().sort((a, b) => a - b) : null;
    const gr = leaf.g - gl;
    const hr = leaf.h - hl;
    const L: Leaf = {
      node: addNode(nodes, nn++, gl, hl, p),
      start: leaf.start,
      end: mid,
      hist: lh,
      g: gl,
      h: hl,
      depth: d,
      split: null,
    };
    const R: Leaf = {
      node: addNode(nodes, nn++, gr, hr, p),
      start: mid,
      end: leaf.end,
      hist: rh,
      g: gr,
      h: hr,
      depth: d,
      split: null,
    };
    nodes.left[node] = L.node;
    nodes.right[node] = R.node;
    leaves++;
    if (settle(L, leaves, binned, ws, features, p)) open.push(L);
    else {
      free.push(L.hist);
      done.push(L);
    }
    if (settle(R, leaves, binned, ws, features, p)) open.push(R);
    else {
      free.push(R.hist);
      done.push(R);
    }
  }
  const tree = treeOf(nodes, nn);
  return { tree, leafRanges: rangesOf(tree, open, done) };
}

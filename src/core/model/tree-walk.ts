import type { BinnedTable } from "./binning.ts";
import type { Tree } from "./tree.ts";

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

/**
 * A tree laid out for walking many rows at once: per node, the next node for each bin of its
 * feature (`next[lutOff[node] + bin]`), leaves pointing to themselves, so that every row takes the
 * same number of steps (at most `depth`, the deepest leaf's) and a step has no branch. Built once per
 * tree.
 */
export type WalkPlan = {
  readonly feature: Int32Array;
  readonly lutOff: Int32Array;
  readonly next: Int32Array;
  /** 1 for a leaf. */
  readonly isLeaf: Uint8Array;
  /** The shallowest and the deepest leaf's depth. */
  readonly minDepth: number;
  readonly depth: number;
};

const planCache = new WeakMap<Tree, WalkPlan>();

/** The tree's walk plan for its binning's bin counts (cached per tree). */
export function walkPlan(tree: Tree, binCount: Int32Array): WalkPlan {
  let plan = planCache.get(tree);
  if (!plan) {
    plan = makePlan(tree, binCount, categoryMasks(tree));
    planCache.set(tree, plan);
  }
  return plan;
}

function makePlan(tree: Tree, binCount: Int32Array, masks: (Uint8Array | null)[]): WalkPlan {
  const nn = tree.feature.length;
  let widest = 1;
  for (let f = 0; f < binCount.length; f++) widest = Math.max(widest, binCount[f]!);
  const lutOff = new Int32Array(nn);
  const feature = new Int32Array(nn);
  let size = 0;
  for (let k = 0; k < nn; k++) {
    lutOff[k] = size;
    const f = tree.feature[k]!;
    size += f >= 0 ? binCount[f]! : widest;
  }
  const next = new Int32Array(size);
  const isLeaf = new Uint8Array(nn);
  for (let k = 0; k < nn; k++) {
    const f = tree.feature[k]!;
    const o = lutOff[k]!;
    if (f < 0) {
      isLeaf[k] = 1;
      // A leaf: any bin of column 0 (fewer than `widest`) leads back to it.
      next.fill(k, o, o + widest);
      continue;
    }
    feature[k] = f;
    const nb = binCount[f]!;
    for (let b = 0; b < nb; b++)
      next[o + b] = goesLeft(tree, masks, k, b, nb) ? tree.left[k]! : tree.right[k]!;
  }
  // The shallowest and the deepest leaf's depth, by walking down from the root.
  let depth = 0;
  let minDepth = nn;
  const stack: number[] = [0, 0];
  while (stack.length > 0) {
    const d = stack.pop()!;
    const k = stack.pop()!;
    if (tree.feature[k]! < 0) {
      depth = Math.max(depth, d);
      minDepth = Math.min(minDepth, d);
    } else stack.push(tree.left[k]!, d + 1, tree.right[k]!, d + 1);
  }
  return { feature, lutOff, next, isLeaf, minDepth, depth };
}

/**
 * The leaf of each of rows[0..count) in `leaf[0..count)`. Eight rows go down the tree together,
 * one step each in turn, until all eight are in leaves (a leaf steps to itself; checked from the
 * shallowest leaf's depth on): the steps have no branches to mispredict and eight independent chains
 * of loads keep the core busy, where a row walked alone waits on each level's loads or on a
 * mispredicted branch (bank-marketing's test rows under one fold's final trees: 17.3 -> 6.7 ms).
 */
export function leavesOf(
  plan: WalkPlan,
  binned: BinnedTable,
  rows: Int32Array,
  count: number,
  leaf: Int32Array,
): void {
  const n = binned.rows;
  const bins = binned.bins;
  const nn = plan.feature.length;
  const col = new Int32Array(nn);
  for (let k = 0; k < nn; k++) col[k] = plan.feature[k]! * n;
  const full = count - (count & 7);
  walkRows(plan.lutOff, plan.next, plan.isLeaf, col, plan.minDepth, plan.depth, bins, rows, full, leaf);
  walkTail(plan.lutOff, plan.next, col, plan.depth, bins, rows, full, count, leaf);
}

function walkRows(
  lutOff: Int32Array,
  next: Int32Array,
  isLeaf: Uint8Array,
  col: Int32Array,
  minDepth: number,
  depth: number,
  bins: Uint16Array,
  rows: Int32Array,
  count: number,
  leaf: Int32Array,
): void {
  // (count is a multiple of eight; nothing after the loop, see `splitRows` in tree.ts.)
  for (let k = 0; k < count; k += 8) {
    const r0 = rows[k]!;
    const r1 = rows[k + 1]!;
    const r2 = rows[k + 2]!;
    const r3 = rows[k + 3]!;
    const r4 = rows[k + 4]!;
    const r5 = rows[k + 5]!;
    const r6 = rows[k + 6]!;
    const r7 = rows[k + 7]!;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let a4 = 0;
    let a5 = 0;
    let a6 = 0;
    let a7 = 0;
    for (let d = 0; d < depth; d++) {
      if (
        d >= minDepth &&
        isLeaf[a0]! &
          isLeaf[a1]! &
          isLeaf[a2]! &
          isLeaf[a3]! &
          isLeaf[a4]! &
          isLeaf[a5]! &
          isLeaf[a6]! &
          isLeaf[a7]!
      )
        break;
      a0 = next[lutOff[a0]! + bins[col[a0]! + r0]!]!;
      a1 = next[lutOff[a1]! + bins[col[a1]! + r1]!]!;
      a2 = next[lutOff[a2]! + bins[col[a2]! + r2]!]!;
      a3 = next[lutOff[a3]! + bins[col[a3]! + r3]!]!;
      a4 = next[lutOff[a4]! + bins[col[a4]! + r4]!]!;
      a5 = next[lutOff[a5]! + bins[col[a5]! + r5]!]!;
      a6 = next[lutOff[a6]! + bins[col[a6]! + r6]!]!;
      a7 = next[lutOff[a7]! + bins[col[a7]! + r7]!]!;
    }
    leaf[k] = a0;
    leaf[k + 1] = a1;
    leaf[k + 2] = a2;
    leaf[k + 3] = a3;
    leaf[k + 4] = a4;
    leaf[k + 5] = a5;
    leaf[k + 6] = a6;
    leaf[k + 7] = a7;
  }
}

/** Rows from `from` to `count` (fewer than eight) one at a time, the same steps. */
function walkTail(
  lutOff: Int32Array,
  next: Int32Array,
  col: Int32Array,
  depth: number,
  bins: Uint16Array,
  rows: Int32Array,
  from: number,
  count: number,
  leaf: Int32Array,
): void {
  for (let k = from; k < count; k++) {
    const r = rows[k]!;
    let a = 0;
    for (let d = 0; d < depth; d++) a = next[lutOff[a]! + bins[col[a]! + r]!]!;
    leaf[k] = a;
  }
}

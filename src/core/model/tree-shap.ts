import type { BinnedTable } from "./binning.ts";
import type { Tree } from "./tree.ts";
import { categoryMasks, goesLeft } from "./tree-walk.ts";

/**
 * Exact TreeSHAP (Lundberg, Erion & Lee 2018, "Consistent individualized feature attribution for
 * tree ensembles", Algorithm 2): the Shapley values of one row's prediction by one tree, where the
 * value of a feature subset S is the tree's expectation with the features in S fixed to the row's
 * values and the others averaged out by the training cover (hessian sums) of each branch. Polynomial:
 * O(leaves × depth²) per row and tree, instead of the 2^features subsets of the definition.
 *
 * `Σ_j φ_j = f(x) − E[f]`, with `E[f]` the cover-weighted mean of the leaf values (`treeExpectation`).
 */

/** Scratch for the unique-path stacks of one tree depth (reused across rows and trees). */
export type ShapScratch = {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  weight: Float64Array;
};

/** Scratch large enough for trees of depth up to `depth`. */
export function shapScratch(depth: number): ShapScratch {
  // One path of at most depth + 2 elements per recursion level, depth + 2 levels.
  const size = ((depth + 2) * (depth + 3)) / 2 + 1;
  return {
    feature: new Int32Array(size),
    zero: new Float64Array(size),
    one: new Float64Array(size),
    weight: new Float64Array(size),
  };
}

/** Depth of a tree (a lone leaf has depth 0). */
export function treeDepth(tree: Tree): number {
  let best = 0;
  const stack: number[] = [0, 0];
  while (stack.length > 0) {
    const d = stack.pop()!;
    const node = stack.pop()!;
    if (tree.feature[node]! < 0) {
      if (d > best) best = d;
      continue;
    }
    stack.push(tree.left[node]!, d + 1, tree.right[node]!, d + 1);
  }
  return best;
}

/** The tree's expectation: leaf values weighted by the share of training cover that reaches them. */
export function treeExpectation(tree: Tree, node = 0): number {
  if (tree.feature[node]! < 0) return tree.value[node]!;
  const c = tree.cover[node]!;
  const l = tree.left[node]!;
  const r = tree.right[node]!;
  if (!(c > 0)) return 0.5 * (treeExpectation(tree, l) + treeExpectation(tree, r));
  return (tree.cover[l]! / c) * treeExpectation(tree, l) + (tree.cover[r]! / c) * treeExpectation(tree, r);
}

function extend(s: ShapScratch, at: number, depth: number, zero: number, one: number, feature: number): void {
  const { weight: w } = s;
  s.feature[at + depth] = feature;
  s.zero[at + depth] = zero;
  s.one[at + depth] = one;
  w[at + depth] = depth === 0 ? 1 : 0;
  for (let i = depth - 1; i >= 0; i--) {
    w[at + i + 1]! += (one * w[at + i]! * (i + 1)) / (depth + 1);
    w[at + i] = (zero * w[at + i]! * (depth - i)) / (depth + 1);
  }
}

function unwind(s: ShapScratch, at: number, depth: number, index: number): void {
  const { weight: w } = s;
  const one = s.one[at + index]!;
  const zero = s.zero[at + index]!;
  let next = w[at + depth]!;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const t = w[at + i]!;
      w[at + i] = (next * (depth + 1)) / ((i + 1) * one);
      next = t - (w[at + i]! * zero * (depth - i)) / (depth + 1);
    } else {
      w[at + i] = (w[at + i]! * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = index; i < depth; i++) {
    s.feature[at + i] = s.feature[at + i + 1]!;
    s.zero[at + i] = s.zero[at + i + 1]!;
    s.one[at + i] = s.one[at + i + 1]!;
  }
}

/** Sum of the path weights once element `index` is unwound, without changing the path. */
function unwoundSum(s: ShapScratch, at: number, depth: number, index: number): number {
  const { weight: w } = s;
  const one = s.one[at + index]!;
  const zero = s.zero[at + index]!;
  let next = w[at + depth]!;
  let total = 0;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const t = (next * (depth + 1)) / ((i + 1) * one);
      total += t;
      next = w[at + i]! - (t * zero * (depth - i)) / (depth + 1);
    } else if (zero !== 0) {
      total += w[at + i]! / zero / ((depth - i) / (depth + 1));
    }
  }
  return total;
}

type Walk = {
  readonly tree: Tree;
  readonly masks: (Uint8Array | null)[];
  readonly binned: BinnedTable;
  readonly row: number;
  readonly phi: Float64Array;
  readonly phiAt: number;
  readonly scale: number;
  readonly s: ShapScratch;
};

function recurse(
  k: Walk,
  node: number,
  parentAt: number,
  depth: number,
  zero: number,
  one: number,
  feature: number,
): void {
  const { tree, s } = k;
  // This level's path: a copy of the parent's, extended with the edge just taken.
  const at = parentAt + depth;
  const sf = s.feature;
  const sz = s.zero;
  const so = s.one;
  const sw = s.weight;
  for (let i = 0; i < depth; i++) {
    sf[at + i] = sf[parentAt + i]!;
    sz[at + i] = sz[parentAt + i]!;
    so[at + i] = so[parentAt + i]!;
    sw[at + i] = sw[parentAt + i]!;
  }
  extend(s, at, depth, zero, one, feature);
  const f = tree.feature[node]!;
  if (f < 0) {
    const v = tree.value[node]! * k.scale;
    for (let i = 1; i <= depth; i++) {
      const w = unwoundSum(s, at, depth, i);
      k.phi[k.phiAt + s.feature[at + i]!]! += w * (s.one[at + i]! - s.zero[at + i]!) * v;
    }
    return;
  }
  const n = k.binned.rows;
  const b = k.binned.bins[f * n + k.row]!;
  const left = goesLeft(tree, k.masks, node, b, k.binned.binCount[f]!);
  const hot = left ? tree.left[node]! : tree.right[node]!;
  const cold = left ? tree.right[node]! : tree.left[node]!;
  const c = tree.cover[node]!;
  const hotZero = c > 0 ? tree.cover[hot]! / c : 0.5;
  const coldZero = c > 0 ? tree.cover[cold]! / c : 0.5;
  let inZero = 1;
  let inOne = 1;
  let d = depth;
  // A feature already on the path: undo its earlier split so that this one counts it once.
  let index = 1;
  while (index <= d && s.feature[at + index] !== f) index++;
  if (index <= d) {
    inZero = s.zero[at + index]!;
    inOne = s.one[at + index]!;
    unwind(s, at, d, index);
    d -= 1;
  }
  recurse(k, hot, at, d + 1, hotZero * inZero, inOne, f);
  recurse(k, cold, at, d + 1, coldZero * inZero, 0, f);
}

/**
 * Adds `scale ×` this tree's SHAP values of binned row `row` into `phi[phiAt + feature]`.
 * `s` must come from `shapScratch(depth)` with depth ≥ the tree's depth.
 */
export function treeShap(
  tree: Tree,
  binned: BinnedTable,
  row: number,
  phi: Float64Array,
  phiAt: number,
  scale: number,
  s: ShapScratch,
): void {
  const walk: Walk = { tree, masks: categoryMasks(tree), binned, row, phi, phiAt, scale, s };
  recurse(walk, 0, 0, 0, 1, 1, -1);
}

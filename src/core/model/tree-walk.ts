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

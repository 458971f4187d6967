// A random regression tree for the model's tests (walks, TreeSHAP): features of the given bin counts
// (each feature's last bin is its missing bin), features repeating along paths, categorical splits
// sending a random subset of levels left (not always up to the last bin), and covers that split a
// root cover between the children as a fitted tree's row counts do.
import type { Tree } from "../../src/core/model/tree.ts";

export function randomTree(
  rand: () => number,
  binCount: ArrayLike<number>,
  categorical: Uint8Array,
  maxDepth: number,
): Tree {
  const t: Tree = {
    feature: [],
    threshold: [],
    missingLeft: [],
    catLeft: [],
    left: [],
    right: [],
    value: [],
    cover: [],
  };
  const grow = (depth: number, cover: number): number => {
    const node = t.feature.length;
    t.feature.push(-1);
    t.threshold.push(0);
    t.missingLeft.push(0);
    t.catLeft.push(null);
    t.left.push(-1);
    t.right.push(-1);
    t.value.push(rand() * 4 - 2);
    t.cover.push(cover);
    if (depth < maxDepth && (depth === 0 || rand() < 0.7)) {
      const f = Math.floor(rand() * binCount.length);
      const nb = binCount[f] as number;
      t.feature[node] = f;
      if (categorical[f]) {
        const cats: number[] = [];
        for (let b = 0; b < nb - 1; b++) if (rand() < 0.45) cats.push(b);
        t.catLeft[node] = cats.length > 0 ? cats : [0];
        t.threshold[node] = -1;
      } else {
        t.threshold[node] = Math.floor(rand() * (nb - 1));
        t.missingLeft[node] = rand() < 0.5 ? 1 : 0;
      }
      const share = 0.1 + 0.8 * rand();
      const l = grow(depth + 1, cover * share);
      const r = grow(depth + 1, cover - (t.cover[l] as number));
      t.left[node] = l;
      t.right[node] = r;
    }
    return node;
  };
  grow(0, 100 + rand() * 900);
  return t;
}

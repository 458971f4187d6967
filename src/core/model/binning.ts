import { type FeatureSchema, MISSING_CODE, numericFor, recode } from "./features.ts";
import type { Table } from "./table.ts";

/**
 * How one feature's values map to small integer bins. Numeric: bin = number of thresholds below
 * the value (value <= thresholds[b] falls in bin b). Categorical: each frequent level its own bin,
 * the rest share an "other" bin. The last bin of every feature holds the missing values.
 */
export type FeatureBinning =
  | (FeatureSchema & {
      readonly kind: "numeric" | "date" | "boolean";
      readonly thresholds: readonly number[];
    })
  | (FeatureSchema & {
      readonly kind: "categorical";
      /** Bin per model level (levels beyond the kept ones share the other bin). */
      readonly binOfLevel: readonly number[];
      /** Number of value bins (kept levels + the other bin). */
      readonly valueBins: number;
    });

/** Bins of a table: column-major, `bins[f * rows + i]`; `binCount[f]` includes the missing bin. */
export type BinnedTable = {
  readonly rows: number;
  readonly bins: Uint16Array;
  readonly binCount: Int32Array;
  readonly isCategorical: Uint8Array;
};

export type BinningOptions = {
  /** Value bins of a numeric feature (at most 255 by default, as the usual histogram learners). */
  readonly maxBins?: number;
  /** Levels of a categorical feature kept as their own bin (the rest share one). */
  readonly maxCategories?: number;
};

/** The values that are not NaN, sorted ascending. */
function sortedValues(values: Float64Array): Float64Array {
  const v = new Float64Array(finiteCount(values));
  copyFinite(values, v);
  return v.sort();
}

// sortedValues' two loops are functions with nothing after the loop: in one function, the loop was
// compiled on the stack before the allocation and the sort after it had type feedback, and that
// code was thrown away when they first ran (`--trace-deopt`, first fold: twice per loop).
function finiteCount(values: Float64Array): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) m++;
  return m;
}

function copyFinite(values: Float64Array, v: Float64Array): void {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) v[m++] = values[i]!;
}

/**
 * The distinct values that are not NaN, ascending, when there are at most `limit` of them; null when
 * there are more. -0 and +0 count as one value (as `!==` in a sorted scan would have it).
 */
function fewDistinct(values: Float64Array, limit: number): Float64Array | null {
  let size = 16;
  while (size < 4 * (limit + 1)) size *= 2;
  const keys = new Float64Array(size);
  const used = new Uint8Array(size);
  const m = insertDistinct(values, limit, keys, used, size - 1);
  if (m < 0) return null;
  const out = new Float64Array(m);
  let j = 0;
  for (let h = 0; h < size; h++) if (used[h]) out[j++] = keys[h]!;
  return out.sort();
}

const hashWord = new Float64Array(1);
const hashBits = new Int32Array(hashWord.buffer);

/**
 * Inserts the values (NaN left out, -0 as +0) into an open-addressing set (`keys`, `used`, `mask + 1`
 * slots); returns how many distinct values it holds, or -1 as soon as there are more than `limit`.
 */
function insertDistinct(
  values: Float64Array,
  limit: number,
  keys: Float64Array,
  used: Uint8Array,
  mask: number,
): number {
  let m = 0;
  for (let i = 0; i < values.length && m <= limit; i++) {
    const x = values[i]! + 0;
    if (Number.isNaN(x)) continue;
    hashWord[0] = x;
    let h = Math.imul(hashBits[0]! ^ Math.imul(hashBits[1]!, 0x9e3779b1), 0x85ebca6b);
    h = (h ^ (h >>> 15)) & mask;
    while (used[h] && keys[h] !== x) h = (h + 1) & mask;
    if (!used[h]) {
      used[h] = 1;
      keys[h] = x;
      m++;
    }
  }
  return m <= limit ? m : -1;
}

// The loops over rows are small functions of their own (sortedValues, insertDistinct, binNumeric,
// binCategorical): compiled on the stack inside a bigger function, V8 deoptimised them at the first
// statement after the loop on every call and ran the rest of each call unoptimised.
function numericThresholds(values: Float64Array, maxBins: number): number[] {
  // Few distinct values (most columns of lead data: ages, counts, rates): found through a hash set
  // and only they sorted, instead of sorting every value (bank-marketing's nine numeric columns have
  // 9-80 distinct values each in 33,000 rows). The same distinct values, so the same thresholds.
  const few = fewDistinct(values, maxBins);
  if (few) {
    const t: number[] = [];
    for (let i = 0; i + 1 < few.length; i++) t.push((few[i]! + few[i + 1]!) / 2);
    return t;
  }
  const v = sortedValues(values);
  // More than maxBins distinct values: quantiles with linear interpolation (as numpy's percentile),
  // then de-duplicated.
  const t: number[] = [];
  for (let k = 1; k < maxBins; k++) {
    const pos = (k / maxBins) * (v.length - 1);
    const lo = Math.floor(pos);
    const x = v[lo]! + (v[Math.min(lo + 1, v.length - 1)]! - v[lo]!) * (pos - lo);
    if (t.length === 0 || x > t[t.length - 1]!) t.push(x);
  }
  return t;
}

function levelCounts(codes: Int32Array, levels: number): Int32Array {
  const count = new Int32Array(levels);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c >= 0) count[c]!++;
  }
  return count;
}

/**
 * Learns the binning of every column from training data.
 *
 * @example
 * const binning = fitBinning(trainTable);
 * const binned = applyBinning(binning, testTable);
 */
export function fitBinning(table: Table, options: BinningOptions = {}): FeatureBinning[] {
  const maxBins = options.maxBins ?? 255;
  const maxCategories = options.maxCategories ?? 1000;
  return table.columns.map((col): FeatureBinning => {
    if (col.kind !== "categorical") {
      return { name: col.name, kind: col.kind, thresholds: numericThresholds(col.values, maxBins) };
    }
    const count = levelCounts(col.codes, col.levels.length);
    const seen = Array.from({ length: col.levels.length }, (_, c) => c).filter((c) => count[c]! > 0);
    // Most frequent first; ties by level order so the result does not depend on sort stability.
    seen.sort((a, b) => count[b]! - count[a]! || a - b);
    const kept = seen.slice(0, maxCategories);
    const other = kept.length;
    const binOfLevel = new Array<number>(col.levels.length).fill(other);
    kept.forEach((c, b) => {
      binOfLevel[c] = b;
    });
    return {
      name: col.name,
      kind: "categorical",
      levels: col.levels,
      binOfLevel,
      valueBins: kept.length + 1,
    };
  });
}

/** Number of bins of a feature, the missing bin included. */
export function binCountOf(f: FeatureBinning): number {
  return f.kind === "categorical" ? f.valueBins + 1 : f.thresholds.length + 2;
}

function binCategorical(
  codes: Int32Array,
  binOfLevel: readonly number[],
  other: number,
  missingBin: number,
  bins: Uint16Array,
  base: number,
): void {
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    bins[base + i] = c === MISSING_CODE ? missingBin : c < 0 ? other : binOfLevel[c]!;
  }
}

/** Bin of every value: the number of thresholds below it (binary search); NaN to the missing bin. */
function binNumeric(
  values: Float64Array,
  t: readonly number[],
  missingBin: number,
  bins: Uint16Array,
  base: number,
): void {
  const m = t.length;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (Number.isNaN(x)) {
      bins[base + i] = missingBin;
      continue;
    }
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x <= t[mid]!) hi = mid;
      else lo = mid + 1;
    }
    bins[base + i] = lo;
  }
}

/** Maps a table into bins with a learned binning (unknown levels go to the other bin). */
export function applyBinning(binning: readonly FeatureBinning[], table: Table): BinnedTable {
  const n = table.rows;
  const nf = binning.length;
  const bins = new Uint16Array(nf * n);
  const binCount = new Int32Array(nf);
  const isCategorical = new Uint8Array(nf);
  binning.forEach((f, j) => {
    const nb = binCountOf(f);
    binCount[j] = nb;
    const missingBin = nb - 1;
    const base = j * n;
    if (f.kind === "categorical") {
      isCategorical[j] = 1;
      binCategorical(recode(table, f), f.binOfLevel, f.valueBins - 1, missingBin, bins, base);
      return;
    }
    binNumeric(numericFor(table, f), f.thresholds, missingBin, bins, base);
  });
  return new Binned(n, bins, binCount, isCategorical);
}

/**
 * A binned table made by a constructor rather than an object literal. A literal site run a second
 * time copies a boilerplate and then stores each field again, which turns V8's "const" fields of the
 * shape into mutable ones and throws away every optimised function that read them: applyBinning
 * runs once per fit, so the second run (predicting after the first fit) deoptimised the tree grower,
 * split finder, histogram and tree walks all at once (`--trace-deopt`: "code dependencies").
 * Constructor stores are always initialising stores; the fields stay const.
 */
class Binned implements BinnedTable {
  readonly rows: number;
  readonly bins: Uint16Array;
  readonly binCount: Int32Array;
  readonly isCategorical: Uint8Array;
  constructor(rows: number, bins: Uint16Array, binCount: Int32Array, isCategorical: Uint8Array) {
    this.rows = rows;
    this.bins = bins;
    this.binCount = binCount;
    this.isCategorical = isCategorical;
  }
}

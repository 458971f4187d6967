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

function numericThresholds(values: Float64Array, maxBins: number): number[] {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) m++;
  const v = new Float64Array(m);
  m = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) v[m++] = values[i]!;
  v.sort();
  const distinct: number[] = [];
  for (const x of v) if (distinct.length === 0 || distinct[distinct.length - 1] !== x) distinct.push(x);
  if (distinct.length <= maxBins) {
    const t: number[] = [];
    for (let i = 0; i + 1 < distinct.length; i++) t.push((distinct[i]! + distinct[i + 1]!) / 2);
    return t;
  }
  // Quantiles with linear interpolation (as numpy's percentile), then de-duplicated.
  const t: number[] = [];
  for (let k = 1; k < maxBins; k++) {
    const pos = (k / maxBins) * (v.length - 1);
    const lo = Math.floor(pos);
    const x = v[lo]! + (v[Math.min(lo + 1, v.length - 1)]! - v[lo]!) * (pos - lo);
    if (t.length === 0 || x > t[t.length - 1]!) t.push(x);
  }
  return t;
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
    const count = new Int32Array(col.levels.length);
    for (let i = 0; i < col.codes.length; i++) {
      const c = col.codes[i]!;
      if (c >= 0) count[c]!++;
    }
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
      const codes = recode(table, f);
      const other = f.valueBins - 1;
      for (let i = 0; i < n; i++) {
        const c = codes[i]!;
        bins[base + i] = c === MISSING_CODE ? missingBin : c < 0 ? other : f.binOfLevel[c]!;
      }
      return;
    }
    const values = numericFor(table, f);
    const t = f.thresholds;
    const m = t.length;
    for (let i = 0; i < n; i++) {
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
  });
  return { rows: n, bins, binCount, isCategorical };
}

/**
 * The tabular form every learner reads: one typed array per column, missing values explicit.
 * Categorical columns hold dictionary codes (-1 = missing); numeric, date (days since 1970-01-01) and
 * boolean (0/1) columns hold a Float64Array with NaN for missing.
 */
export type CategoricalColumn = {
  readonly kind: "categorical";
  readonly name: string;
  /** Code per row into `levels`; -1 when missing. */
  readonly codes: Int32Array;
  readonly levels: readonly string[];
};

export type NumericColumn = {
  readonly kind: "numeric" | "date" | "boolean";
  readonly name: string;
  /** Value per row; NaN when missing. Dates are days since 1970-01-01, booleans 0/1. */
  readonly values: Float64Array;
};

export type Column = CategoricalColumn | NumericColumn;

/** Columns of equal length. */
export type Table = { readonly rows: number; readonly columns: readonly Column[] };

/** A table with a 0/1 label per row (1 = won / converted). */
export type LabelledTable = { readonly table: Table; readonly label: Uint8Array };

/**
 * Keeps the rows listed in `index` (in that order).
 *
 * @example
 * const train = takeRows(table, Int32Array.from([0, 2, 5]));
 */
export function takeRows(table: Table, index: Int32Array): Table {
  const columns = table.columns.map(
    (c): Column =>
      c.kind === "categorical"
        ? { kind: "categorical", name: c.name, codes: gatherInt32(c.codes, index), levels: c.levels }
        : { kind: c.kind, name: c.name, values: gatherFloat64(c.values, index) },
  );
  return { rows: index.length, columns };
}

// The copy loops are their own small functions so that V8 optimises each once, whatever the
// column: inside the per-column callback they were deoptimised again and again while the callback
// met columns of both kinds (`--trace-deopt`), and ran unoptimised in between.
function gatherInt32(src: Int32Array, index: Int32Array): Int32Array {
  const out = new Int32Array(index.length);
  for (let i = 0; i < index.length; i++) out[i] = src[index[i]!]!;
  return out;
}

function gatherFloat64(src: Float64Array, index: Int32Array): Float64Array {
  const out = new Float64Array(index.length);
  for (let i = 0; i < index.length; i++) out[i] = src[index[i]!]!;
  return out;
}

/** Keeps the labels listed in `index`. */
export function takeLabels(label: Uint8Array, index: Int32Array): Uint8Array {
  const out = new Uint8Array(index.length);
  for (let i = 0; i < index.length; i++) out[i] = label[index[i]!]!;
  return out;
}

/**
 * The benchmark fold rule: for each row in file order, fold = (number of earlier rows with the
 * same label) mod k. Deterministic and stratified.
 *
 * @example
 * foldsByLabel(Uint8Array.from([1, 0, 1, 1]), 2); // Int32Array [0, 0, 1, 0]
 */
export function foldsByLabel(label: Uint8Array, k = 5): Int32Array {
  const fold = new Int32Array(label.length);
  const seen = [0, 0];
  for (let i = 0; i < label.length; i++) {
    const y = label[i]! ? 1 : 0;
    fold[i] = seen[y]! % k;
    seen[y] = seen[y]! + 1;
  }
  return fold;
}

/** Row indexes whose fold is (or, with `inverse`, is not) `k`. */
export function foldRows(fold: Int32Array, k: number, inverse: boolean): Int32Array {
  let n = 0;
  for (let i = 0; i < fold.length; i++) if ((fold[i] === k) !== inverse) n++;
  const out = new Int32Array(n);
  let j = 0;
  for (let i = 0; i < fold.length; i++) if ((fold[i] === k) !== inverse) out[j++] = i;
  return out;
}

/** Number of positive labels. */
export function countPositive(label: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < label.length; i++) s += label[i]! ? 1 : 0;
  return s;
}

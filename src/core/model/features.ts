import { WinnowError } from "../errors.ts";
import type { CategoricalColumn, Column, NumericColumn, Table } from "./table.ts";

/** What a trained model remembers about one input column. */
export type FeatureSchema = {
  readonly name: string;
  readonly kind: Column["kind"];
  /** Categorical levels known at training time (codes index into this list). */
  readonly levels?: readonly string[];
};

/** Code for a categorical cell that is missing. */
export const MISSING_CODE = -1;
/** Code for a categorical value the model never saw. */
export const UNKNOWN_CODE = -2;

/** The schema of a table's columns. */
export function schemaOf(table: Table): FeatureSchema[] {
  return table.columns.map((c) =>
    c.kind === "categorical"
      ? { name: c.name, kind: c.kind, levels: c.levels }
      : { name: c.name, kind: c.kind },
  );
}

/** The column of `table` named like the feature, checked for kind; throws WINNOW_ERR_MODEL_DATA otherwise. */
export function columnFor(table: Table, feature: FeatureSchema): Column {
  const col = table.columns.find((c) => c.name === feature.name);
  if (!col) {
    throw new WinnowError("WINNOW_ERR_MODEL_DATA", {
      issues: [
        { path: feature.name, message: `the model needs column "${feature.name}", which the data lacks` },
      ],
    });
  }
  if ((col.kind === "categorical") !== (feature.kind === "categorical")) {
    throw new WinnowError("WINNOW_ERR_MODEL_DATA", {
      issues: [
        {
          path: feature.name,
          message: `column "${feature.name}" is ${col.kind}, the model expects ${feature.kind}`,
        },
      ],
    });
  }
  return col;
}

/** Numeric values of the feature's column in `table`. */
export function numericFor(table: Table, feature: FeatureSchema): Float64Array {
  return (columnFor(table, feature) as NumericColumn).values;
}

/**
 * Codes of the feature's column in `table`, translated into the model's level list: MISSING_CODE for
 * missing cells, UNKNOWN_CODE for levels the model does not know.
 *
 * @example
 * recode(table, { name: "plan", kind: "categorical", levels: ["pro", "free"] });
 */
export function recode(table: Table, feature: FeatureSchema): Int32Array {
  const col = columnFor(table, feature) as CategoricalColumn;
  const levels = feature.levels ?? [];
  if (col.levels === levels) return col.codes;
  const index = new Map<string, number>();
  levels.forEach((l, i) => {
    index.set(l, i);
  });
  const map = col.levels.map((l) => index.get(l) ?? UNKNOWN_CODE);
  const out = new Int32Array(col.codes.length);
  for (let i = 0; i < out.length; i++) {
    const c = col.codes[i]!;
    out[i] = c < 0 ? MISSING_CODE : map[c]!;
  }
  return out;
}

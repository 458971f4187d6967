import { type FeatureSchema, recode } from "./features.ts";
import type { Table } from "./table.ts";

/**
 * Odoo-parity naive Bayes: categorical fields only; per field, counts of won and lost per value start
 * at 0.1; a value's evidence is log((won_v / Σwon) / (lost_v / Σlost)); missing values and values
 * never seen in training add nothing. The margin is log(won / lost) plus the evidence.
 */
export type NaiveBayesModel = {
  readonly learner: "naive-bayes";
  readonly prior: number;
  readonly features: readonly (FeatureSchema & { readonly logRatio: readonly number[] })[];
};

/**
 * Fits the Odoo-style naive Bayes on the categorical columns of `table`.
 *
 * @example
 * const m = fitNaiveBayes(table, label);
 * naiveBayesMargin(m, table); // log-odds per row
 */
export function fitNaiveBayes(table: Table, label: Uint8Array): NaiveBayesModel {
  let won = 0;
  for (let i = 0; i < label.length; i++) won += label[i] ? 1 : 0;
  const lost = label.length - won;
  const features: (FeatureSchema & { logRatio: number[] })[] = [];
  for (const col of table.columns) {
    if (col.kind !== "categorical") continue;
    const k = col.levels.length;
    const w = new Float64Array(k);
    const l = new Float64Array(k);
    const seen = new Uint8Array(k);
    for (let i = 0; i < col.codes.length; i++) {
      const c = col.codes[i]!;
      if (c < 0) continue;
      if (!seen[c]) {
        seen[c] = 1;
        w[c] = 0.1;
        l[c] = 0.1;
      }
      if (label[i]) w[c]! += 1;
      else l[c]! += 1;
    }
    let sw = 0;
    let sl = 0;
    for (let c = 0; c < k; c++) {
      sw += w[c]!;
      sl += l[c]!;
    }
    const logRatio: number[] = new Array(k);
    for (let c = 0; c < k; c++) logRatio[c] = seen[c] ? Math.log(w[c]! / sw / (l[c]! / sl)) : Number.NaN;
    features.push({ name: col.name, kind: "categorical", levels: col.levels, logRatio });
  }
  return { learner: "naive-bayes", prior: Math.log(won / lost), features };
}

/** Per-row margin and, when `contrib` is given (rows × features), each feature's log-odds evidence. */
export function naiveBayesMargin(model: NaiveBayesModel, table: Table, contrib?: Float64Array): Float64Array {
  const out = new Float64Array(table.rows).fill(model.prior);
  const nf = model.features.length;
  model.features.forEach((f, j) => {
    const codes = recode(table, f);
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i]!;
      if (c < 0) continue;
      const v = f.logRatio[c]!;
      if (Number.isNaN(v)) continue;
      out[i]! += v;
      if (contrib) contrib[i * nf + j] = v;
    }
  });
  return out;
}

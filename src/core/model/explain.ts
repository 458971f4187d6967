import type { DefaultModel } from "./default-learner.ts";
import { gbdtContributions } from "./gbdt.ts";
import type { TrainedModel } from "./learners.ts";
import { logisticMargin } from "./logistic.ts";
import { naiveBayesMargin } from "./naive-bayes.ts";
import type { Table } from "./table.ts";

/**
 * Additive explanation of log-odds: for every row, `bias + Σ contrib[row × features + j]` equals the
 * model's margin (the calibrated one for the default learner).
 */
export type Explanation = {
  readonly bias: number;
  readonly features: readonly string[];
  /** rows × features, row-major. */
  readonly contrib: Float64Array;
};

function single(model: Exclude<TrainedModel, DefaultModel>, table: Table): Explanation {
  switch (model.learner) {
    case "naive-bayes": {
      const features = model.features.map((f) => f.name);
      const contrib = new Float64Array(table.rows * features.length);
      naiveBayesMargin(model, table, contrib);
      return { bias: model.prior, features, contrib };
    }
    case "logistic": {
      const features = [...model.categorical.map((f) => f.name), ...model.numeric.map((f) => f.name)];
      const contrib = new Float64Array(table.rows * features.length);
      logisticMargin(model, table, contrib);
      return { bias: model.intercept, features, contrib };
    }
    case "gbdt": {
      const features = model.binning.map((f) => f.name);
      const contrib = new Float64Array(table.rows * features.length);
      const bias = gbdtContributions(model, table, contrib);
      return { bias, features, contrib };
    }
  }
}

/**
 * Per-row, per-feature contributions to the log-odds.
 *
 * @example
 * const e = explain(model, table);
 * topReasons(e, table, 0, 3); // the three strongest reasons for row 0
 */
export function explain(model: TrainedModel, table: Table): Explanation {
  if (model.learner !== "winnow-default") return single(model, table);
  const features = table.columns.map((c) => c.name);
  const at = new Map(features.map((f, j) => [f, j]));
  const nf = features.length;
  const contrib = new Float64Array(table.rows * nf);
  const { a, b } = model.calibration;
  let bias = b;
  for (const m of model.members) {
    if (m.weight === 0) continue;
    const e = single(m.model, table);
    bias += a * m.weight * e.bias;
    const k = e.features.length;
    const map = e.features.map((f) => at.get(f) ?? -1);
    for (let i = 0; i < table.rows; i++) {
      for (let j = 0; j < k; j++) {
        const t = map[j]!;
        if (t >= 0) contrib[i * nf + t]! += a * m.weight * e.contrib[i * k + j]!;
      }
    }
  }
  return { bias, features, contrib };
}

/** One reason behind a prediction: the feature, the row's value, and its push on the log-odds. */
export type ModelReason = {
  readonly feature: string;
  readonly value: string;
  readonly contribution: number;
  readonly direction: "raises" | "lowers";
};

/** The text of a cell (empty for missing). */
export function cellText(table: Table, feature: string, row: number): string {
  const col = table.columns.find((c) => c.name === feature);
  if (!col) return "";
  if (col.kind === "categorical") {
    const c = col.codes[row]!;
    return c < 0 ? "" : col.levels[c]!;
  }
  const v = col.values[row]!;
  if (Number.isNaN(v)) return "";
  if (col.kind === "date") return new Date(v * 86_400_000).toISOString().slice(0, 10);
  if (col.kind === "boolean") return v ? "yes" : "no";
  return String(v);
}

/**
 * The `k` features that moved row `row` the most, strongest first ("industry = Retail lowers").
 *
 * @example
 * topReasons(explain(model, table), table, 0, 3);
 * // [{ feature: "poutcome", value: "success", contribution: 1.2, direction: "raises" }, ...]
 */
export function topReasons(e: Explanation, table: Table, row: number, k = 3): ModelReason[] {
  const nf = e.features.length;
  const out: ModelReason[] = [];
  for (let j = 0; j < nf; j++) {
    const v = e.contrib[row * nf + j]!;
    if (v === 0) continue;
    const feature = e.features[j]!;
    out.push({
      feature,
      value: cellText(table, feature, row),
      contribution: v,
      direction: v > 0 ? "raises" : "lowers",
    });
  }
  out.sort(
    (x, y) => Math.abs(y.contribution) - Math.abs(x.contribution) || x.feature.localeCompare(y.feature),
  );
  return out.slice(0, k);
}

/**
 * Global importance: mean absolute contribution of each feature over the rows, largest first.
 *
 * @example
 * featureImportance(explain(model, table)); // [{ feature: "nr.employed", importance: 0.41 }, ...]
 */
export function featureImportance(
  e: Explanation,
): { readonly feature: string; readonly importance: number }[] {
  const nf = e.features.length;
  const rows = e.contrib.length / Math.max(1, nf);
  const sum = new Float64Array(nf);
  for (let i = 0; i < e.contrib.length; i++) sum[i % nf]! += Math.abs(e.contrib[i]!);
  return e.features
    .map((feature, j) => ({ feature, importance: rows > 0 ? sum[j]! / rows : 0 }))
    .sort((a, b) => b.importance - a.importance);
}

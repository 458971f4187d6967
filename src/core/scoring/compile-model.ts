import type { Instant } from "../records.ts";
import { type BatchScores, batchScorer, type ScoringBatch } from "./batch.ts";
import { type ColumnLayout, columnsScorer, type LeadColumns } from "./columns.ts";
import { mayHaveUpper } from "./compile-condition.ts";
import { type CompiledRules, compileRules, type RuleKind } from "./compiled-rules.ts";
import type { Condition } from "./condition.ts";
import { decayFactor, MONDAY_MS } from "./decay.ts";
import { generateScorer } from "./generate-scorer.ts";
import { ENGAGEMENT_BANDS, FIT_LETTERS, type Grade } from "./grade.ts";
import { eventGetter, leadGetter } from "./lead-fields.ts";
import type { ScoringModel } from "./model-schema.ts";
import { instantMs, type PreparedEvent, type PreparedLead, prepareLead, type ScoreInput } from "./prepare.ts";
import { type Crossing, crossingsBetween } from "./thresholds.ts";

/**
 * One rule that fired for a lead. `points` is what the rule awarded before decay (summed over the
 * events it counted), `decayedTo` what is left after decay (whole points), `counted` what reached
 * the score after group and score caps (`capped` says whether a cap cut it). The `counted` values
 * of a result's explanation add up to its scores exactly: Σ fit-side = fit, Σ engagement-side =
 * engagement, Σ all = total.
 */
export type ExplanationEntry = {
  readonly ruleId: string;
  readonly kind: RuleKind;
  readonly side: "fit" | "engagement";
  readonly group: string | null;
  readonly points: number;
  readonly decayedTo: number;
  readonly capped: boolean;
  readonly counted: number;
  /** Engagement and negative event rules: how many events the rule counted. */
  readonly events?: number;
};

export type ScoreNumbers = {
  readonly fit: number;
  readonly engagement: number;
  readonly total: number;
  readonly grade: Grade;
};
export type ScoreResult = ScoreNumbers & { readonly explanation: readonly ExplanationEntry[] };
/** The reusable output of the hot path (`scoreInto`). */
export type MutableScore = { fit: number; engagement: number; total: number; grade: Grade };

export type Scorer = {
  readonly model: ScoringModel;
  /** Scores a lead as of `now` (events after `now` are ignored), with the explanation. */
  score(input: ScoreInput, now: Instant | number): ScoreResult;
  /** Same on a prepared lead (instants already parsed). */
  scorePrepared(lead: PreparedLead, nowMs: number): ScoreResult;
  /** The hot path: numbers only, written into `out`, no allocation. */
  scoreInto(lead: PreparedLead, nowMs: number, out: MutableScore): MutableScore;
  /**
   * Lays leads out in columns for `scoreBatch` (batch.ts): fit scores and each event's rule matches
   * are worked out here, once; the batch can then be scored at any instant, as often as needed.
   */
  prepareBatch(leads: readonly PreparedLead[]): ScoringBatch;
  /** Scores every lead of a batch into typed arrays: the same numbers as `scoreInto`, no allocation. */
  /** `prepareBatch(inputs.map(prepareLead))`, without building the prepared objects when it can. */
  prepareBatchFromInputs(inputs: readonly ScoreInput[]): ScoringBatch;
  scoreBatch(batch: ScoringBatch, nowMs: number, out: BatchScores): BatchScores;
  /** One lead of a batch (its index) at one instant, as `scoreInto` would score it. */
  scoreBatchLead(batch: ScoringBatch, i: number, nowMs: number, out: MutableScore): MutableScore;
  /** The fields the model reads, as columns (`columnsFromInputs`), and whether it needs the fallback. */
  readonly columnLayout: ColumnLayout;
  /** The model's fields as columns from the records as stored (ISO instants, events in any order). */
  columnsFromInputs(inputs: readonly ScoreInput[]): LeadColumns;
  /** The same from prepared leads. */
  columnsFromPrepared(leads: readonly PreparedLead[]): LeadColumns;
  /**
   * A batch from columns (columns.ts): conditions tested once per distinct value, then fit and
   * event matching as loops over typed arrays; the same batch as `prepareBatch`, numbers identical.
   * `reuse`: a spent batch of this scorer whose arrays are written over (not to be used after).
   */
  prepareBatchFromColumns(columns: LeadColumns, reuse?: ScoringBatch): ScoringBatch;
  /** The thresholds crossed going from `before` (null: a lead seen for the first time) to `after`. */
  crossings(before: ScoreNumbers | null, after: ScoreNumbers): Crossing[];
};

/** The generated scorer, or null where generating code is forbidden (`--disallow-code-generation-from-strings`). */
function generateOrNull(model: ScoringModel, rules: CompiledRules): ReturnType<typeof generateScorer> | null {
  try {
    return generateScorer(model, rules);
  } catch (error) {
    if (error instanceof EvalError) return null;
    throw error;
  }
}

/** How `scoreInto` runs: generated code (default) or the closure interpreter (the reference). */
export type ScorerEngine = "generated" | "interpreter";

/**
 * Compiles a model into a scorer: conditions become closures, event rules are indexed by event
 * type, and scratch space is allocated once, so scoring a lead allocates nothing on the hot path.
 * `scoreInto` (numbers only) runs code generated for the model (generate-scorer.ts) unless
 * `engine: "interpreter"` is asked for; `score`/`scorePrepared` (with explanations) always run the
 * interpreter. Both give identical numbers (property-tested).
 * Scores are always derived from the full event list (the ledger), never from running totals.
 *
 * @example
 * const scorer = compileModel(model);
 * const r = scorer.score({ account, contact, lead, events }, "2026-03-01T00:00:00Z");
 * r.grade; // "A2"
 */
export function compileModel(model: ScoringModel, options: { engine?: ScorerEngine } = {}): Scorer {
  const rules = compileRules(model);
  // The hot path is generated code; explanations stay with the interpreter below (the reference).
  const generated = options.engine === "interpreter" ? null : generateOrNull(model, rules);
  const nAttr = rules.attribute.length;
  const nEvent = rules.event.length;
  const fired = new Uint8Array(nAttr);
  const acc = new Float64Array(nEvent);
  const raw = new Float64Array(nEvent);
  const count = new Int32Array(nEvent);
  const bucket = new Float64Array(nEvent);
  const inBucket = new Int32Array(nEvent);
  const capLeft = new Float64Array(rules.groupCaps.length);
  const grades = model.grades;
  const gradeTable = FIT_LETTERS.flatMap((l) => ENGAGEMENT_BANDS.map((b) => `${l}${b}` as Grade));

  function evaluate(lead: PreparedLead, nowMs: number): void {
    fired.fill(0);
    for (let d = 0; d < rules.dispatch.length; d++) {
      const { get, table } = rules.dispatch[d]!;
      const v = get(lead);
      if (typeof v !== "string") continue;
      const hit = table.get(v) ?? (mayHaveUpper(v) ? table.get(v.toLowerCase()) : undefined);
      if (hit !== undefined) for (let k = 0; k < hit.length; k++) fired[hit[k]!] = 1;
    }
    const tested = rules.attributeTested;
    for (let k = 0; k < tested.length; k++) {
      const i = tested[k]!;
      fired[i] = rules.attribute[i]!.test(lead) ? 1 : 0;
    }
    acc.fill(0);
    raw.fill(0);
    count.fill(0);
    bucket.fill(Number.NaN);
    const events = lead.events;
    for (let e = 0; e < events.length; e++) {
      const ev = events[e]!;
      if (ev.atMs > nowMs) break; // sorted: the rest is in the future
      const idx = rules.byType.get(ev.type);
      if (idx === undefined) continue;
      for (let k = 0; k < idx.length; k++) {
        const r = idx[k]!;
        const rule = rules.event[r]!;
        if (rule.where !== null && !rule.where(ev)) continue;
        const value = rule.points * decayFactor(rule.decay, nowMs - ev.atMs);
        if (rule.frequency === 0) {
          acc[r]! += value;
          raw[r]! += rule.points;
          count[r]!++;
        } else if (rule.frequency === 1) {
          acc[r] = value;
          raw[r] = rule.points;
          count[r] = 1;
        } else {
          const b = Math.floor((ev.atMs - MONDAY_MS) / rule.periodMs);
          if (b !== bucket[r]) {
            bucket[r] = b;
            inBucket[r] = 0;
          }
          if (inBucket[r]! < rule.max) {
            inBucket[r]!++;
            acc[r]! += value;
            raw[r]! += rule.points;
            count[r]!++;
          }
        }
      }
    }
  }

  // One pass shared by the hot path and the explanation, so both always agree.
  function settle(explain: ExplanationEntry[] | null, out: MutableScore): MutableScore {
    capLeft.set(rules.groupCaps);
    let fit = 0;
    let fitLeft = rules.fitCap;
    for (let i = 0; i < nAttr; i++) {
      if (fired[i] === 0) continue;
      const rule = rules.attribute[i]!;
      let counted = rule.points;
      if (counted > 0) {
        if (rule.capIndex >= 0 && counted > capLeft[rule.capIndex]!) counted = capLeft[rule.capIndex]!;
        if (counted > fitLeft) counted = fitLeft;
        if (counted < 0) counted = 0;
        if (rule.capIndex >= 0) capLeft[rule.capIndex]! -= counted;
        fitLeft -= counted;
      }
      fit += counted;
      if (explain !== null)
        explain.push({
          ruleId: rule.id,
          kind: rule.kind,
          side: "fit",
          group: rule.group,
          points: rule.points,
          decayedTo: rule.points,
          capped: counted !== rule.points,
          counted,
        });
    }
    let engagement = 0;
    let engagementLeft = rules.engagementCap;
    for (let r = 0; r < nEvent; r++) {
      if (count[r] === 0) continue;
      const rule = rules.event[r]!;
      const decayedTo = Math.round(acc[r]!) + 0; // + 0 turns -0 into 0
      let counted = decayedTo;
      if (counted > 0) {
        if (rule.capIndex >= 0 && counted > capLeft[rule.capIndex]!) counted = capLeft[rule.capIndex]!;
        if (counted > engagementLeft) counted = engagementLeft;
        if (counted < 0) counted = 0;
        if (rule.capIndex >= 0) capLeft[rule.capIndex]! -= counted;
        engagementLeft -= counted;
      }
      engagement += counted;
      if (explain !== null)
        explain.push({
          ruleId: rule.id,
          kind: rule.kind,
          side: "engagement",
          group: rule.group,
          points: raw[r]!,
          decayedTo,
          capped: counted !== decayedTo,
          counted,
          events: count[r]!,
        });
    }
    out.fit = fit;
    out.engagement = engagement;
    out.total = fit + engagement;
    const letter = fit >= grades.fit.A ? 0 : fit >= grades.fit.B ? 1 : fit >= grades.fit.C ? 2 : 3;
    const g = grades.engagement;
    const band = engagement >= g["1"] ? 0 : engagement >= g["2"] ? 1 : engagement >= g["3"] ? 2 : 3;
    out.grade = gradeTable[letter * 4 + band]!;
    return out;
  }

  const scorePrepared = (lead: PreparedLead, nowMs: number): ScoreResult => {
    evaluate(lead, nowMs);
    const explanation: ExplanationEntry[] = [];
    const out = settle(explanation, { fit: 0, engagement: 0, total: 0, grade: "D4" });
    return { fit: out.fit, engagement: out.engagement, total: out.total, grade: out.grade, explanation };
  };

  // The batch path: generated fit and event matching, or the interpreter's where code is forbidden.
  const noEvents: PreparedEvent[] = [];
  const scratch: MutableScore = { fit: 0, engagement: 0, total: 0, grade: "D4" };
  const batch = batchScorer(
    model,
    rules,
    generated
      ? generated.fitOf
      : (lead) => {
          evaluate({ ...lead, events: noEvents }, 0);
          return settle(null, scratch).fit;
        },
    generated
      ? generated.matchInto
      : (ev, buf) => {
          const idx = rules.byType.get(ev.type);
          if (idx === undefined) return 0;
          let n = 0;
          for (let k = 0; k < idx.length; k++) {
            const where = rules.event[idx[k]!]!.where;
            if (where === null || where(ev)) buf[n++] = idx[k]!;
          }
          return n;
        },
    generated ? generated.scoreBatchInto : null,
    readsKnownFieldsOnly(rules),
  );
  const columnar = columnsScorer(rules, batch);

  return {
    model,
    score: (input, now) => scorePrepared(prepareLead(input), typeof now === "number" ? now : instantMs(now)),
    scorePrepared,
    scoreInto: generated
      ? generated.scoreInto
      : (lead, nowMs, out) => {
          evaluate(lead, nowMs);
          return settle(null, out);
        },
    prepareBatch: batch.prepareBatch,
    prepareBatchFromInputs: batch.prepareBatchFromInputs,
    scoreBatch: batch.scoreBatch,
    scoreBatchLead: batch.scoreBatchLead,
    columnLayout: columnar.layout,
    columnsFromInputs: columnar.columnsFromInputs,
    columnsFromPrepared: columnar.columnsFromPrepared,
    prepareBatchFromColumns: columnar.prepareBatchFromColumns,
    crossings: (before, after) => crossingsBetween(model.thresholds, before, after),
  };
}

export type { CompiledRules };

/** Whether every condition reads a named lead field or attribute, and every `where` an event's type, id or property. */
function readsKnownFieldsOnly(rules: CompiledRules): boolean {
  const fields = (c: Condition, into: string[]): string[] => {
    if ("all" in c) for (const x of c.all) fields(x, into);
    else if ("any" in c) for (const x of c.any) fields(x, into);
    else if ("not" in c) fields(c.not, into);
    else into.push(c.field);
    return into;
  };
  return (
    rules.attribute.every((r) => fields(r.when, []).every((f) => leadGetter(f) !== undefined)) &&
    rules.event.every(
      (r) =>
        r.whereCondition === null || fields(r.whereCondition, []).every((f) => eventGetter(f) !== undefined),
    )
  );
}

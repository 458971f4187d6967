import type { MutableScore } from "./compile-model.ts";
import type { CompiledRules } from "./compiled-rules.ts";
import { MONDAY_MS } from "./decay.ts";
import type { ScoreBatchInto } from "./generate-scorer.ts";
import { ENGAGEMENT_BANDS, FIT_LETTERS, type Grade } from "./grade.ts";
import type { ScoringModel } from "./model-schema.ts";
import {
  emailDomain,
  instantMs,
  orderByTime,
  type PreparedEvent,
  type PreparedLead,
  prepareLead,
  type ScoreInput,
} from "./prepare.ts";

/**
 * Leads laid out in columns for one model, ready to be scored many at a time (`scoreBatch`).
 *
 * Everything that does not depend on the scoring instant is worked out once, at `prepareBatch`:
 * the fit score of each lead (fit rules read only the records) and, for each event, the event
 * rules it counts for (its type and the rules' `where`) with the frequency period it falls in.
 * What is left for scoring is numbers in typed arrays: per lead a range of (instant, rule, period)
 * matches, oldest first. The batch belongs to the scorer that prepared it.
 */
export type ScoringBatch = {
  readonly size: number;
  /** Fit score per lead. */
  readonly fit: Float64Array;
  /** Per lead i, its matches are [matchStart[i], matchStart[i + 1]). */
  readonly matchStart: Int32Array;
  /** Per match: the event's instant (epoch ms), the event rule's index, the rule's period index. */
  readonly matchAt: Float64Array;
  readonly matchRule: Int32Array;
  readonly matchPeriod: Float64Array;
  /** Identifies the compiled rules the batch was prepared for. */
  readonly rules: CompiledRules;
};

/** Scores of a batch, one entry per lead; `grade` is an index into GRADE_CODES. */
export type BatchScores = {
  readonly fit: Float64Array;
  readonly engagement: Float64Array;
  readonly total: Float64Array;
  readonly grade: Uint8Array;
};

/** Grade per code of BatchScores.grade: fit letter * 4 + engagement band ("A1" = 0 … "D4" = 15). */
export const GRADE_CODES: readonly Grade[] = FIT_LETTERS.flatMap((l) =>
  ENGAGEMENT_BANDS.map((b) => `${l}${b}` as Grade),
);

/** Output arrays for `size` leads (allocate once, reuse for every batch up to that size). */
export function newBatchScores(size: number): BatchScores {
  return {
    fit: new Float64Array(size),
    engagement: new Float64Array(size),
    total: new Float64Array(size),
    grade: new Uint8Array(size),
  };
}

export type BatchScorer = {
  prepareBatch(leads: readonly PreparedLead[]): ScoringBatch;
  /** The same batch straight from the records (ISO instants, events in any order). */
  prepareBatchFromInputs(inputs: readonly ScoreInput[]): ScoringBatch;
  scoreBatch(batch: ScoringBatch, nowMs: number, out: BatchScores): BatchScores;
  /** One lead of a batch (index i) at one instant: for scoring the same leads at many instants. */
  scoreBatchLead(batch: ScoringBatch, i: number, nowMs: number, out: MutableScore): MutableScore;
};

/**
 * The batch entry points of a compiled model. `fitOf` and `matchInto` come from the generated
 * scorer (or the interpreter where code generation is forbidden); the scoring loop below repeats the
 * interpreter's floating-point operations in the same order, so the numbers are identical to
 * `scoreInto` (property-tested).
 */
export function batchScorer(
  model: ScoringModel,
  rules: CompiledRules,
  fitOf: (lead: PreparedLead) => number,
  matchInto: (event: PreparedEvent, buf: Int32Array) => number,
  /** The generated batch loop, or null to run the one below. */
  generatedLoop: ScoreBatchInto | null = null,
  /**
   * Whether the model's conditions read only the fields `fitOf` and `matchInto` know by name, so
   * that they may be given the records as they come (no PreparedLead/PreparedEvent objects).
   */
  knownFieldsOnly = false,
): BatchScorer {
  const nEvent = rules.event.length;
  const points = Float64Array.from(rules.event, (r) => r.points);
  const mode = Uint8Array.from(rules.event, (r) => r.decay.mode);
  const decayA = Float64Array.from(rules.event, (r) => r.decay.a);
  const decayB = Float64Array.from(rules.event, (r) => r.decay.b);
  const frequency = Uint8Array.from(rules.event, (r) => r.frequency);
  const max = Float64Array.from(rules.event, (r) => r.max);
  const periodMs = Float64Array.from(rules.event, (r) => r.periodMs);
  const capIndex = Int32Array.from(rules.event, (r) => r.capIndex);
  const acc = new Float64Array(nEvent);
  const period = new Float64Array(nEvent);
  const inPeriod = new Float64Array(nEvent);
  const capLeft = new Float64Array(rules.groupCaps.length);
  const scratch = new Int32Array(Math.max(1, nEvent));
  const { engagementCap } = rules;
  const gf = model.grades.fit;
  const ge = model.grades.engagement;
  const [fitA, fitB, fitC] = [gf.A, gf.B, gf.C];
  const [eng1, eng2, eng3] = [ge["1"], ge["2"], ge["3"]];

  /**
   * prepareBatch(inputs.map(prepareLead)) without building the prepared objects: instants parsed
   * into a scratch array, events taken in order of instant (ties in input order, as the stable sort
   * of prepareLead), matched as they are. Only when the model reads known fields only; otherwise
   * (a path such as `occurredAt` reads differently on a raw event) it prepares each lead.
   */
  function prepareBatchFromInputs(inputs: readonly ScoreInput[]): ScoringBatch {
    if (!knownFieldsOnly) return prepareBatch(inputs.map((x) => prepareLead(x)));
    const size = inputs.length;
    const fit = new Float64Array(size);
    const matchStart = new Int32Array(size + 1);
    const matches = newMatches(inputs);
    let ats = new Float64Array(64);
    let order = new Int32Array(64);
    const noEvents: PreparedEvent[] = [];
    for (let i = 0; i < size; i++) {
      const input = inputs[i]!;
      fit[i] = fitOf({
        account: input.account,
        contact: input.contact,
        lead: input.lead,
        emailDomain: emailDomain(input.contact?.email ?? null),
        events: noEvents,
      });
      matchStart[i] = matches.m;
      const events = input.events;
      const ne = events.length;
      if (ne > ats.length) {
        ats = new Float64Array(2 * ne);
        order = new Int32Array(2 * ne);
      }
      for (let e = 0; e < ne; e++) ats[e] = instantMs(events[e]!.occurredAt);
      orderByTime(ats, order, ne);
      for (let k = 0; k < ne; k++) {
        const e = order[k]!;
        addMatches(matches, ats[e]!, matchInto(events[e] as unknown as PreparedEvent, scratch));
      }
    }
    return batchOf(fit, matchStart, matches);
  }

  function prepareBatch(leads: readonly PreparedLead[]): ScoringBatch {
    const size = leads.length;
    const fit = new Float64Array(size);
    const matchStart = new Int32Array(size + 1);
    const matches = newMatches(leads);
    for (let i = 0; i < size; i++) {
      const lead = leads[i]!;
      fit[i] = fitOf(lead);
      matchStart[i] = matches.m;
      const events = lead.events;
      for (let e = 0; e < events.length; e++) {
        const ev = events[e]!;
        addMatches(matches, ev.atMs, matchInto(ev, scratch));
      }
    }
    return batchOf(fit, matchStart, matches);
  }

  /** Appends the n rules in `scratch` as matches at atMs, with their frequency periods. */
  function addMatches(list: Matches, atMs: number, n: number): void {
    if (list.m + n > list.at.length) {
      const capacity = 2 * list.at.length + n;
      list.at = grow(list.at, new Float64Array(capacity));
      list.rule = grow(list.rule, new Int32Array(capacity));
      list.per = grow(list.per, new Float64Array(capacity));
    }
    const { at, rule, per } = list;
    let m = list.m;
    for (let q = 0; q < n; q++) {
      const r = scratch[q]!;
      at[m] = atMs;
      rule[m] = r;
      per[m] = frequency[r] === 2 ? Math.floor((atMs - MONDAY_MS) / periodMs[r]!) : 0;
      m++;
    }
    list.m = m;
  }

  function batchOf(fit: Float64Array, matchStart: Int32Array, list: Matches): ScoringBatch {
    const size = fit.length;
    matchStart[size] = list.m;
    return {
      size,
      fit,
      matchStart,
      matchAt: list.at.subarray(0, list.m),
      matchRule: list.rule.subarray(0, list.m),
      matchPeriod: list.per.subarray(0, list.m),
      rules,
    };
  }

  /** Engagement of lead i of a batch as of nowMs: decay and frequency per match, then the caps. */
  function engagementOf(batch: ScoringBatch, i: number, nowMs: number): number {
    const { matchStart, matchAt, matchRule, matchPeriod } = batch;
    acc.fill(0);
    period.fill(Number.NaN);
    const end = matchStart[i + 1]!;
    for (let m = matchStart[i]!; m < end; m++) {
      const at = matchAt[m]!;
      if (at > nowMs) break; // sorted: the rest is in the future
      const r = matchRule[m]!;
      const age = nowMs - at;
      // decayFactor (decay.ts), inline.
      const d = mode[r]!;
      let f: number;
      if (d === 0) f = 1;
      else if (d === 1) f = Math.exp(-decayA[r]! * age);
      else if (d === 2) {
        const left = 1 - Math.floor(age / decayB[r]!) * decayA[r]!;
        f = left > 0 ? left : 0;
      } else f = age <= decayA[r]! ? 1 : 0;
      const value = points[r]! * f;
      const q = frequency[r]!;
      if (q === 0) acc[r]! += value;
      else if (q === 1) acc[r] = value;
      else {
        const b = matchPeriod[m]!;
        if (b !== period[r]) {
          period[r] = b;
          inPeriod[r] = 0;
        }
        if (inPeriod[r]! < max[r]!) {
          inPeriod[r]!++;
          acc[r]! += value;
        }
      }
    }
    // Caps in rule order, as in compile-model's settle (a rule with nothing counted adds 0).
    capLeft.set(rules.groupCaps);
    let eng = 0;
    let left = engagementCap;
    for (let r = 0; r < nEvent; r++) {
      let c = Math.round(acc[r]!) + 0;
      if (c > 0) {
        const g = capIndex[r]!;
        if (g >= 0 && c > capLeft[g]!) c = capLeft[g]!;
        if (c > left) c = left;
        if (c < 0) c = 0;
        if (g >= 0) capLeft[g]! -= c;
        left -= c;
      }
      eng += c;
    }
    return eng;
  }

  const gradeCode = (fit: number, eng: number): number =>
    (fit >= fitA ? 0 : fit >= fitB ? 1 : fit >= fitC ? 2 : 3) * 4 +
    (eng >= eng1 ? 0 : eng >= eng2 ? 1 : eng >= eng3 ? 2 : 3);

  function check(batch: ScoringBatch): void {
    if (batch.rules !== rules)
      throw new TypeError("scoreBatch: the batch was prepared by another model's scorer");
  }

  function scoreBatch(batch: ScoringBatch, nowMs: number, out: BatchScores): BatchScores {
    check(batch);
    if (out.fit.length < batch.size)
      throw new RangeError(`scoreBatch: output holds ${out.fit.length} leads, the batch ${batch.size}`);
    const fit = batch.fit;
    if (generatedLoop !== null) {
      const { matchStart, matchAt, matchRule, matchPeriod } = batch;
      generatedLoop(
        batch.size,
        fit,
        matchStart,
        matchAt,
        matchRule,
        matchPeriod,
        nowMs,
        out.fit,
        out.engagement,
        out.total,
        out.grade,
      );
      return out;
    }
    for (let i = 0; i < batch.size; i++) {
      const fi = fit[i]!;
      const eng = engagementOf(batch, i, nowMs);
      out.fit[i] = fi;
      out.engagement[i] = eng;
      out.total[i] = fi + eng;
      out.grade[i] = gradeCode(fi, eng);
    }
    return out;
  }

  function scoreBatchLead(batch: ScoringBatch, i: number, nowMs: number, out: MutableScore): MutableScore {
    check(batch);
    if (!(i >= 0 && i < batch.size))
      throw new RangeError(`scoreBatchLead: no lead ${i} in a batch of ${batch.size}`);
    const fi = batch.fit[i]!;
    const eng = engagementOf(batch, i, nowMs);
    out.fit = fi;
    out.engagement = eng;
    out.total = fi + eng;
    out.grade = GRADE_CODES[gradeCode(fi, eng)]!;
    return out;
  }

  return { prepareBatch, prepareBatchFromInputs, scoreBatch, scoreBatchLead };
}

/** A batch's (instant, rule, period) matches while they are appended; `m` are in use. */
type Matches = { at: Float64Array; rule: Int32Array; per: Float64Array; m: number };

/** Room for one match per event (most events count for at most one rule), grown when needed. */
function newMatches(leads: readonly { readonly events: readonly unknown[] }[]): Matches {
  let capacity = 16;
  for (let i = 0; i < leads.length; i++) capacity += leads[i]!.events.length;
  return {
    at: new Float64Array(capacity),
    rule: new Int32Array(capacity),
    per: new Float64Array(capacity),
    m: 0,
  };
}

function grow<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

import type { Table } from "./table.ts";
import { wilsonInterval } from "./wilson.ts";

/** One condition of a segment or fit rule (plain data a scoring model can adopt). */
export type SegmentCondition =
  | { readonly attribute: string; readonly operator: "eq"; readonly value: string }
  | { readonly attribute: string; readonly operator: "between"; readonly value: readonly [number, number] }
  | { readonly attribute: string; readonly operator: "missing"; readonly value: null };

/** A segment of closed deals with its outcome statistics. */
export type Segment = {
  readonly conditions: readonly SegmentCondition[];
  readonly rows: number;
  readonly won: number;
  readonly winRate: number;
  /** 95% Wilson interval of the win rate. */
  readonly winRateInterval: readonly [number, number];
  /** winRate / overall win rate. */
  readonly lift: number;
  /** Share of all rows in the segment. */
  readonly support: number;
  /** Mean value of the won deals in the segment (null when no value is known). */
  readonly meanWonValue: number | null;
  /** Median days from creation to close of the won deals (null when unknown). */
  readonly medianCycleDays: number | null;
};

/** A suggested fit rule: condition, points, and the evidence behind it. */
export type SuggestedRule = SegmentCondition & {
  readonly points: number;
  readonly evidence: Pick<Segment, "rows" | "won" | "winRate" | "winRateInterval" | "lift"> & {
    readonly baseRate: number;
  };
};

export type IcpReport = {
  readonly rows: number;
  readonly baseRate: number;
  /** Segments whose interval clears the base rate, highest lift first. */
  readonly byLift: readonly Segment[];
  /** All segments with enough support, largest first. */
  readonly bySupport: readonly Segment[];
  /** The ideal customer profile: the strongest better-than-base segment of each attribute. */
  readonly profile: readonly Segment[];
  readonly rules: readonly SuggestedRule[];
};

export type IcpInput = {
  readonly table: Table;
  readonly won: Uint8Array;
  /** Deal value per row (NaN when unknown). */
  readonly value?: Float64Array;
  /** Days from creation to close per row (NaN when unknown). */
  readonly cycleDays?: Float64Array;
};

export type IcpOptions = {
  /** Fewest rows a segment needs to be reported (default 30). */
  readonly minSupport?: number;
  /** Numeric columns are cut into this many quantile ranges (default 4). */
  readonly numericBins?: number;
  /** Single segments combined into pairs (the strongest by lift, default 24). */
  readonly pairCandidates?: number;
  /** Points of a rule = round(scale × ln(lift)), clamped to ±maxPoints (defaults 10 and 25). */
  readonly pointsScale?: number;
  readonly maxPoints?: number;
};

type Mask = { readonly conditions: readonly SegmentCondition[]; readonly members: Uint8Array };

function quantileCuts(values: Float64Array, bins: number): number[] {
  const v = values.filter((x) => !Number.isNaN(x)).sort();
  const cuts: number[] = [];
  for (let k = 1; k < bins; k++) {
    const x = v[Math.floor((k * v.length) / bins)];
    if (x !== undefined && (cuts.length === 0 || x > cuts[cuts.length - 1]!)) cuts.push(x);
  }
  return cuts;
}

function singleMasks(table: Table, bins: number): Mask[] {
  const out: Mask[] = [];
  const n = table.rows;
  for (const col of table.columns) {
    if (col.kind === "categorical") {
      const masks = col.levels.map(() => new Uint8Array(n));
      const missing = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const c = col.codes[i]!;
        if (c < 0) missing[i] = 1;
        else masks[c]![i] = 1;
      }
      col.levels.forEach((level, c) => {
        out.push({ conditions: [{ attribute: col.name, operator: "eq", value: level }], members: masks[c]! });
      });
      out.push({ conditions: [{ attribute: col.name, operator: "missing", value: null }], members: missing });
      continue;
    }
    const cuts = quantileCuts(col.values, bins);
    let lo = Number.NEGATIVE_INFINITY;
    for (let k = 0; k <= cuts.length; k++) {
      const hi = k < cuts.length ? cuts[k]! : Number.POSITIVE_INFINITY;
      const m = new Uint8Array(n);
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        const x = col.values[i]!;
        if (x >= lo && x < hi) {
          m[i] = 1;
          min = Math.min(min, x);
          max = Math.max(max, x);
        }
      }
      if (min <= max)
        out.push({
          conditions: [{ attribute: col.name, operator: "between", value: [min, max] }],
          members: m,
        });
      lo = hi;
    }
    const missing = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (Number.isNaN(col.values[i]!)) missing[i] = 1;
    out.push({ conditions: [{ attribute: col.name, operator: "missing", value: null }], members: missing });
  }
  return out;
}

function median(v: number[]): number | null {
  if (v.length === 0) return null;
  v.sort((a, b) => a - b);
  const h = v.length >> 1;
  return v.length % 2 ? v[h]! : (v[h - 1]! + v[h]!) / 2;
}

function stats(mask: Mask, input: IcpInput, baseRate: number): Segment {
  const { won, value, cycleDays } = input;
  let rows = 0;
  let w = 0;
  let valueSum = 0;
  let valueN = 0;
  const cycles: number[] = [];
  for (let i = 0; i < mask.members.length; i++) {
    if (!mask.members[i]) continue;
    rows++;
    if (!won[i]) continue;
    w++;
    const v = value?.[i];
    if (v !== undefined && !Number.isNaN(v)) {
      valueSum += v;
      valueN++;
    }
    const c = cycleDays?.[i];
    if (c !== undefined && !Number.isNaN(c)) cycles.push(c);
  }
  const winRate = rows > 0 ? w / rows : 0;
  return {
    conditions: mask.conditions,
    rows,
    won: w,
    winRate,
    winRateInterval: wilsonInterval(w, rows),
    lift: baseRate > 0 ? winRate / baseRate : 0,
    support: rows / Math.max(1, mask.members.length),
    meanWonValue: valueN > 0 ? valueSum / valueN : null,
    medianCycleDays: median(cycles),
  };
}

/**
 * ICP discovery from closed deals: win rate, value and cycle time of every single-attribute segment
 * (numeric ranges by quantile) and of pairs of the strongest ones, with Wilson intervals; the
 * segments that beat the base rate with confidence make the profile and the suggested fit rules
 * (segments that lose with confidence give negative points).
 *
 * @example
 * const report = discoverIcp({ table, won, value });
 * report.rules[0]; // { attribute: "industry", operator: "eq", value: "Software", points: 9, evidence: {...} }
 */
export function discoverIcp(input: IcpInput, options: IcpOptions = {}): IcpReport {
  const minSupport = options.minSupport ?? 30;
  const scale = options.pointsScale ?? 10;
  const maxPoints = options.maxPoints ?? 25;
  const n = input.table.rows;
  let total = 0;
  for (let i = 0; i < n; i++) total += input.won[i] ? 1 : 0;
  const baseRate = n > 0 ? total / n : 0;
  const singles = singleMasks(input.table, options.numericBins ?? 4)
    .map((m) => ({ m, s: stats(m, input, baseRate) }))
    .filter((x) => x.s.rows >= minSupport && x.s.rows < n);
  const strongest = [...singles]
    .sort((a, b) => b.s.lift - a.s.lift || b.s.rows - a.s.rows)
    .slice(0, options.pairCandidates ?? 24);
  const pairs: Segment[] = [];
  for (let a = 0; a < strongest.length; a++) {
    for (let b = a + 1; b < strongest.length; b++) {
      const x = strongest[a]!.m;
      const y = strongest[b]!.m;
      if (x.conditions[0]!.attribute === y.conditions[0]!.attribute) continue;
      const members = new Uint8Array(n);
      for (let i = 0; i < n; i++) members[i] = x.members[i]! & y.members[i]!;
      const s = stats({ conditions: [...x.conditions, ...y.conditions], members }, input, baseRate);
      if (s.rows >= minSupport) pairs.push(s);
    }
  }
  const all = [...singles.map((x) => x.s), ...pairs];
  const better = all.filter((s) => s.winRateInterval[0] > baseRate);
  const byLift = [...better].sort((a, b) => b.lift - a.lift || b.rows - a.rows);
  const bySupport = [...all].sort((a, b) => b.rows - a.rows || b.lift - a.lift);
  const profile: Segment[] = [];
  const usedAttributes = new Set<string>();
  for (const s of byLift) {
    if (s.conditions.length !== 1) continue;
    const attr = s.conditions[0]!.attribute;
    if (usedAttributes.has(attr)) continue;
    usedAttributes.add(attr);
    profile.push(s);
  }
  const worse = singles.map((x) => x.s).filter((s) => s.winRateInterval[1] < baseRate);
  const rules: SuggestedRule[] = [...profile, ...worse.sort((a, b) => a.lift - b.lift)].map((s) => {
    const lift = Math.max(s.lift, 1e-3);
    const points = Math.max(-maxPoints, Math.min(maxPoints, Math.round(scale * Math.log(lift))));
    const { rows, won, winRate, winRateInterval } = s;
    return {
      ...s.conditions[0]!,
      points,
      evidence: { rows, won, winRate, winRateInterval, lift: s.lift, baseRate },
    };
  });
  return { rows: n, baseRate, byLift, bySupport, profile, rules: rules.filter((r) => r.points !== 0) };
}

import type { BehaviourEvent } from "../records.ts";
import type { BatchScorer, ScoringBatch } from "./batch.ts";
import { compileCondition, mayHaveUpper } from "./compile-condition.ts";
import type { CompiledRules } from "./compiled-rules.ts";
import type { Condition } from "./condition.ts";
import { MONDAY_MS } from "./decay.ts";
import { eventGetter, leadGetter } from "./lead-fields.ts";
import {
  emailDomain,
  instantMs,
  orderByTime,
  type PreparedLead,
  prepareLead,
  type ScoreInput,
} from "./prepare.ts";

/**
 * One field of a batch of leads (or of their events) as a column.
 * - `codes`: dictionary-encoded: `codes[i]` indexes `dictionary` (the distinct values, as read:
 *   strings, numbers, booleans, null), -1 where the field is absent (undefined).
 * - `numbers`: the value where it is a number, NaN otherwise (absent, null, a string…). Used for
 *   fields the model reads only with `range` (which matches numbers only), so nothing is lost.
 */
export type LeadColumn =
  | {
      readonly kind: "codes";
      readonly codes: Int32Array;
      readonly dictionary: readonly unknown[];
      /** Value -> its index in `dictionary` (optional: lets equals/in/exists skip testing every value). */
      readonly index?: ReadonlyMap<unknown, number>;
      /** Whether a string in `dictionary` may differ from its lower case (required with `index`). */
      readonly mayHaveUpper?: boolean;
    }
  | { readonly kind: "numbers"; readonly values: Float64Array };

/** Which fields a model reads, and how each is laid out (ColumnLayout of a scorer). */
export type ColumnLayout = {
  /** Lead record paths (`account.industry`, `contact.attributes.tier`…). */
  readonly lead: readonly ColumnField[];
  /** Event paths read by `where` filters (`properties.path`, `type`, `id`). */
  readonly event: readonly ColumnField[];
  /**
   * Null when every condition can be answered from columns; otherwise why not (a path read by a
   * generic walk, e.g. `weird.path`, whose value depends on the whole object): batches are then
   * prepared from the records the columns keep (`LeadColumns.records`), as `prepareBatch` does.
   */
  readonly fallbackReason: string | null;
  /**
   * Event type -> indexes into `event` of the fields its rules' `where` read: only those are read
   * for an event of that type (the others are never looked at, and left absent).
   */
  readonly eventFieldsByType: ReadonlyMap<string, readonly number[]>;
};
export type ColumnField = { readonly path: string; readonly numeric: boolean };

/**
 * Leads laid out by column, for the fields one model reads (see `Scorer.columnsFromInputs`).
 * Events are flat arrays, each lead's oldest first (ties in input order, as `prepareLead`).
 */
export type LeadColumns = {
  readonly size: number;
  /** Lead field path -> column over leads. */
  readonly lead: ReadonlyMap<string, LeadColumn>;
  /** Per lead i, its events are [eventStart[i], eventStart[i + 1]). */
  readonly eventStart: Int32Array;
  /** Per event: index into `typeDictionary`, and the instant (epoch ms). */
  readonly eventType: Int32Array;
  readonly typeDictionary: readonly string[];
  readonly eventAt: Float64Array;
  /** Event field path -> column over events. */
  readonly event: ReadonlyMap<string, LeadColumn>;
  /** The records, kept only when the layout needs a fallback (`ColumnLayout.fallbackReason`). */
  readonly records: readonly PreparedLead[] | null;
};

/** Field paths a condition reads. */
function fieldsOf(c: Condition, into: Set<string> = new Set()): Set<string> {
  if ("all" in c) for (const x of c.all) fieldsOf(x, into);
  else if ("any" in c) for (const x of c.any) fieldsOf(x, into);
  else if ("not" in c) fieldsOf(c.not, into);
  else into.add(c.field);
  return into;
}

/** Leaves of a condition with their operator. */
function leavesOf(c: Condition, into: Array<{ field: string; range: boolean }> = []) {
  if ("all" in c) for (const x of c.all) leavesOf(x, into);
  else if ("any" in c) for (const x of c.any) leavesOf(x, into);
  else if ("not" in c) leavesOf(c.not, into);
  else into.push({ field: c.field, range: "range" in c });
  return into;
}

function layoutOf(conditions: readonly Condition[]): ColumnField[] {
  const numeric = new Map<string, boolean>();
  for (const c of conditions)
    for (const leaf of leavesOf(c)) numeric.set(leaf.field, (numeric.get(leaf.field) ?? true) && leaf.range);
  return [...numeric].map(([path, n]) => ({ path, numeric: n }));
}

/** The columns a compiled model reads: numeric where a field is read only by `range`. */
export function columnLayout(rules: CompiledRules): ColumnLayout {
  const lead = layoutOf(rules.attribute.map((r) => r.when));
  const event = layoutOf(rules.event.flatMap((r) => (r.whereCondition ? [r.whereCondition] : [])));
  const unknownLead = lead.find((f) => leadGetter(f.path) === undefined);
  const unknownEvent = event.find((f) => eventGetter(f.path) === undefined);
  const fallbackReason = unknownLead
    ? `fit or negative rule reads "${unknownLead.path}", which is not a lead field or attribute`
    : unknownEvent
      ? `event rule reads "${unknownEvent.path}", which is not an event's type, id or property`
      : null;
  const eventFieldsByType = new Map<string, number[]>();
  for (const [type, list] of rules.byType) {
    const read = new Set<string>();
    for (const r of list) {
      const where = rules.event[r]!.whereCondition;
      if (where) fieldsOf(where, read);
    }
    eventFieldsByType.set(
      type,
      event.flatMap((f, k) => (read.has(f.path) ? [k] : [])),
    );
  }
  return { lead, event, fallbackReason, eventFieldsByType };
}

class Encoder {
  readonly codes: Int32Array | null;
  readonly values: Float64Array | null;
  private readonly map = new Map<unknown, number>();
  private readonly dictionary: unknown[] = [];
  private upper = false;
  constructor(numeric: boolean, size: number, codes?: Int32Array) {
    this.codes = numeric ? null : (codes ?? new Int32Array(size));
    this.values = numeric ? new Float64Array(size) : null;
  }
  put(i: number, v: unknown): void {
    if (this.values !== null) {
      this.values[i] = typeof v === "number" ? v : Number.NaN;
      return;
    }
    if (v === undefined) {
      this.codes![i] = -1;
      return;
    }
    let c = this.map.get(v);
    if (c === undefined) {
      c = this.dictionary.length;
      this.dictionary.push(v);
      if (!this.upper && typeof v === "string" && mayHaveUpper(v)) this.upper = true;
      this.map.set(v, c);
    }
    this.codes![i] = c;
  }
  column(): LeadColumn {
    return this.values !== null
      ? { kind: "numbers", values: this.values }
      : {
          kind: "codes",
          codes: this.codes!,
          dictionary: this.dictionary,
          index: this.map,
          mayHaveUpper: this.upper,
        };
  }
}

type Source = {
  readonly account: unknown;
  readonly contact: { readonly email?: string | null } | null;
  readonly events: readonly { readonly type: string }[];
};

/**
 * Builds the columns of `layout` from the records as the storage reader returns them (ScoreInput,
 * ISO instants, events in any order; demo LeadBundles are ScoreInputs) or from prepared leads.
 */
export function buildLeadColumns(
  layout: ColumnLayout,
  leads: readonly ScoreInput[] | readonly PreparedLead[],
  prepared: boolean,
): LeadColumns {
  const size = leads.length;
  const eventStart = new Int32Array(size + 1);
  if (layout.fallbackReason !== null) {
    const records = prepared
      ? (leads as readonly PreparedLead[])
      : (leads as readonly ScoreInput[]).map((x) => prepareLead(x));
    return {
      size,
      lead: new Map(),
      eventStart,
      eventType: new Int32Array(0),
      typeDictionary: [],
      eventAt: new Float64Array(0),
      event: new Map(),
      records,
    };
  }
  let total = 0;
  for (let i = 0; i < size; i++) total += (leads[i] as Source).events.length;
  const leadEnc = layout.lead.map((f) => new Encoder(f.numeric, size));
  const leadGet = layout.lead.map((f) =>
    f.path === "contact.emailDomain" && !prepared
      ? (l: Source) => emailDomain(l.contact?.email ?? null)
      : (leadGetter(f.path) as (l: Source) => unknown),
  );
  // The event code columns side by side in one buffer (matching reads them as one flat array).
  const shared = new Int32Array(layout.event.length * total);
  const eventEnc = layout.event.map(
    (f, k) => new Encoder(f.numeric, total, shared.subarray(k * total, (k + 1) * total)),
  );
  for (const enc of eventEnc) {
    enc.codes?.fill(-1);
    enc.values?.fill(Number.NaN);
  }
  const none: readonly number[] = [];
  const fieldsOfType: (readonly number[])[] = [];
  const eventGet = layout.event.map((f) => eventGetter(f.path) as (e: unknown) => unknown);
  const eventType = new Int32Array(total);
  const eventAt = new Float64Array(total);
  const typeCode = new Map<string, number>();
  const typeDictionary: string[] = [];
  let ats = new Float64Array(64);
  let order = new Int32Array(64);
  const nLead = leadEnc.length;
  let j = 0;
  for (let i = 0; i < size; i++) {
    const lead = leads[i] as Source;
    for (let f = 0; f < nLead; f++) leadEnc[f]!.put(i, leadGet[f]!(lead));
    eventStart[i] = j;
    const events = lead.events;
    const ne = events.length;
    if (ne > ats.length) {
      ats = new Float64Array(2 * ne);
      order = new Int32Array(2 * ne);
    }
    for (let e = 0; e < ne; e++)
      ats[e] = prepared
        ? (events[e] as unknown as { atMs: number }).atMs
        : instantMs((events[e] as BehaviourEvent).occurredAt);
    // As prepareLead's stable sort: ties keep input order.
    orderByTime(ats, order, ne);
    for (let k = 0; k < ne; k++, j++) {
      const e = order[k]!;
      const ev = events[e]!;
      eventAt[j] = ats[e]!;
      let t = typeCode.get(ev.type);
      if (t === undefined) {
        t = typeDictionary.length;
        typeDictionary.push(ev.type);
        typeCode.set(ev.type, t);
        fieldsOfType.push(layout.eventFieldsByType.get(ev.type) ?? none);
      }
      eventType[j] = t;
      const read = fieldsOfType[t]!;
      for (let q = 0; q < read.length; q++) {
        const f = read[q]!;
        eventEnc[f]!.put(j, eventGet[f]!(ev));
      }
    }
  }
  eventStart[size] = j;
  return {
    size,
    lead: new Map(layout.lead.map((f, k) => [f.path, leadEnc[k]!.column()])),
    eventStart,
    eventType,
    typeDictionary,
    eventAt,
    event: new Map(layout.event.map((f, k) => [f.path, eventEnc[k]!.column()])),
    records: null,
  };
}

/**
 * A condition planned once per model: a subtree reading one dictionary-encoded field becomes one
 * predicate over that field's value (`cat`), tested once per distinct value of a batch; `range`
 * on a numeric column stays a compare; all/any/not combine per-row results.
 */
type Plan =
  | {
      readonly k: "cat";
      readonly path: string;
      readonly test: (v: unknown) => boolean;
      /** For equals/in/exists (under any number of `not`): the table from a few index lookups. */
      readonly direct: Direct | null;
    }
  | { readonly k: "range"; readonly path: string; readonly min: number; readonly max: number }
  | { readonly k: "all" | "any"; readonly parts: readonly Plan[] }
  | { readonly k: "not"; readonly inner: Plan };

const identity = () => (v: unknown) => v;

function plan(c: Condition, numeric: ReadonlySet<string>): Plan {
  const fields = fieldsOf(c);
  if (fields.size === 1) {
    const [path] = fields as unknown as [string];
    if (!numeric.has(path))
      return { k: "cat", path, test: compileCondition<unknown>(c, identity), direct: directOf(c, false) };
  }
  if ("all" in c) return { k: "all", parts: c.all.map((x) => plan(x, numeric)) };
  if ("any" in c) return { k: "any", parts: c.any.map((x) => plan(x, numeric)) };
  if ("not" in c) return { k: "not", inner: plan(c.not, numeric) };
  if ("range" in c)
    return {
      k: "range",
      path: c.field,
      min: c.range.min ?? Number.NEGATIVE_INFINITY,
      max: c.range.max ?? Number.POSITIVE_INFINITY,
    };
  // Only ranges read numeric columns (columnLayout), and a one-field subtree on any other column is `cat`.
  throw new Error(`columns: cannot plan a condition on ${c.field}`);
}

/**
 * equals/in answered from the column's index: the values that hold are exactly the wanted values
 * present (when no string in the dictionary has upper case; the wanted ones are lower-cased as in
 * compileCondition), and `exists` holds for every value but null and "".
 */
type Direct =
  | { readonly op: "values"; readonly values: readonly unknown[]; readonly negate: boolean }
  | { readonly op: "exists"; readonly want: boolean; readonly negate: boolean };

function directOf(c: Condition, negate: boolean): Direct | null {
  if ("not" in c) return directOf(c.not, !negate);
  const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);
  if ("equals" in c) return { op: "values", values: [lower(c.equals)], negate };
  if ("in" in c) return { op: "values", values: [...new Set(c.in.map(lower))], negate };
  if ("exists" in c) return { op: "exists", want: c.exists, negate };
  return null;
}

/** Evaluates a plan over rows [0, n) of `columns` into out (1 where it holds). */
class Evaluator {
  private scratch: Uint8Array[] = [];
  private table = new Uint8Array(64);
  private columns: ReadonlyMap<string, LeadColumn> = new Map();
  reset(columns: ReadonlyMap<string, LeadColumn>): void {
    this.columns = columns;
  }
  private buf(depth: number, n: number): Uint8Array {
    let b = this.scratch[depth];
    if (b === undefined || b.length < n) {
      b = new Uint8Array(Math.max(n, 2 * (b?.length ?? 0)));
      this.scratch[depth] = b;
    }
    return b;
  }
  /**
   * Tests each distinct value of the plan's field once: into[at + code + 1] (into[at]: the field is
   * absent). Returns the column's codes. `this.table` is grown when it is the target.
   */
  tableOf(p: Plan & { k: "cat" }, into: Uint8Array, at: number): Int32Array {
    const col = this.columns.get(p.path)!;
    if (col.kind !== "codes") throw new Error(`columns: ${p.path} should be dictionary-encoded`);
    const { codes, dictionary } = col;
    const size = dictionary.length + 1;
    if (into === this.table && this.table.length < size) {
      this.table = new Uint8Array(2 * size);
      into = this.table;
    }
    into[at] = p.test(undefined) ? 1 : 0;
    const direct = p.direct;
    const index = col.index;
    if (direct !== null && index !== undefined && (direct.op === "exists" || col.mayHaveUpper === false)) {
      // Every present value is the same answer but a few, found by lookup.
      const hit = direct.op === "values" ? 1 : 0;
      const rest = (direct.op === "values" ? 0 : direct.want ? 1 : 0) ^ (direct.negate ? 1 : 0);
      into.fill(rest, at + 1, at + size);
      const few = direct.op === "values" ? direct.values : [null, ""];
      const other = direct.op === "values" ? hit ^ (direct.negate ? 1 : 0) : rest ^ 1;
      for (const v of few) {
        const code = index.get(v);
        if (code !== undefined) into[at + code + 1] = other;
      }
      return codes;
    }
    for (let d = 1; d < size; d++) into[at + d] = p.test(dictionary[d - 1]) ? 1 : 0;
    return codes;
  }
  /** Size of the table `tableOf` fills for a plan. */
  tableSize(p: Plan & { k: "cat" }): number {
    const col = this.columns.get(p.path);
    return col?.kind === "codes" ? col.dictionary.length + 1 : 0;
  }
  get scratchTable(): Uint8Array {
    return this.table;
  }
  run(p: Plan, n: number, out: Uint8Array, depth = 0): void {
    switch (p.k) {
      case "cat": {
        const codes = this.tableOf(p, this.table, 0);
        const table = this.table;
        for (let i = 0; i < n; i++) out[i] = table[codes[i]! + 1]!;
        return;
      }
      case "range": {
        const col = this.columns.get(p.path)!;
        if (col.kind !== "numbers") throw new Error(`columns: ${p.path} should be numeric`);
        const { values } = col;
        const { min, max } = p;
        for (let i = 0; i < n; i++) {
          const v = values[i]!;
          out[i] = v >= min && v <= max ? 1 : 0;
        }
        return;
      }
      case "not": {
        this.run(p.inner, n, out, depth);
        for (let i = 0; i < n; i++) out[i] = out[i]! ^ 1;
        return;
      }
      default: {
        this.run(p.parts[0]!, n, out, depth + 1);
        if (p.parts.length === 1) return;
        const tmp = this.buf(depth, n);
        for (let q = 1; q < p.parts.length; q++) {
          this.run(p.parts[q]!, n, tmp, depth + 1);
          if (p.k === "all") for (let i = 0; i < n; i++) out[i] = out[i]! & tmp[i]!;
          else for (let i = 0; i < n; i++) out[i] = out[i]! | tmp[i]!;
        }
      }
    }
  }
}

export type ColumnsScorer = {
  readonly layout: ColumnLayout;
  /** Columns of this model's fields from the records (ISO instants, events in any order). */
  columnsFromInputs(inputs: readonly ScoreInput[]): LeadColumns;
  /** Columns of this model's fields from prepared leads. */
  columnsFromPrepared(leads: readonly PreparedLead[]): LeadColumns;
  /**
   * A batch (for `scoreBatch`) from columns: the model's conditions are tested once per distinct
   * value of each column, then fit and event matching are loops over typed arrays. `reuse`: a
   * batch of this scorer that is no longer needed, whose arrays are written over (it must not be
   * used afterwards) instead of allocating new ones — for scoring a stream of batches.
   */
  prepareBatchFromColumns(columns: LeadColumns, reuse?: ScoringBatch): ScoringBatch;
};

/**
 * The columnar entry points of a compiled model. The numbers are `scoreInto`'s exactly (the same
 * predicates, run on each distinct value instead of each lead; caps and sums in the interpreter's
 * order; property-tested). Where the layout needs a fallback, the columns keep the prepared
 * records and the batch is prepared from them (`batch.prepareBatch`).
 */
export function columnsScorer(rules: CompiledRules, batch: BatchScorer): ColumnsScorer {
  const layout = columnLayout(rules);
  const supported = layout.fallbackReason === null;
  const numericLead = new Set(layout.lead.filter((f) => f.numeric).map((f) => f.path));
  const numericEvent = new Set(layout.event.filter((f) => f.numeric).map((f) => f.path));
  const attrPlans = supported ? rules.attribute.map((r) => plan(r.when, numericLead)) : [];
  const wherePlans = supported
    ? rules.event.map((r) => (r.whereCondition ? plan(r.whereCondition, numericEvent) : null))
    : [];
  const noCodes = new Int32Array(0);
  const frequency = Uint8Array.from(rules.event, (r) => r.frequency);
  const periodMs = Float64Array.from(rules.event, (r) => r.periodMs);
  const fitCap = rules.fitCap;
  const leadEval = new Evaluator();
  const eventEval = new Evaluator();
  let fired = new Uint8Array(0);
  let fitLeft = new Float64Array(0);
  let capLeft = new Float64Array(0);
  let where = new Uint8Array(0);
  let flatCopy = new Int32Array(0);
  // Matches per event of the last batch: the guess for the next one's room (the reference model
  // over demo leads: ~1.46), so that fresh arrays are rarely grown.
  let matchesPerEvent = 1.5;

  // codes[i] = i - 1 + 1 … i.e. row i of `fired` (shifted by one) read as table entry i + 1.
  let ids = new Int32Array(0);
  function identity(n: number): Int32Array {
    if (ids.length < n) ids = Int32Array.from({ length: 2 * n }, (_, i) => i);
    return ids;
  }

  function check(columns: LeadColumns): void {
    const missing = (fields: readonly ColumnField[], have: ReadonlyMap<string, LeadColumn>) =>
      fields.find((f) => have.get(f.path)?.kind !== (f.numeric ? "numbers" : "codes"));
    const m = missing(layout.lead, columns.lead) ?? missing(layout.event, columns.event);
    if (m !== undefined)
      throw new TypeError(
        `prepareBatchFromColumns: the columns have no ${m.numeric ? "numeric" : "dictionary-encoded"} column "${m.path}" (build them with this scorer's columnsFromInputs)`,
      );
  }

  function fitColumn(columns: LeadColumns, reuse: ScoringBatch | undefined): Float64Array {
    const n = columns.size;
    const fit = view(Float64Array, reuse?.fit, n);
    fit.fill(0);
    if (fired.length < n + 1) {
      fired = new Uint8Array(n + 1);
      fitLeft = new Float64Array(n);
    }
    const nCaps = rules.groupCaps.length;
    if (capLeft.length < nCaps * n) capLeft = new Float64Array(nCaps * n);
    for (let g = 0; g < nCaps; g++) capLeft.fill(rules.groupCaps[g]!, g * n, (g + 1) * n);
    fitLeft.fill(fitCap, 0, n);
    leadEval.reset(columns.lead);
    // Rule by rule over all leads, in the interpreter's order (settle in compile-model).
    for (let r = 0; r < attrPlans.length; r++) {
      const p = attrPlans[r]!;
      // A one-field rule is read straight from its table (tbl[codes[i] + 1]); any other is
      // evaluated into `fired` first and read through the identity (codes 0, tbl = fired shifted).
      let tbl: Uint8Array;
      let codes: Int32Array;
      if (p.k === "cat") {
        codes = leadEval.tableOf(p, leadEval.scratchTable, 0);
        tbl = leadEval.scratchTable;
      } else {
        leadEval.run(p, n, fired.subarray(1));
        tbl = fired;
        codes = identity(n);
      }
      const rule = rules.attribute[r]!;
      const points = rule.points;
      if (points < 0) negativeInto(fit, tbl, codes, n, points);
      else if (rule.capIndex >= 0)
        cappedInto(fit, fitLeft, capLeft, rule.capIndex * n, tbl, codes, n, points);
      else uncappedInto(fit, fitLeft, tbl, codes, n, points);
    }
    return fit;
  }

  function prepareBatchFromColumns(columns: LeadColumns, reuse?: ScoringBatch): ScoringBatch {
    if (columns.records !== null) return batch.prepareBatch(columns.records);
    if (!supported) throw new TypeError(`prepareBatchFromColumns: ${layout.fallbackReason}`);
    check(columns);
    if (reuse !== undefined && reuse.rules !== rules)
      throw new TypeError(
        "prepareBatchFromColumns: the batch to reuse was prepared by another model's scorer",
      );
    const size = columns.size;
    const fit = fitColumn(columns, reuse);
    const { eventStart, eventType, eventAt, typeDictionary } = columns;
    const nEv = eventStart[size]!;
    // `where` of each rule that has one, read per event as tbl[whereAt[r] + codes[e] + 1]: a
    // one-field filter from its table over the distinct values, any other from a row evaluated
    // over all events (codes: the identity).
    eventEval.reset(columns.event);
    const regionSize = wherePlans.map((p) => (p ? (p.k === "cat" ? eventEval.tableSize(p) : nEv + 1) : 0));
    let tableSize = 0;
    for (let r = 0; r < regionSize.length; r++) tableSize += regionSize[r]!;
    // + a table of ones that rules without `where` read (so every slot reads a table, no test).
    const onesSize = Math.max(2, ...regionSize);
    if (where.length < tableSize + onesSize) where = new Uint8Array(2 * (tableSize + onesSize));
    const whereAt = new Int32Array(wherePlans.length).fill(-1);
    const whereCodes: Int32Array[] = [];
    let off = 0;
    for (let r = 0; r < wherePlans.length; r++) {
      const p = wherePlans[r];
      if (!p) {
        whereCodes.push(noCodes);
        continue;
      }
      whereAt[r] = off;
      if (p.k === "cat") whereCodes.push(eventEval.tableOf(p, where, off));
      else {
        eventEval.run(p, nEv, where.subarray(off + 1, off + 1 + nEv));
        whereCodes.push(identity(nEv));
      }
      off += regionSize[r]!;
    }
    const onesAt = off;
    where.fill(1, onesAt, onesAt + onesSize);
    // Rules per event type of this batch, flat: typeRules[typeStart[t], typeStart[t + 1]).
    const typeStart = new Int32Array(typeDictionary.length + 1);
    const lists = typeDictionary.map((t) => rules.byType.get(t));
    let maxSlots = 0;
    for (let t = 0; t < lists.length; t++) {
      const l = lists[t]?.length ?? 0;
      typeStart[t + 1] = typeStart[t]! + l;
      if (l > maxSlots) maxSlots = l;
    }
    const typeRules = new Int32Array(typeStart[lists.length]!);
    lists.forEach((l, t) => {
      if (l) typeRules.set(l, typeStart[t]!);
    });
    // Per slot k of typeRules: the rule, its `where` table offset and codes, its period.
    const slots = typeRules.length;
    const slotWhere = new Int32Array(slots);
    const slotCodeAt = new Int32Array(slots);
    const slotPeriod = new Float64Array(slots);
    // The codes `where` tables are read with, as one flat array: the columns' own buffer when they
    // share one (as built here), else copied side by side; with no `where` at all, nEv zeros.
    const used = [...new Set(whereCodes.filter((_c, r) => whereAt[r]! >= 0))];
    let flat: Int32Array;
    const offsetOf = new Map<Int32Array, number>();
    if (used.length > 0 && used.every((c) => c.buffer === used[0]!.buffer)) {
      flat = new Int32Array(used[0]!.buffer);
      for (const c of used) offsetOf.set(c, c.byteOffset >> 2);
    } else {
      const rows = Math.max(1, used.length) * nEv;
      if (flatCopy.length < rows) flatCopy = new Int32Array(2 * rows);
      flat = flatCopy;
      if (used.length === 0) flat.fill(0, 0, nEv);
      used.forEach((c, q) => {
        flat.set(c.subarray(0, nEv), q * nEv);
        offsetOf.set(c, q * nEv);
      });
    }
    // A rule without `where` reads the ones with codes that fit in them: those of the first
    // filter (its table is the largest size or smaller), or the zeros.
    const onesCodeAt = used.length > 0 ? offsetOf.get(used[0]!)! : 0;
    for (let k = 0; k < slots; k++) {
      const r = typeRules[k]!;
      slotWhere[k] = whereAt[r]! >= 0 ? whereAt[r]! : onesAt;
      slotCodeAt[k] = whereAt[r]! >= 0 ? offsetOf.get(whereCodes[r]!)! : onesCodeAt;
      slotPeriod[k] = frequency[r] === 2 ? periodMs[r]! : 0;
    }
    // Room for the matches: what the spent batch had, or a guess from the batch before, grown when
    // a lead might not fit (a lead needs room for every rule of each of its events' types).
    const matchStart = view(Int32Array, reuse?.matchStart, size + 1);
    let capacity = Math.max(
      reuse === undefined ? 0 : reuse.matchAt.buffer.byteLength >> 3,
      Math.ceil(nEv * matchesPerEvent * 1.125) + 16 * maxSlots,
    );
    let at = view(Float64Array, reuse?.matchAt, capacity);
    let rule = view(Int32Array, reuse?.matchRule, capacity);
    let per = view(Float64Array, reuse?.matchPeriod, capacity);
    let from = 0;
    for (;;) {
      from = matchEvents(
        from,
        size,
        maxSlots,
        eventStart,
        eventType,
        eventAt,
        typeStart,
        typeRules,
        slotWhere,
        slotCodeAt,
        flat,
        where,
        slotPeriod,
        matchStart,
        at,
        rule,
        per,
      );
      if (from === size) break;
      const m = matchStart[from]!;
      capacity = 2 * capacity + (eventStart[from + 1]! - eventStart[from]!) * maxSlots;
      at = grown(at, new Float64Array(capacity), m);
      rule = grown(rule, new Int32Array(capacity), m);
      per = grown(per, new Float64Array(capacity), m);
    }
    const m = matchStart[size]!;
    if (nEv > 0) matchesPerEvent = m / nEv;
    return {
      size,
      fit,
      matchStart,
      matchAt: at.subarray(0, m),
      matchRule: rule.subarray(0, m),
      matchPeriod: per.subarray(0, m),
      rules,
    };
  }

  return {
    layout,
    columnsFromInputs: (inputs) => buildLeadColumns(layout, inputs, false),
    columnsFromPrepared: (leads) => buildLeadColumns(layout, leads, true),
    prepareBatchFromColumns,
  };
}

/*
 * One fit rule over leads [0, n): the lead holds it where tbl[codes[i] + 1] is not 0. One loop per
 * kind of rule (no per-lead test of whether it has a group cap), in the interpreter's order of
 * operations. (A branch-free version, adding points * 0 through the caps for a lead that does not
 * hold the rule, was ~4% slower over the whole path in an A/B: most rules hold for few leads.)
 */

/** A positive rule in a group with a cap (`capLeft[base + i]`: what the group has left for lead i). */
function cappedInto(
  fit: Float64Array,
  fitLeft: Float64Array,
  capLeft: Float64Array,
  base: number,
  tbl: Uint8Array,
  codes: Int32Array,
  n: number,
  points: number,
): void {
  for (let i = 0; i < n; i++) {
    if (tbl[codes[i]! + 1] === 0) continue;
    let c = points;
    const group = capLeft[base + i]!;
    if (c > group) c = group;
    const left = fitLeft[i]!;
    if (c > left) c = left;
    if (c < 0) c = 0;
    capLeft[base + i] = group - c;
    fitLeft[i] = left - c;
    fit[i]! += c;
  }
}

/** A positive rule outside any capped group. */
function uncappedInto(
  fit: Float64Array,
  fitLeft: Float64Array,
  tbl: Uint8Array,
  codes: Int32Array,
  n: number,
  points: number,
): void {
  for (let i = 0; i < n; i++) {
    if (tbl[codes[i]! + 1] === 0) continue;
    let c = points;
    const left = fitLeft[i]!;
    if (c > left) c = left;
    if (c < 0) c = 0;
    fitLeft[i] = left - c;
    fit[i]! += c;
  }
}

/** A negative rule: its points, uncapped. */
function negativeInto(
  fit: Float64Array,
  tbl: Uint8Array,
  codes: Int32Array,
  n: number,
  points: number,
): void {
  for (let i = 0; i < n; i++) if (tbl[codes[i]! + 1] !== 0) fit[i]! += points;
}

/** `length` elements over the whole buffer of `old` when it is large enough, else a new array. */
function view<T extends Float64Array | Int32Array>(
  Ctor: { new (length: number): T; new (buffer: ArrayBufferLike, offset: number, length: number): T },
  old: T | undefined,
  length: number,
): T {
  if (old !== undefined && old.byteOffset === 0 && old.buffer.byteLength >= length * old.BYTES_PER_ELEMENT)
    return new Ctor(old.buffer, 0, length);
  return new Ctor(length);
}

/** `to` with the first m elements of `from`. */
function grown<T extends Float64Array | Int32Array>(from: T, to: T, m: number): T {
  to.set(from.subarray(0, m) as never);
  return to;
}

/**
 * Per lead from lead `from` on, per event (oldest first), the rules of its type whose `where`
 * holds: (instant, rule, period) into at/rule/per, as batch.ts's prepareBatch. Returns `size`, or
 * the first lead whose events might not fit (every slot of its events is written, and kept only
 * when its `where` table says 1: no branch on the filter), with matchStart set up to that lead.
 * (Remembering each slot's last period with the range of instants in it, to skip the division,
 * was slower: a lead's events span weeks, and each lead starts over at the oldest.)
 */
function matchEvents(
  from: number,
  size: number,
  maxSlots: number,
  eventStart: Int32Array,
  eventType: Int32Array,
  eventAt: Float64Array,
  typeStart: Int32Array,
  typeRules: Int32Array,
  slotWhere: Int32Array,
  slotCodeAt: Int32Array,
  codes: Int32Array,
  where: Uint8Array,
  slotPeriod: Float64Array,
  matchStart: Int32Array,
  at: Float64Array,
  rule: Int32Array,
  per: Float64Array,
): number {
  const capacity = at.length;
  let m = from === 0 ? 0 : matchStart[from]!;
  for (let i = from; i < size; i++) {
    matchStart[i] = m;
    const start = eventStart[i]!;
    const end = eventStart[i + 1]!;
    if (m + (end - start) * maxSlots > capacity) return i;
    for (let e = start; e < end; e++) {
      const t = eventType[e]!;
      const to = typeStart[t + 1]!;
      const atMs = eventAt[e]!;
      for (let k = typeStart[t]!; k < to; k++) {
        const keep = where[slotWhere[k]! + codes[slotCodeAt[k]! + e]! + 1]!;
        const pm = slotPeriod[k]!;
        at[m] = atMs;
        rule[m] = typeRules[k]!;
        per[m] = pm > 0 ? Math.floor((atMs - MONDAY_MS) / pm) : 0;
        m += keep;
      }
    }
  }
  matchStart[size] = m;
  return size;
}

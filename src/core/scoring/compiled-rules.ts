import { compileCondition, compileGetter, type Predicate } from "./compile-condition.ts";
import type { Condition } from "./condition.ts";
import { type DecayPlan, planDecay } from "./decay.ts";
import { eventGetter, leadGetter } from "./lead-fields.ts";
import type { ScoringModel } from "./model-schema.ts";
import type { PreparedEvent, PreparedLead } from "./prepare.ts";

export type RuleKind = "fit" | "engagement" | "negative";

/** A rule on the lead's records (fit rules and negative attribute rules), ready to run. */
export type AttributeRule = {
  readonly id: string;
  readonly kind: RuleKind;
  readonly group: string | null;
  /** Index into the cap table, -1 when the rule is not capped by a group (negative rules). */
  readonly capIndex: number;
  readonly points: number;
  readonly test: Predicate<PreparedLead>;
  /** The condition `test` was compiled from (the code generator compiles it again, inline). */
  readonly when: Condition;
};

/**
 * Rules whose whole condition is `equals`/`in` on the same field with string values, answered by one
 * read of the field and one map lookup instead of one predicate call per rule.
 */
export type FieldDispatch = {
  /** The field path read (e.g. `account.industry`). */
  readonly field: string;
  readonly get: (lead: PreparedLead) => unknown;
  /** Lower-cased value -> indexes of the attribute rules it fires. */
  readonly table: ReadonlyMap<string, Int32Array>;
};

/** An engagement rule or negative event rule, ready to run. */
export type EventRule = {
  readonly id: string;
  readonly kind: RuleKind;
  readonly group: string | null;
  readonly capIndex: number;
  readonly points: number;
  readonly where: Predicate<PreparedEvent> | null;
  readonly whereCondition: Condition | null;
  /** 0 repeatable, 1 once (the latest event counts), 2 at most `max` per period. */
  readonly frequency: 0 | 1 | 2;
  readonly max: number;
  readonly periodMs: number;
  readonly decay: DecayPlan;
};

export type CompiledRules = {
  readonly attribute: readonly AttributeRule[];
  /** Attribute rules left to their predicate (the others are answered by `dispatch`). */
  readonly attributeTested: Int32Array;
  readonly dispatch: readonly FieldDispatch[];
  readonly event: readonly EventRule[];
  /** Event type -> indexes into `event`, so an event only meets the rules that can match it. */
  readonly byType: ReadonlyMap<string, Int32Array>;
  /** Caps of the groups: fit groups first, then engagement groups (Infinity when uncapped). */
  readonly groupCaps: Float64Array;
  readonly fitCap: number;
  readonly engagementCap: number;
};

const DAY_MS = 86_400_000;

/** Turns a validated model into closures and tables (done once per model version). */
export function compileRules(model: ScoringModel): CompiledRules {
  const capIndex = new Map<string, number>();
  const caps: number[] = [];
  for (const side of ["fit", "engagement"] as const)
    for (const g of model[side].groups) {
      capIndex.set(`${side}:${g.id}`, caps.length);
      caps.push(g.cap ?? Number.POSITIVE_INFINITY);
    }
  const attribute: AttributeRule[] = model.fit.rules.map((r) => ({
    id: r.id,
    kind: "fit",
    group: r.group ?? null,
    capIndex: r.group === undefined ? -1 : (capIndex.get(`fit:${r.group}`) ?? -1),
    points: r.points,
    test: compileCondition(r.when, leadGetter),
    when: r.when,
  }));
  const event: EventRule[] = model.engagement.rules.map((r) => ({
    id: r.id,
    kind: "engagement",
    group: r.group ?? null,
    capIndex: r.group === undefined ? -1 : (capIndex.get(`engagement:${r.group}`) ?? -1),
    points: r.points,
    where: r.where ? compileCondition<PreparedEvent>(r.where, eventGetter) : null,
    whereCondition: r.where ?? null,
    ...frequencyOf(r.frequency),
    decay: planDecay(r.decay ?? model.engagement.decay),
  }));
  const eventTypes: string[][] = model.engagement.rules.map((r) => typeList(r.event));
  for (const r of model.negative.rules) {
    if ("when" in r) {
      attribute.push({
        id: r.id,
        kind: "negative",
        group: null,
        capIndex: -1,
        points: r.points,
        test: compileCondition(r.when, leadGetter),
        when: r.when,
      });
    } else {
      event.push({
        id: r.id,
        kind: "negative",
        group: null,
        capIndex: -1,
        points: r.points,
        where: r.where ? compileCondition<PreparedEvent>(r.where, eventGetter) : null,
        whereCondition: r.where ?? null,
        ...frequencyOf(r.frequency),
        // Penalties do not fade unless the rule says so.
        decay: planDecay(r.decay ?? { mode: "none" }),
      });
      eventTypes.push(typeList(r.event));
    }
  }
  const byTypeLists = new Map<string, number[]>();
  eventTypes.forEach((types, i) => {
    for (const t of types) {
      const list = byTypeLists.get(t) ?? [];
      list.push(i);
      byTypeLists.set(t, list);
    }
  });
  const byType = new Map<string, Int32Array>();
  for (const [t, list] of byTypeLists) byType.set(t, Int32Array.from(list));
  const { dispatch, tested } = planDispatch(model, attribute.length);
  return {
    attribute,
    attributeTested: tested,
    dispatch,
    event,
    byType,
    groupCaps: Float64Array.from(caps),
    fitCap: model.fit.cap ?? Number.POSITIVE_INFINITY,
    engagementCap: model.engagement.cap ?? Number.POSITIVE_INFINITY,
  };
}

function typeList(event: string | readonly string[]): string[] {
  return typeof event === "string" ? [event] : [...event];
}

function frequencyOf(
  f: ScoringModel["engagement"]["rules"][number]["frequency"],
): Pick<EventRule, "frequency" | "max" | "periodMs"> {
  if (f === "repeatable") return { frequency: 0, max: 0, periodMs: 0 };
  if (f === "once") return { frequency: 1, max: 1, periodMs: 0 };
  return { frequency: 2, max: f.max, periodMs: f.perDays * DAY_MS };
}

/** Groups string `equals`/`in` attribute rules by field (fit rules, then negative attribute rules, as in `attribute`). */
function planDispatch(model: ScoringModel, count: number): { dispatch: FieldDispatch[]; tested: Int32Array } {
  const conditions: Condition[] = [
    ...model.fit.rules.map((r) => r.when),
    ...model.negative.rules.flatMap((r) => ("when" in r ? [r.when] : [])),
  ];
  const byField = new Map<string, Map<string, number[]>>();
  const dispatched = new Set<number>();
  conditions.forEach((c, i) => {
    const values = "equals" in c ? [c.equals] : "in" in c ? c.in : null;
    if (!("field" in c) || values === null || !values.every((v) => typeof v === "string")) return;
    const table = byField.get(c.field) ?? new Map<string, number[]>();
    byField.set(c.field, table);
    for (const v of new Set(values.map((x) => (x as string).toLowerCase())))
      table.set(v, [...(table.get(v) ?? []), i]);
    dispatched.add(i);
  });
  const dispatch = [...byField].map(([field, table]) => ({
    field,
    get: compileGetter(field, leadGetter),
    table: new Map([...table].map(([v, list]) => [v, Int32Array.from(list)])),
  }));
  const tested = Int32Array.from({ length: count }, (_, i) => i).filter((i) => !dispatched.has(i));
  return { dispatch, tested };
}

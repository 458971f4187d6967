import { compileCondition, type Predicate } from "./compile-condition.ts";
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
};

/** An engagement rule or negative event rule, ready to run. */
export type EventRule = {
  readonly id: string;
  readonly kind: RuleKind;
  readonly group: string | null;
  readonly capIndex: number;
  readonly points: number;
  readonly where: Predicate<PreparedEvent> | null;
  /** 0 repeatable, 1 once (the latest event counts), 2 at most `max` per period. */
  readonly frequency: 0 | 1 | 2;
  readonly max: number;
  readonly periodMs: number;
  readonly decay: DecayPlan;
};

export type CompiledRules = {
  readonly attribute: readonly AttributeRule[];
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
  }));
  const event: EventRule[] = model.engagement.rules.map((r) => ({
    id: r.id,
    kind: "engagement",
    group: r.group ?? null,
    capIndex: r.group === undefined ? -1 : (capIndex.get(`engagement:${r.group}`) ?? -1),
    points: r.points,
    where: r.where ? compileCondition<PreparedEvent>(r.where, eventGetter) : null,
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
      });
    } else {
      event.push({
        id: r.id,
        kind: "negative",
        group: null,
        capIndex: -1,
        points: r.points,
        where: r.where ? compileCondition<PreparedEvent>(r.where, eventGetter) : null,
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
  return {
    attribute,
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

import { discoverIcp, type IcpReport, type SuggestedRule } from "../../core/model/icp.ts";
import { MIN_EXAMPLES_PER_CLASS, type Readiness, trainingReadiness } from "../../core/model/readiness.ts";
import { buildTable } from "../../core/model/table-build.ts";
import type { Instant } from "../../core/records.ts";
import type { Condition } from "../../core/scoring/condition.ts";
import type { Storage } from "../../storage/ports.ts";
import {
  closedScope,
  FIT_FEATURES,
  featureCells,
  LEAD_FEATURE_SPEC,
  outcomeLabels,
  type Population,
} from "./features.ts";
import { predictiveRepo } from "./repo.ts";

const DAY_MS = 86_400_000;
const FIT_HEADER: readonly string[] = [...FIT_FEATURES.categorical, ...FIT_FEATURES.numeric];
const FIT_COUNT = FIT_HEADER.length;

/** A fit rule in the scoring model's own rule shape, ready to paste into a draft (group `icp`). */
export type AdoptableRule = {
  readonly id: string;
  readonly group: "icp";
  readonly when: Condition;
  readonly points: number;
};

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** The scoring-model rule for a suggested ICP rule (field names are already scoring fields). */
export function adoptableRule(rule: SuggestedRule): AdoptableRule {
  const when: Condition =
    rule.operator === "eq"
      ? { field: rule.attribute, equals: rule.value }
      : rule.operator === "between"
        ? { field: rule.attribute, range: { min: rule.value[0], max: rule.value[1] } }
        : { field: rule.attribute, exists: false };
  const what =
    rule.operator === "eq"
      ? rule.value
      : rule.operator === "between"
        ? `${rule.value[0]}-${rule.value[1]}`
        : "missing";
  return { id: slug(`icp-${rule.attribute}-${what}`), group: "icp", when, points: rule.points };
}

export type IcpView =
  | {
      readonly ready: true;
      readonly report: IcpReport;
      readonly rules: readonly (SuggestedRule & { readonly scoringRule: AdoptableRule })[];
    }
  | { readonly ready: false; readonly readiness: Extract<Readiness, { ready: false }> };

/**
 * ICP discovery on the closed leads (or, with population `deals`, closed deals): segments of fit attributes (and pairs) with win rate, value,
 * cycle time and Wilson intervals; the profile; fit rules in the scoring model's rule shape.
 * A segment needs 10% of the closed rows (at least 10, at most 30).
 *
 * @example
 * const icp = await icpFromDeals(storage, now);
 * if (icp.ready) icp.rules[0].scoringRule; // { id: "icp-account-industry-software", group: "icp", when: {...}, points: 8 }
 */
export async function icpFromDeals(
  storage: Storage,
  now: Instant,
  options: { readonly population?: Population; readonly minPerClass?: number } = {},
): Promise<IcpView> {
  const facts = await predictiveRepo(storage).leadFacts(closedScope(options.population ?? "leads"), now);
  const won = outcomeLabels(facts);
  const readiness = trainingReadiness(won, options.minPerClass ?? MIN_EXAMPLES_PER_CLASS);
  if (!readiness.ready) return { ready: false, readiness };
  const table = buildTable(
    FIT_HEADER,
    facts.map((f) => featureCells(f).slice(0, FIT_COUNT)),
    {
      categorical: [...FIT_FEATURES.categorical],
      numeric: [...FIT_FEATURES.numeric],
      missing: LEAD_FEATURE_SPEC.missing,
    },
  );
  const value = Float64Array.from(facts, (f) => f.dealAmount ?? Number.NaN);
  const cycleDays = Float64Array.from(facts, (f) =>
    f.closedAt === null ? Number.NaN : (Date.parse(f.closedAt) - Date.parse(f.createdAt)) / DAY_MS,
  );
  const minSupport = Math.min(30, Math.max(10, Math.floor(facts.length / 10)));
  const report = discoverIcp({ table, won, value, cycleDays }, { minSupport });
  return {
    ready: true,
    report,
    rules: report.rules.map((r) => ({ ...r, scoringRule: adoptableRule(r) })),
  };
}

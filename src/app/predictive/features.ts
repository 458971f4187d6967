import type { Table } from "../../core/model/table.ts";
import { buildTable, type TableSpec } from "../../core/model/table-build.ts";
import { EVENT_TYPES } from "../../core/records.ts";
import type { LeadFacts } from "../../storage/predictive-repo.ts";

const DAY_MS = 86_400_000;

/**
 * Fit features, named like the scoring engine's fields so that ICP fit rules can be adopted into a
 * scoring model as they are.
 */
export const FIT_FEATURES = {
  categorical: [
    "account.industry",
    "account.country",
    "account.region",
    "contact.seniority",
    "contact.buyingRole",
    "lead.source",
    "lead.entryPath",
  ],
  numeric: ["account.employees", "account.annualRevenue"],
} as const;

/** Engagement features: counts before the cutoff, recency, and the sales team's attempts. */
export const ENGAGEMENT_FEATURES = [
  ...EVENT_TYPES.map((t) => `events.${t}` as const),
  "events.other",
  "events.total",
  "events.last14Days",
  "events.daysSinceLast",
  "activities.total",
  "activities.connected",
  "activities.meetings",
] as const;

/** The dataset spec of the database features (every column is present, empty = missing). */
export const LEAD_FEATURE_SPEC = {
  categorical: [...FIT_FEATURES.categorical],
  numeric: [...FIT_FEATURES.numeric, ...ENGAGEMENT_FEATURES],
  missing: [""],
} as const satisfies TableSpec;

const HEADER: readonly string[] = [...LEAD_FEATURE_SPEC.categorical, ...LEAD_FEATURE_SPEC.numeric];
const KNOWN = new Set<string>(EVENT_TYPES);

const cell = (v: string | number | null | undefined): string =>
  v === null || v === undefined ? "" : String(v);

/** One lead's feature cells in HEADER order. */
export function featureCells(f: LeadFacts): string[] {
  let total = 0;
  let other = 0;
  for (const [type, n] of Object.entries(f.eventCounts)) {
    total += n;
    if (!KNOWN.has(type)) other += n;
  }
  const since =
    f.lastEventAt === null
      ? null
      : Math.max(0, Math.floor((Date.parse(f.cutoff) - Date.parse(f.lastEventAt)) / DAY_MS));
  return [
    cell(f.industry),
    cell(f.country),
    cell(f.region),
    cell(f.seniority),
    cell(f.buyingRole),
    cell(f.source),
    cell(f.entryPath),
    cell(f.employees),
    cell(f.annualRevenue),
    ...EVENT_TYPES.map((t) => cell(f.eventCounts[t] ?? 0)),
    cell(other),
    cell(total),
    cell(f.eventsLast14Days),
    cell(since),
    cell(f.activities),
    cell(f.connected),
    cell(f.meetings),
  ];
}

/**
 * The core tabular form of leads: firmographics, source, entry path, buying role, seniority,
 * engagement counts and recency as of each lead's cutoff.
 *
 * @example
 * const table = leadFeatureTable(await repo.leadFacts("closed-leads", now));
 */
export function leadFeatureTable(facts: readonly LeadFacts[]): Table {
  return buildTable(HEADER, facts.map(featureCells), LEAD_FEATURE_SPEC);
}

/**
 * Who a model learns from: `leads` — every lead whose fate is known (won against lost, disqualified
 * or recycled: "will this lead become a customer?"); `deals` — only leads whose deal closed ("will
 * this opportunity be won?").
 */
export const POPULATIONS = ["leads", "deals"] as const;
export type Population = (typeof POPULATIONS)[number];

/** The lead-facts scope of a population. */
export const closedScope = (p: Population): "closed-deals" | "closed-leads" =>
  p === "deals" ? "closed-deals" : "closed-leads";

/** 1 for won, 0 for lost, per closed lead. */
export function outcomeLabels(facts: readonly LeadFacts[]): Uint8Array {
  return Uint8Array.from(facts, (f) => (f.outcome === "won" ? 1 : 0));
}

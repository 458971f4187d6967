import { createHash } from "node:crypto";
import { WinnowError } from "../../core/errors.ts";
import type { Segment, SegmentCondition } from "../../core/model/icp.ts";
import type { Instant } from "../../core/records.ts";
import type { Condition } from "../../core/scoring/condition.ts";
import type { ScoringModel } from "../../core/scoring/model-schema.ts";
import { validateScoringModel } from "../../core/scoring/parse-model.ts";
import type { Storage, StoredScoringModel } from "../../storage/ports.ts";
import type { Population } from "./features.ts";
import { icpFromDeals } from "./icp.ts";

/** The fit group adopted ICP rules go to (declared in the draft when missing). */
export const ICP_GROUP = { id: "icp", label: "Ideal customer profile (learned from closed deals)" } as const;
const ID_MAX = 80;
// Same scale and clamp as discoverIcp's suggested rules, so a one-condition segment gets the same points.
const POINTS_SCALE = 10;
const MAX_POINTS = 25;

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

const conditionWords = (c: SegmentCondition) =>
  `${c.attribute}-${c.operator === "eq" ? c.value : c.operator === "between" ? `${c.value[0]}-${c.value[1]}` : "missing"}`;

/**
 * The rule id of a segment: `icp-<attribute>-<value>` (the same id as the suggested rule of a
 * one-condition segment), pairs joined; ids longer than a scoring rule id may be end in a short hash.
 */
export function segmentId(conditions: readonly SegmentCondition[]): string {
  const id = slug(`icp-${conditions.map(conditionWords).join("-and-")}`);
  if (id.length <= ID_MAX) return id;
  const hash = createHash("sha256").update(id).digest("hex").slice(0, 8);
  return `${id.slice(0, ID_MAX - 9).replace(/-$/, "")}-${hash}`;
}

function conditionOf(c: SegmentCondition): Condition {
  if (c.operator === "eq") return { field: c.attribute, equals: c.value };
  if (c.operator === "between") return { field: c.attribute, range: { min: c.value[0], max: c.value[1] } };
  return { field: c.attribute, exists: false };
}

/** Points for a segment: round(10 × ln(lift)), clamped to ±25 (0 = no rule). */
export function segmentPoints(lift: number): number {
  const points = Math.round(POINTS_SCALE * Math.log(Math.max(lift, 1e-3)));
  return Math.max(-MAX_POINTS, Math.min(MAX_POINTS, points)) || 0;
}

/** A segment as a scoring rule: one condition as is, a pair as `all`. */
export type SegmentRule = { readonly id: string; readonly when: Condition; readonly points: number };

export function segmentRule(segment: Pick<Segment, "conditions" | "lift">): SegmentRule {
  const [first, ...rest] = segment.conditions;
  const when: Condition =
    rest.length === 0 && first ? conditionOf(first) : { all: segment.conditions.map(conditionOf) };
  return { id: segmentId(segment.conditions), when, points: segmentPoints(segment.lift) };
}

/** A segment with its rule id and the rule it would become (what the ICP route lists). */
export function withRule<S extends Segment>(s: S): S & { id: string; scoringRule: SegmentRule } {
  const rule = segmentRule(s);
  return { ...s, id: rule.id, scoringRule: rule };
}

export type IcpDraftOptions = {
  readonly now: Instant;
  readonly actor: string;
  /** `suggested`: every suggested fit rule; or the ids of suggested rules and/or segments. */
  readonly adopt: "suggested" | readonly string[];
  readonly population?: Population;
  /** Start from this scoring model (id) instead of the default one. */
  readonly from?: string;
  /** Name of the draft (default: the base model's name, so the draft is its next version). */
  readonly name?: string;
  /** Drop rules an earlier adoption added (group `icp`, negative ids `icp-…`) first (default true). */
  readonly replaceEarlier?: boolean;
};

export type AdoptedRule = SegmentRule & {
  readonly rows: number;
  readonly winRate: number;
  readonly lift: number;
};

export type IcpDraftResult = {
  readonly draft: StoredScoringModel;
  readonly base: { readonly id: string; readonly name: string; readonly version: number };
  readonly adopted: readonly AdoptedRule[];
  /** Ids of the base model's rules the adopted ones replaced or that an earlier adoption added. */
  readonly removed: readonly string[];
};

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * Adopts ICP segments or suggested fit rules into a scoring-model DRAFT: the default model (or
 * `from`) with the chosen rules added to the fit group `icp` (positive points) or to the negative
 * rules (negative points); a rule with the same id is replaced. The draft is validated by the
 * scoring-model schema, saved through the same repository call as `POST /v1/scoring-models`, and
 * its description says where the rules came from. Nothing is published.
 *
 * @example
 * const r = await adoptIcpIntoDraft(storage, { now, actor: "manager", adopt: "suggested" });
 * r.draft.status; // "draft"
 */
export async function adoptIcpIntoDraft(storage: Storage, options: IcpDraftOptions): Promise<IcpDraftResult> {
  const population = options.population ?? "leads";
  const repo = storage.scoringModels;
  const stored = options.from ? await repo.get(options.from) : await repo.getDefault();
  if (!stored)
    throw new WinnowError("WINNOW_ERR_SCORING_MODEL_NOT_FOUND", {
      message: options.from
        ? `Scoring model ${options.from} does not exist`
        : "There is no default scoring model to add the ICP rules to; publish one in the scoring console first (or name one with `from`)",
    });
  const baseDoc = validateScoringModel(stored.document);
  if (!baseDoc.ok)
    throw new WinnowError("WINNOW_ERR_VALIDATION", {
      message: `Scoring model ${stored.id} is not valid any more`,
      issues: baseDoc.error,
    });

  const icp = await icpFromDeals(storage, options.now, { population });
  if (!icp.ready)
    throw new WinnowError("WINNOW_ERR_MODEL_DATA", {
      message: icp.readiness.reason,
      details: { won: icp.readiness.won, lost: icp.readiness.lost, fallback: icp.readiness.fallback },
    });
  const report = icp.report;
  const available = new Map<string, AdoptedRule>();
  for (const s of [...report.bySupport, ...report.byLift, ...report.profile]) {
    const rule = segmentRule(s);
    available.set(rule.id, { ...rule, rows: s.rows, winRate: s.winRate, lift: s.lift });
  }
  // Suggested rules keep their own points (the same formula; listed last so they win).
  for (const r of icp.rules)
    available.set(r.scoringRule.id, {
      id: r.scoringRule.id,
      when: r.scoringRule.when,
      points: r.points,
      rows: r.evidence.rows,
      winRate: r.evidence.winRate,
      lift: r.evidence.lift,
    });

  let chosen: AdoptedRule[];
  if (options.adopt === "suggested") {
    chosen = icp.rules.map((r) => available.get(r.scoringRule.id)!);
    if (chosen.length === 0)
      throw new WinnowError("WINNOW_ERR_VALIDATION", {
        message:
          "No fit rule is suggested yet: no segment's win rate differs from the base rate with confidence",
        issues: [{ path: "adopt", message: "nothing suggested to adopt" }],
      });
  } else {
    const ids = [...new Set(options.adopt)];
    const issues = options.adopt.flatMap((id, i) => {
      const rule = available.get(id);
      if (!rule) return [{ path: `adopt.${i}`, message: `no ICP segment or suggested rule has id "${id}"` }];
      if (rule.points === 0)
        return [
          {
            path: `adopt.${i}`,
            message: `segment "${id}" wins at the base rate: it would give 0 points`,
          },
        ];
      return [];
    });
    if (issues.length > 0)
      throw new WinnowError("WINNOW_ERR_VALIDATION", {
        message:
          "Some chosen segments are not in the current ICP report (it changes as deals close); reload it",
        issues,
      });
    chosen = ids.map((id) => available.get(id)!);
  }

  const base = baseDoc.value;
  const adoptedIds = new Set(chosen.map((r) => r.id));
  const replaceEarlier = options.replaceEarlier ?? true;
  const removed: string[] = [];
  const keep = (r: { id: string; group?: string }) => {
    const earlier = replaceEarlier && (r.group === ICP_GROUP.id || r.id.startsWith("icp-"));
    if (adoptedIds.has(r.id) || earlier) {
      removed.push(r.id);
      return false;
    }
    return true;
  };
  const fitRules = base.fit.rules.filter(keep);
  const negativeRules = base.negative.rules.filter((r) => keep(r));
  for (const r of chosen) {
    if (r.points > 0) fitRules.push({ id: r.id, group: ICP_GROUP.id, when: r.when, points: r.points });
    else negativeRules.push({ id: r.id, when: r.when, points: r.points });
  }
  const groups = base.fit.groups.some((g) => g.id === ICP_GROUP.id)
    ? base.fit.groups
    : [...base.fit.groups, { ...ICP_GROUP }];
  const name = options.name ?? base.name;
  const versions = await repo.list(name);
  const note =
    `ICP fit rules adopted by ${options.actor} on ${options.now.slice(0, 10)} from ICP discovery on ` +
    `${report.rows} closed ${population === "deals" ? "deals" : "leads"} (base win rate ${pct(report.baseRate)}), ` +
    `starting from ${stored.name} v${stored.version}: ` +
    chosen
      .map(
        (r) => `${r.id} (${r.points > 0 ? "+" : ""}${r.points}, win rate ${pct(r.winRate)}, ${r.rows} rows)`,
      )
      .join("; ") +
    ".";
  const {
    publishedAt: _publishedAt,
    publishedBy: _publishedBy,
    ...rest
  } = base as ScoringModel & { publishedAt?: string; publishedBy?: string };
  const document = {
    ...rest,
    name,
    version: Math.max(0, ...versions.map((v) => v.version)) + 1,
    status: "draft",
    default: false,
    description: base.description ? `${note}\n\n${base.description}` : note,
    fit: { ...base.fit, groups, rules: fitRules },
    negative: { ...base.negative, rules: negativeRules },
  };
  const parsed = validateScoringModel(document);
  if (!parsed.ok)
    throw new WinnowError("WINNOW_ERR_VALIDATION", {
      message: "The draft with the ICP rules is not a valid scoring model; see issues",
      issues: parsed.error.map((i) => ({ ...i, path: i.path ? `draft.${i.path}` : "draft" })),
    });
  const draft = await repo.createDraft({
    name: parsed.value.name,
    document: parsed.value,
    createdBy: options.actor,
    createdAt: options.now,
  });
  return {
    draft,
    base: { id: stored.id, name: stored.name, version: stored.version },
    adopted: chosen,
    removed: [...new Set(removed)],
  };
}

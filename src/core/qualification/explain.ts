import type { Framework } from "../frameworks/types.ts";
import { LEVELS, type Level } from "./elements.ts";
import type { Outcome } from "./judge.ts";
import type { LevelCoverage, VerdictReason } from "./verdict.ts";

type ExplainInput = {
  readonly framework: Framework;
  readonly outcome: Outcome;
  readonly failedLevel: Level | null;
  readonly reasons: readonly VerdictReason[];
  readonly score: { readonly met: number; readonly total: number; readonly claimedOnly: number };
  readonly coverage: Readonly<Record<Level, LevelCoverage>>;
};

const sentence = (reasons: readonly VerdictReason[]): string => reasons.map((r) => r.message).join("; ");

/** What the levels before `level` say: passed, or no failure but gaps left. */
function levelsBefore(
  level: Level,
  coverage: Readonly<Record<Level, LevelCoverage>>,
  verb: "pass" | "stand" = "pass",
): string {
  const before = LEVELS.slice(0, LEVELS.indexOf(level));
  const passed = before.filter((l) => coverage[l].status === "pass");
  const open = before.filter((l) => coverage[l].status === "open");
  const parts: string[] = [];
  if (passed.length > 0)
    parts.push(
      ` The ${passed.join(" and ")} level${passed.length > 1 ? `s ${verb}` : ` ${verb === "pass" ? "passes" : "stands"}`}.`,
    );
  if (open.length > 0)
    parts.push(
      ` The ${open.join(" and ")} level${open.length > 1 ? "s have" : " has"} no failure but still ${open.length > 1 ? "have" : "has"} gaps.`,
    );
  return parts.join("");
}

/**
 * The plain-language explanation of a verdict: what to do, at which level, and why.
 *
 * @example
 * explainVerdict({ framework, outcome: "nurture", failedLevel: "opportunity", reasons, score, coverage });
 * // "Nurture under BANT: not now, at the opportunity level — Timeline: ..."
 */
export function explainVerdict(v: ExplainInput): string {
  const name = v.framework.name;
  const scoreText = `${v.score.met} of ${v.score.total} ${name} criteria met`;
  const claimed =
    v.score.claimedOnly > 0 ? ` (${v.score.claimedOnly} on the buyer's word only, not yet verified)` : "";
  const at = (kind: VerdictReason["kind"]) =>
    v.reasons.filter((r) => r.level === v.failedLevel && r.kind === kind);
  switch (v.outcome) {
    case "advance":
      return `Advance under ${name}: every level checked passes, ${scoreText}${claimed}.`;
    case "keep-qualifying": {
      const gaps = LEVELS.filter((l) => v.coverage[l].requiredUnknown > 0).map(
        (l) =>
          `${l}: ${v.reasons
            .filter((r) => r.level === l)
            .map((r) => r.name)
            .join(", ")}`,
      );
      return `Keep qualifying under ${name}: nothing rules this prospect out yet, but required evidence is still unknown (${gaps.join("; ")}). ${scoreText}${claimed}. Ask the next questions.`;
    }
    case "nurture":
      return `Nurture under ${name}: not now, at the ${v.failedLevel} level — ${sentence(at("deferred"))}. Nothing rules the prospect out; keep it warm and come back when this changes.${levelsBefore(v.failedLevel ?? "organization", v.coverage)}`;
    case "disqualify-contact":
      return `Disqualify this contact, not the opportunity (${name}, stakeholder level): ${sentence(at("failed"))}. Find someone who can drive the purchase.${levelsBefore("stakeholder", v.coverage, "stand")}`;
    case "disqualify":
      return `Disqualify under ${name} at the ${v.failedLevel} level: ${sentence(at("failed"))}.${levelsBefore(v.failedLevel ?? "organization", v.coverage)} ${scoreText}.`;
  }
}

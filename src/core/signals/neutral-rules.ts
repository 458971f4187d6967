import type { PackFindings, Specific } from "./findings.ts";
import { fill, type SignalsLanguagePack } from "./language-pack.ts";
import type { GoodSignId, RedFlagId, SignalItem, TextSpan } from "./types.ts";

/** Thresholds of the language-neutral rules; the defaults are documented in docs/signals.md. */
export type SignalsThresholds = {
  /** A decision this many days or fewer after proposals are due is too quick to be real. */
  readonly maxDecisionWindowDays: number;
  /** Change that is unrealistic: at least `factor` times within `days` days. */
  readonly unrealistic: readonly { readonly factor: number; readonly days: number }[];
  /** Any change this big is unrealistic whatever the period. */
  readonly unrealisticAnyPeriod: number;
  /** Specific details (numbers, amounts, dates, durations) needed for the specificity sign. */
  readonly minSpecifics: number;
  /** Words at most in a short answer. */
  readonly shortAnswerWords: number;
};

export const SIGNALS_THRESHOLDS: SignalsThresholds = {
  maxDecisionWindowDays: 7,
  unrealistic: [
    { factor: 2, days: 45 },
    { factor: 3, days: 120 },
    { factor: 5, days: 400 },
  ],
  unrealisticAnyPeriod: 20,
  minSpecifics: 2,
  shortAnswerWords: 3,
};

function days(a: string, b: string): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / 864e5);
}

function red(
  pack: SignalsLanguagePack,
  rule: string,
  signal: RedFlagId,
  span: TextSpan,
  vars: Record<string, string | number>,
  related?: TextSpan[],
): SignalItem<RedFlagId> {
  return {
    rule,
    signal,
    span,
    summary: fill(pack.phrases[rule] ?? rule, vars),
    ...(related && related.length > 0 ? { related } : {}),
  };
}

/** Proposal due a week or less before the final choice: probably a preferred supplier already. */
export function decisionWindow(f: PackFindings, pack: SignalsLanguagePack, t: SignalsThresholds): void {
  const proposals = f.facts.dates.filter((d) => d.role === "proposal");
  const decisions = f.facts.dates.filter((d) => d.role === "decision");
  for (const p of proposals) {
    const d = decisions.find(
      (x) => days(p.date, x.date) >= 0 && days(p.date, x.date) <= t.maxDecisionWindowDays,
    );
    if (!d) continue;
    const gap = days(p.date, d.date);
    f.redFlags.push(
      red(
        pack,
        "decision-window.short",
        "short_decision_window",
        d.span,
        { days: gap, proposal: p.date, decision: d.date },
        [p.span],
      ),
    );
    return;
  }
}

/** Big change in a short time ("quadruple revenue in two weeks"). Returns the claims it flagged. */
export function unrealistic(f: PackFindings, pack: SignalsLanguagePack, t: SignalsThresholds): TextSpan[] {
  const flagged: TextSpan[] = [];
  for (const c of f.facts.claims) {
    const tooFast =
      c.days !== null && t.unrealistic.some((u) => c.factor >= u.factor && (c.days ?? Infinity) <= u.days);
    if (!tooFast && c.factor < t.unrealisticAnyPeriod) continue;
    const factor = Math.round(c.factor * 10) / 10;
    const rule = c.days === null ? "unrealistic.change-open" : "unrealistic.change";
    f.redFlags.push({
      rule,
      signal: "unrealistic",
      span: c.span,
      summary: fill(pack.phrases[rule] ?? rule, { claim: c.span.text, factor, days: c.days ?? "?" }),
    });
    flagged.push(c.span);
  }
  return flagged;
}

/** Numbers, dates and plans in the buyer's words, leaving out claims judged unrealistic. */
export function specificity(
  f: PackFindings,
  pack: SignalsLanguagePack,
  t: SignalsThresholds,
  unrealisticSpans: readonly TextSpan[],
): void {
  const inClaim = (s: Specific) =>
    unrealisticSpans.some((u) => s.span.start < u.end + 40 && u.start - 40 < s.span.end);
  const kept = f.facts.specifics.filter((s) => !inClaim(s)).sort((a, b) => a.span.start - b.span.start);
  const unique = kept.filter(
    (s, i) => !kept.some((o, j) => j < i && o.span.start < s.span.end && s.span.start < o.span.end),
  );
  const plan = unique.find((s) => s.kind === "plan");
  const push = (rule: string, span: TextSpan, vars: Record<string, string | number>, related: TextSpan[]) =>
    f.goodSigns.push({
      rule,
      signal: "specificity" satisfies GoodSignId,
      span,
      summary: fill(pack.phrases[rule] ?? rule, vars),
      ...(related.length > 0 ? { related } : {}),
    });
  if (plan) push("specificity.plan", plan.span, {}, []);
  const kinds = new Set(unique.filter((s) => s.kind !== "plan").map((s) => s.kind));
  const details = unique.filter((s) => s.kind !== "plan");
  if (details.length >= t.minSpecifics) {
    const [first, ...rest] = details;
    if (first)
      push(
        "specificity.details",
        first.span,
        { count: details.length, kinds: [...kinds].join(", ") },
        rest.map((r) => r.span),
      );
  }
}

/** One-word replies to open questions, or a run of short answers. */
export function shortAnswers(f: PackFindings, pack: SignalsLanguagePack, t: SignalsThresholds): void {
  const answers = f.facts.answers;
  const short = answers.filter((a) => a.words <= t.shortAnswerWords && !a.specific);
  for (const a of short.filter((x) => x.open)) {
    f.redFlags.push(
      red(
        pack,
        "short-answer.open-question",
        "short_answer",
        a.answer,
        { words: a.words, answer: a.answer.text },
        [a.question],
      ),
    );
  }
  if (answers.length >= 3 && short.length / answers.length >= 0.6 && !short.some((a) => a.open)) {
    const [first, ...rest] = short;
    if (first)
      f.redFlags.push(
        red(
          pack,
          "short-answer.pattern",
          "short_answer",
          first.answer,
          { short: short.length, total: answers.length },
          rest.map((r) => r.answer),
        ),
      );
  }
}

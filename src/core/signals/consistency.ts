import type { PackFindings } from "./findings.ts";
import { fill, type SignalsLanguagePack } from "./language-pack.ts";
import type { EarlierSpan, RedFlagId, SignalEvidence, SignalItem, TextSpan } from "./types.ts";

/** An earlier note already read with the same pack. */
export type EarlierReading = {
  readonly index: number;
  readonly date: string;
  readonly text: string;
  readonly findings: PackFindings;
};

const BUDGET_YES = new Set(["budget.statement", "budget.amount"]);

function sentenceAround(text: string, span: TextSpan): string {
  const start = Math.max(0, text.lastIndexOf(".", span.start) + 1, text.lastIndexOf("\n", span.start) + 1);
  const ends = [text.indexOf(".", span.end), text.indexOf("\n", span.end)].filter((i) => i >= 0);
  return text.slice(start, ends.length > 0 ? Math.min(...ends) : text.length);
}

type Claim = { span: TextSpan; earlier?: EarlierSpan };

function flag(
  pack: SignalsLanguagePack,
  rule: string,
  now: Claim,
  before: Claim,
  vars: Record<string, string | number>,
): SignalItem<RedFlagId> {
  return {
    rule,
    signal: "inconsistency",
    span: now.span,
    summary: fill(pack.phrases[rule] ?? rule, vars),
    ...(before.earlier ? { earlier: [before.earlier] } : { related: [before.span] }),
  };
}

function budgetClaims(ev: readonly SignalEvidence[]) {
  return {
    yes: ev.filter((e) => e.element === "budget" && BUDGET_YES.has(e.rule) && e.polarity === "positive"),
    no: ev.filter((e) => e.rule === "budget.none"),
    amounts: ev.filter((e) => e.rule === "budget.amount" && e.value?.type === "money"),
    decides: ev.filter((e) => e.rule === "authority.self-decides"),
    notSelf: ev.filter((e) => e.rule === "authority.not-self"),
    otherDecides: ev.filter((e) => e.rule === "economic-buyer.named"),
  };
}

function amountOf(e: SignalEvidence): number {
  return e.value?.type === "money" ? e.value.amount : 0;
}

/**
 * Inconsistency: within the note (budget there and not there, the contact deciding and not), and
 * against earlier notes (budget, budget amount, a deadline that moved, who decides). A change the
 * buyer explains ("since then", "now") is not flagged.
 */
export function inconsistencies(
  text: string,
  current: PackFindings,
  earlier: readonly EarlierReading[],
  pack: SignalsLanguagePack,
  changeMarkers: RegExp,
): SignalItem<RedFlagId>[] {
  const out: SignalItem<RedFlagId>[] = [];
  const now = budgetClaims(current.evidence);
  const explained = (span: TextSpan) => changeMarkers.test(sentenceAround(text, span));
  // within the note
  const yes = now.yes[0];
  const no = now.no[0];
  if (yes && no && !explained(yes.span) && !explained(no.span)) {
    const [first, second] = yes.span.start < no.span.start ? [yes, no] : [no, yes];
    out.push(
      flag(
        pack,
        "inconsistency.budget",
        { span: second.span },
        { span: first.span },
        { earlier: `"${first.span.text}"`, now: `"${second.span.text}"` },
      ),
    );
  }
  const decides = now.decides[0];
  const notSelf = now.notSelf[0];
  if (decides && notSelf) {
    const [first, second] = decides.span.start < notSelf.span.start ? [decides, notSelf] : [notSelf, decides];
    out.push(
      flag(
        pack,
        "inconsistency.authority",
        { span: second.span },
        { span: first.span },
        { earlier: `"${first.span.text}"`, now: `"${second.span.text}"` },
      ),
    );
  }
  // across notes: compare with the latest earlier note that speaks to each point
  for (const prev of [...earlier].reverse()) {
    const then = budgetClaims(prev.findings.evidence);
    const at = (span: TextSpan): Claim => ({ span, earlier: { note: prev.index, date: prev.date, span } });
    const vars = (a: TextSpan, b: TextSpan) => ({
      earlier: `"${a.text}" (${prev.date})`,
      now: `"${b.text}"`,
    });
    const pairs: [SignalEvidence | undefined, SignalEvidence | undefined][] = [
      [then.yes[0], now.no[0]],
      [then.no[0], now.yes[0]],
    ];
    for (const [a, b] of pairs)
      if (a && b && !explained(b.span) && !out.some((f) => f.rule === "inconsistency.budget"))
        out.push(flag(pack, "inconsistency.budget", { span: b.span }, at(a.span), vars(a.span, b.span)));
    const amountThen = then.amounts[0];
    const amountNow = now.amounts[0];
    if (amountThen && amountNow && !explained(amountNow.span)) {
      const ratio = amountOf(amountNow) / Math.max(1, amountOf(amountThen));
      if ((ratio > 1.25 || ratio < 0.8) && !out.some((f) => f.rule === "inconsistency.budget-amount"))
        out.push(
          flag(
            pack,
            "inconsistency.budget-amount",
            { span: amountNow.span },
            at(amountThen.span),
            vars(amountThen.span, amountNow.span),
          ),
        );
    }
    for (const role of ["proposal", "decision", "go_live", "deadline"] as const) {
      const a = prev.findings.facts.dates.filter((d) => d.role === role);
      const b = current.facts.dates.filter((d) => d.role === role);
      if (role === "deadline" && (a.length !== 1 || b.length !== 1)) continue;
      const first = a[0];
      const last = b[0];
      if (!first || !last || out.some((f) => f.rule === "inconsistency.deadline")) continue;
      const moved = Math.abs(Date.parse(last.date) - Date.parse(first.date)) / 864e5 > 2;
      if (moved && !b.some((d) => a.some((x) => x.date === d.date)))
        out.push(
          flag(pack, "inconsistency.deadline", { span: last.span }, at(first.span), {
            role: pack.phrases[`role.${role}`] ?? role.replace("_", "-"),
            earlier: first.date,
            now: last.date,
          }),
        );
    }
    const authorityPairs: [SignalEvidence | undefined, SignalEvidence | undefined][] = [
      [then.decides[0], now.notSelf[0] ?? now.otherDecides[0]],
      [then.notSelf[0], now.decides[0]],
    ];
    for (const [a, b] of authorityPairs)
      if (a && b && !out.some((f) => f.rule === "inconsistency.authority"))
        out.push(flag(pack, "inconsistency.authority", { span: b.span }, at(a.span), vars(a.span, b.span)));
  }
  return out;
}

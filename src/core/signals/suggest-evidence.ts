import type { ElementId, EvidenceSource, EvidenceState } from "../qualification/elements.ts";
import type { SignalEvidence, SignalsResult, TextSpan } from "./types.ts";

/** A piece of evidence for one element that a rep confirms (or rejects) into a scorecard. */
export type EvidenceSuggestion = {
  readonly element: ElementId;
  /** `claimed` when the words support the element, `failed` when they say it fails ("no budget"). */
  readonly state: Extract<EvidenceState, "claimed" | "failed">;
  /** The buyer's words. */
  readonly quote: string;
  readonly span: TextSpan;
  readonly source: Extract<EvidenceSource, "signal">;
  readonly rule: string;
  readonly summary: string;
  /** The note's date. */
  readonly date: string;
  readonly qualifier?: string;
  /** Other quotes for the same element, in text order. */
  readonly supporting: readonly TextSpan[];
  /** True when a language-model provider, not a rule, found the quote. */
  readonly suggested?: true;
};

/**
 * One suggestion per element the text spoke to. The last statement in the text decides the state
 * (people correct themselves as a call goes on); the other quotes are kept as support. Nothing is
 * `verified`: only a rep confirming it makes evidence verified.
 *
 * @example
 * suggestEvidence(readSignals("We have budget approved: $40k.", { date: "2026-05-20" }));
 * // [{ element: "budget", state: "claimed", quote: "$40k", source: "signal", rule: "budget.amount", ... }]
 */
export function suggestEvidence(result: SignalsResult): EvidenceSuggestion[] {
  const byElement = new Map<ElementId, SignalEvidence[]>();
  for (const e of result.evidence) byElement.set(e.element, [...(byElement.get(e.element) ?? []), e]);
  const out: EvidenceSuggestion[] = [];
  for (const [element, items] of byElement) {
    const ruled = items.filter((i) => !i.suggested);
    const pool = ruled.length > 0 ? ruled : items;
    const last = pool.reduce((a, b) => (b.span.start >= a.span.start ? b : a));
    out.push({
      element,
      state: last.polarity === "negative" ? "failed" : "claimed",
      quote: last.span.text,
      span: last.span,
      source: "signal",
      rule: last.rule,
      summary: last.summary,
      date: result.date,
      ...(last.qualifier ? { qualifier: last.qualifier } : {}),
      supporting: items.filter((i) => i !== last).map((i) => i.span),
      ...(last.suggested ? { suggested: true as const } : {}),
    });
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

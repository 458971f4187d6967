import type { ElementId } from "../../qualification/elements.ts";
import type { PackFindings } from "../findings.ts";
import type { Segmented, Sentence } from "../segment.ts";
import type { GoodSignId, RedFlagId, SignalEvidenceValue, TextSpan } from "../types.ts";

/** What each English rule module works on. */
export type EnContext = {
  readonly text: string;
  readonly doc: Segmented;
  readonly date: string;
  /** Sentences that state something on the buyer's side: buyer turns and notes, not questions. */
  readonly claims: readonly Sentence[];
  readonly out: PackFindings;
};

type EvidenceInput = {
  readonly rule: string;
  readonly element: ElementId;
  readonly span: TextSpan;
  readonly summary: string;
  readonly polarity?: "positive" | "negative";
  readonly qualifier?: string;
  readonly value?: SignalEvidenceValue;
};

/** Adds an evidence item unless the same rule already quoted an overlapping span for the element. */
export function addEvidence(ctx: EnContext, e: EvidenceInput): void {
  const dup = ctx.out.evidence.some(
    (x) =>
      x.element === e.element && x.rule === e.rule && x.span.start < e.span.end && e.span.start < x.span.end,
  );
  if (dup) return;
  ctx.out.evidence.push({
    rule: e.rule,
    element: e.element,
    polarity: e.polarity ?? "positive",
    span: e.span,
    summary: e.summary,
    ...(e.qualifier ? { qualifier: e.qualifier } : {}),
    ...(e.value ? { value: e.value } : {}),
  });
}

/** Adds a good sign unless one with the same rule already covers the span. */
export function addGoodSign(
  ctx: EnContext,
  rule: string,
  signal: GoodSignId,
  span: TextSpan,
  summary: string,
): void {
  if (ctx.out.goodSigns.some((x) => x.rule === rule && x.span.start < span.end && span.start < x.span.end))
    return;
  ctx.out.goodSigns.push({ rule, signal, span, summary });
}

/** Adds a red flag unless one with the same rule already covers the span. */
export function addRedFlag(
  ctx: EnContext,
  rule: string,
  signal: RedFlagId,
  span: TextSpan,
  summary: string,
  related?: readonly TextSpan[],
): void {
  if (ctx.out.redFlags.some((x) => x.rule === rule && x.span.start < span.end && span.start < x.span.end))
    return;
  ctx.out.redFlags.push({
    rule,
    signal,
    span,
    summary,
    ...(related && related.length > 0 ? { related } : {}),
  });
}

/** Shortens a quote for a one-line summary. */
export function clip(text: string, max = 60): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

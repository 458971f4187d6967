import { z } from "zod";
import { ELEMENT_IDS } from "../qualification/elements.ts";
import {
  GOOD_SIGN_IDS,
  type GoodSignId,
  RED_FLAG_IDS,
  type RedFlagId,
  type SignalEvidence,
  type SignalItem,
  type SignalQuestion,
  type SignalsResult,
  type TextSpan,
} from "./types.ts";

/** What a provider is given: the text, its date and language, and what the rules already found. */
export type ProviderInput = {
  readonly text: string;
  readonly date: string;
  readonly lang: string;
  readonly base: SignalsResult;
};

/**
 * An optional reader backed by a language model (for example an OpenAI-compatible endpoint). Off by
 * default; core never calls one itself. Its answer is untrusted: `mergeSuggestions` keeps only
 * items whose quote is really in the text and whose ids are known, and marks them `suggested`.
 */
export interface SignalsProvider {
  readonly name: string;
  suggest(input: ProviderInput): Promise<unknown>;
}

/** The JSON shape a provider answers with (also what the HTTP provider asks the model for). */
export const ProviderSuggestionsSchema = z.object({
  evidence: z
    .array(
      z.object({
        element: z.string(),
        quote: z.string().min(1),
        summary: z.string().optional(),
        polarity: z.enum(["positive", "negative"]).optional(),
      }),
    )
    .default([]),
  goodSigns: z
    .array(z.object({ signal: z.string(), quote: z.string().min(1), summary: z.string().optional() }))
    .default([]),
  redFlags: z
    .array(z.object({ signal: z.string(), quote: z.string().min(1), summary: z.string().optional() }))
    .default([]),
  questions: z.array(z.object({ text: z.string().min(1), element: z.string().optional() })).default([]),
});
export type ProviderSuggestions = z.infer<typeof ProviderSuggestionsSchema>;

/** A suggestion left out, and why (unknown id, quote not in the text, already found by a rule). */
export type DroppedSuggestion = { readonly kind: string; readonly reason: string; readonly item: unknown };

function locate(text: string, quote: string, taken: readonly TextSpan[]): TextSpan | undefined {
  const lower = text.toLowerCase();
  const q = quote.trim();
  for (const hay of [text, lower]) {
    const needle = hay === text ? q : q.toLowerCase();
    let from = 0;
    for (;;) {
      const at = hay.indexOf(needle, from);
      if (at < 0 || needle.length === 0) break;
      const span = { start: at, end: at + needle.length, text: text.slice(at, at + needle.length) };
      if (!taken.some((t) => t.start === span.start && t.end === span.end)) return span;
      from = at + 1;
    }
  }
  return undefined;
}

const isElement = (x: string): x is (typeof ELEMENT_IDS)[number] =>
  (ELEMENT_IDS as readonly string[]).includes(x);
const isGood = (x: string): x is GoodSignId => (GOOD_SIGN_IDS as readonly string[]).includes(x);
const isRed = (x: string): x is RedFlagId => (RED_FLAG_IDS as readonly string[]).includes(x);

/**
 * Merges a provider's answer into the rule-based result. Items are added with `suggested: true` and
 * rule `llm:<provider>`; an item is dropped when its id is unknown, its quote cannot be found in the
 * text, or a rule already found the same thing at the same place. Rule items are never changed.
 *
 * @example
 * const { result, dropped } = mergeSuggestions(text, readSignals(text, { date }), await provider.suggest(input), "local-llm");
 */
export function mergeSuggestions(
  text: string,
  base: SignalsResult,
  raw: unknown,
  providerName: string,
): { result: SignalsResult; dropped: DroppedSuggestion[] } {
  const parsed = ProviderSuggestionsSchema.safeParse(raw);
  if (!parsed.success)
    return { result: base, dropped: [{ kind: "answer", reason: "not the expected JSON shape", item: raw }] };
  const rule = `llm:${providerName}`;
  const dropped: DroppedSuggestion[] = [];
  const taken: TextSpan[] = [];
  const evidence: SignalEvidence[] = [...base.evidence];
  for (const e of parsed.data.evidence) {
    if (!isElement(e.element)) {
      dropped.push({ kind: "evidence", reason: `unknown element "${e.element}"`, item: e });
      continue;
    }
    const span = locate(text, e.quote, taken);
    if (!span) {
      dropped.push({ kind: "evidence", reason: "quote not found in the text", item: e });
      continue;
    }
    if (
      base.evidence.some((x) => x.element === e.element && x.span.start < span.end && span.start < x.span.end)
    ) {
      dropped.push({ kind: "evidence", reason: "already found by a rule", item: e });
      continue;
    }
    taken.push(span);
    evidence.push({
      rule,
      element: e.element,
      polarity: e.polarity ?? "positive",
      span,
      summary: e.summary ?? span.text,
      suggested: true,
    });
  }
  const signs = <Id extends string>(
    items: readonly { signal: string; quote: string; summary?: string | undefined }[],
    known: (x: string) => x is Id,
    existing: readonly SignalItem<Id>[],
    kind: string,
  ): SignalItem<Id>[] => {
    const out: SignalItem<Id>[] = [...existing];
    for (const s of items) {
      const span = known(s.signal) ? locate(text, s.quote, taken) : undefined;
      if (!known(s.signal) || !span) {
        dropped.push({
          kind,
          reason: known(s.signal) ? "quote not found in the text" : `unknown signal "${s.signal}"`,
          item: s,
        });
        continue;
      }
      if (existing.some((x) => x.signal === s.signal && x.span.start < span.end && span.start < x.span.end)) {
        dropped.push({ kind, reason: "already found by a rule", item: s });
        continue;
      }
      out.push({ rule, signal: s.signal, span, summary: s.summary ?? span.text, suggested: true });
    }
    return out;
  };
  const goodSigns = signs(parsed.data.goodSigns, isGood, base.goodSigns, "goodSign");
  const redFlags = signs(parsed.data.redFlags, isRed, base.redFlags, "redFlag");
  const questions: SignalQuestion[] = [...base.questions];
  for (const q of parsed.data.questions) {
    if (questions.some((x) => x.text === q.text)) continue;
    const element = q.element && isElement(q.element) ? q.element : undefined;
    questions.push({
      id: `llm.${questions.length}`,
      text: q.text,
      because: rule,
      ...(element ? { element } : {}),
      suggested: true,
    });
  }
  const byStart = (a: { span: TextSpan }, b: { span: TextSpan }) =>
    a.span.start - b.span.start || a.span.end - b.span.end;
  return {
    result: {
      ...base,
      evidence: evidence.sort(byStart),
      goodSigns: goodSigns.sort(byStart),
      redFlags: redFlags.sort(byStart),
      questions,
    },
    dropped,
  };
}

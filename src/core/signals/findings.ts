import type { Sentence } from "./segment.ts";
import type {
  GoodSignId,
  RedFlagId,
  SignalDateRole,
  SignalEvidence,
  SignalItem,
  SignalQuestion,
  TextSpan,
} from "./types.ts";

/** A date the pack found and resolved against the note's date. */
export type DateFact = {
  readonly span: TextSpan;
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly role: SignalDateRole;
};

/** A claim of change over a period ("double revenue in two weeks"), for the realism check. */
export type ChangeClaim = {
  readonly span: TextSpan;
  /** How many times bigger (or, for cuts, smaller) the thing becomes. */
  readonly factor: number;
  /** Days the change is meant to take, when said. */
  readonly days: number | null;
};

/** One specific detail (a number, a date, a plan step) that makes an answer concrete. */
export type Specific = {
  readonly span: TextSpan;
  readonly kind: "money" | "date" | "quantity" | "percent" | "growth" | "duration" | "plan";
};

/** A buyer's answer to a rep's question, in a transcript. */
export type AnswerFact = {
  readonly question: TextSpan;
  readonly answer: TextSpan;
  /** Open questions ("what", "how", "tell me") call for more than a word. */
  readonly open: boolean;
  readonly words: number;
  /** The answer carries a number, amount or date (short but specific). */
  readonly specific: boolean;
};

/** Structured facts the language-neutral rules read (decision window, realism, specificity). */
export type PackFacts = {
  dates: DateFact[];
  claims: ChangeClaim[];
  specifics: Specific[];
  answers: AnswerFact[];
  quoteRequests: TextSpan[];
};

/** What a language pack finds in one text; the engine adds cross-cutting rules and questions. */
export type PackFindings = {
  evidence: SignalEvidence[];
  goodSigns: SignalItem<GoodSignId>[];
  redFlags: SignalItem<RedFlagId>[];
  questions: SignalQuestion[];
  facts: PackFacts;
};

export function emptyFindings(): PackFindings {
  return {
    evidence: [],
    goodSigns: [],
    redFlags: [],
    questions: [],
    facts: { dates: [], claims: [], specifics: [], answers: [], quoteRequests: [] },
  };
}

/** A regex match inside a sentence, with absolute offsets. */
export type Hit = {
  readonly span: TextSpan;
  /** Capture groups as spans (undefined when the group did not take part). */
  readonly groups: readonly (TextSpan | undefined)[];
};

const compiled = new WeakMap<RegExp, RegExp>();

/** The same pattern with the `g` and `d` flags, compiled once per pattern. */
function withIndices(re: RegExp): RegExp {
  let rx = compiled.get(re);
  if (!rx) {
    const flags = `${re.flags.replace(/[gdy]/g, "")}gd`;
    rx = new RegExp(re.source, flags);
    compiled.set(re, rx);
  }
  rx.lastIndex = 0;
  return rx;
}

/**
 * All matches of `re` in a sentence (or any span), offsets into the whole text. `re` must carry the
 * `g` flag; the `d` flag is added so that groups get offsets too.
 */
export function hits(text: string, within: TextSpan, re: RegExp): Hit[] {
  const rx = withIndices(re);
  const out: Hit[] = [];
  for (const m of within.text.matchAll(rx)) {
    if (m[0].length === 0) continue;
    const base = within.start + (m.index ?? 0);
    const groups = (m.indices ?? []).slice(1).map((g) =>
      g
        ? {
            start: within.start + g[0],
            end: within.start + g[1],
            text: text.slice(within.start + g[0], within.start + g[1]),
          }
        : undefined,
    );
    out.push({ span: { start: base, end: base + m[0].length, text: m[0] }, groups });
  }
  return out;
}

/** First match of `re` in the span, or undefined. */
export function firstHit(text: string, within: TextSpan, re: RegExp): Hit | undefined {
  return hits(text, within, re)[0];
}

/** True when two spans share at least one character. */
export function overlaps(a: TextSpan, b: TextSpan): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The sentence that holds a span. */
export function sentenceAt(sentences: readonly Sentence[], span: TextSpan): Sentence | undefined {
  return sentences.find((s) => s.span.start <= span.start && span.end <= s.span.end);
}

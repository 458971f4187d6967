import type { TextSpan } from "./types.ts";

/** Who is speaking: the seller (rep), the buyer, or a note written about the call (narrative). */
export type SpeakerRole = "rep" | "buyer" | "narrative";

/** One speaker turn ("Rep: ..."), or one paragraph of a note. `span` excludes the speaker label. */
export type Turn = {
  readonly index: number;
  readonly speaker: string | null;
  readonly role: SpeakerRole;
  readonly span: TextSpan;
};

/** One sentence, with the turn it belongs to. */
export type Sentence = {
  readonly span: TextSpan;
  readonly turn: number;
  readonly role: SpeakerRole;
  readonly isQuestion: boolean;
};

export type Segmented = {
  readonly text: string;
  readonly dialogue: boolean;
  readonly turns: readonly Turn[];
  readonly sentences: readonly Sentence[];
};

/** What segmentation needs from a language pack. */
export type SegmentationRules = {
  readonly repLabels: RegExp;
  readonly buyerLabels: RegExp;
  /** Labels such as "Budget:" or "Next steps:" that head note fields, not speakers. */
  readonly fieldLabels: RegExp;
  /** Words that end with a dot without ending the sentence ("e.g.", "approx."). */
  readonly abbreviations: ReadonlySet<string>;
};

/** Builds a span of `text` from offsets, trimming white space at both ends. */
export function spanOf(text: string, start: number, end: number): TextSpan {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text[s] ?? "")) s++;
  while (e > s && /\s/.test(text[e - 1] ?? "")) e--;
  return { start: s, end: e, text: text.slice(s, e) };
}

const LABEL = /^([ \t]*)([A-Za-z][\w.'-]*(?: [A-Za-z][\w.'-]*){0,2}):[ \t]+(?=\S)/;

type RawTurn = { speaker: string | null; start: number; end: number };

function rawTurns(text: string, rules: SegmentationRules): { turns: RawTurn[]; dialogue: boolean } {
  const lines: { start: number; end: number; label: string | null; contentStart: number }[] = [];
  let pos = 0;
  for (const line of text.split("\n")) {
    const m = LABEL.exec(line);
    const label = m?.[2] && !rules.fieldLabels.test(m[2]) ? m[2] : null;
    lines.push({
      start: pos,
      end: pos + line.length,
      label,
      contentStart: label && m ? pos + m[0].length : pos,
    });
    pos += line.length + 1;
  }
  const labels = new Set(lines.flatMap((l) => (l.label ? [l.label] : [])));
  const labelled = lines.filter((l) => l.label).length;
  const known = [...labels].some((l) => rules.repLabels.test(l) || rules.buyerLabels.test(l));
  const dialogue = labelled >= 2 && (known || (labels.size >= 2 && labels.size <= 4 && labelled >= 4));
  const turns: RawTurn[] = [];
  for (const line of lines) {
    const last = turns[turns.length - 1];
    if (dialogue && line.label) turns.push({ speaker: line.label, start: line.contentStart, end: line.end });
    else if (dialogue && last && line.start === last.end + 1 && line.end > line.start) last.end = line.end;
    else if (
      !dialogue &&
      last &&
      last.speaker === null &&
      line.start === last.end + 1 &&
      line.end > line.start
    )
      last.end = line.end;
    else if (line.end > line.start) turns.push({ speaker: null, start: line.start, end: line.end });
  }
  return { turns, dialogue };
}

function roleOf(
  speaker: string | null,
  questionShare: Map<string, number>,
  rules: SegmentationRules,
): SpeakerRole {
  if (speaker === null) return "narrative";
  if (rules.repLabels.test(speaker)) return "rep";
  if (rules.buyerLabels.test(speaker)) return "buyer";
  return (questionShare.get(speaker) ?? 0) >= 0.5 ? "rep" : "buyer";
}

function splitSentences(
  text: string,
  start: number,
  end: number,
  rules: SegmentationRules,
): [number, number][] {
  const out: [number, number][] = [];
  let s = start;
  for (let i = start; i < end; i++) {
    const c = text[i];
    const next = text[i + 1] ?? "";
    let cut = false;
    if (c === "\n") cut = true;
    else if ((c === "." || c === "!" || c === "?" || c === ";") && (i + 1 >= end || /\s/.test(next))) {
      if (c === ".") {
        const word = /([A-Za-z.]+)$/.exec(text.slice(Math.max(s, i - 12), i))?.[1]?.toLowerCase() ?? "";
        cut = !rules.abbreviations.has(word);
      } else cut = true;
    }
    if (cut) {
      if (/\S/.test(text.slice(s, i + 1))) out.push([s, i + 1]);
      s = i + 1;
    }
  }
  if (/\S/.test(text.slice(s, end))) out.push([s, end]);
  return out;
}

/**
 * Splits a note or transcript into turns and sentences, keeping offsets into the original text.
 *
 * @example
 * segment("Rep: What's the budget?\nBuyer: Around $40k.", rules).sentences[1].role; // "buyer"
 */
export function segment(text: string, rules: SegmentationRules): Segmented {
  const { turns: raw, dialogue } = rawTurns(text, rules);
  const share = new Map<string, number>();
  for (const speaker of new Set(raw.flatMap((t) => (t.speaker ? [t.speaker] : [])))) {
    const mine = raw.filter((t) => t.speaker === speaker);
    share.set(
      speaker,
      mine.filter((t) => text.slice(t.start, t.end).trim().endsWith("?")).length / mine.length,
    );
  }
  const turns: Turn[] = [];
  const sentences: Sentence[] = [];
  for (const t of raw) {
    const index = turns.length;
    const role = roleOf(t.speaker, share, rules);
    turns.push({ index, speaker: t.speaker, role, span: spanOf(text, t.start, t.end) });
    for (const [a, b] of splitSentences(text, t.start, t.end, rules)) {
      const span = spanOf(text, a, b);
      if (span.text.length === 0) continue;
      sentences.push({ span, turn: index, role, isQuestion: span.text.endsWith("?") });
    }
  }
  return { text, dialogue, turns, sentences };
}

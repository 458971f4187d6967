import { WinnowError } from "../errors.ts";
import { type EarlierReading, inconsistencies } from "./consistency.ts";
import type { PackFindings } from "./findings.ts";
import type { SignalsLanguagePack } from "./language-pack.ts";
import {
  decisionWindow,
  SIGNALS_THRESHOLDS,
  shortAnswers,
  specificity,
  unrealistic,
} from "./neutral-rules.ts";
import { signalsLanguagePack } from "./packs.ts";
import { signalQuestions } from "./questions.ts";
import { segment } from "./segment.ts";
import type { ReadSignalsOptions, SignalsResult, TextSpan } from "./types.ts";

/** Longest text read in one call (characters): about 60 pages of notes. */
export const SIGNALS_MAX_TEXT_LENGTH = 200_000;

/** Normalises the note's date to `YYYY-MM-DD`, or throws WINNOW_ERR_SIGNALS_INVALID_DATE. */
export function noteDate(date: string): string {
  const day = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(date);
  const parsed = day ? new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]))) : undefined;
  if (
    !day ||
    !parsed ||
    Number.isNaN(parsed.getTime()) ||
    parsed.toISOString().slice(0, 10) !== date.slice(0, 10)
  )
    throw new WinnowError("WINNOW_ERR_SIGNALS_INVALID_DATE", {
      message: `The note's date "${date}" is not a valid YYYY-MM-DD date`,
      issues: [{ path: "date", message: "expected YYYY-MM-DD" }],
    });
  return date.slice(0, 10);
}

function readOne(text: string, date: string, pack: SignalsLanguagePack): PackFindings {
  return pack.read({ doc: segment(text, pack.segmentation), date });
}

const byStart = <T extends { span: TextSpan }>(a: T, b: T) =>
  a.span.start - b.span.start || a.span.end - b.span.end;

/**
 * Reads a discovery note, call transcript or inbound lead text: evidence for the qualification
 * elements, good signs, red flags and the questions to ask next. Every item names the rule that
 * found it and quotes its span (`text.slice(start, end) === span.text`). Deterministic: the same
 * text, date and earlier notes always give the same result.
 *
 * @example
 * const r = readSignals("Opening with 30 agents growing to 60. Proposal due 11 June, final selection 18 June.", { date: "2026-05-20" });
 * r.redFlags[0].signal; // "short_decision_window"
 * r.evidence.find((e) => e.element === "timeline")?.value; // { type: "date", date: "2026-06-11", role: "proposal" }
 */
export function readSignals(text: string, options: ReadSignalsOptions): SignalsResult {
  const date = noteDate(options.date);
  const pack = options.pack ?? signalsLanguagePack(options.lang ?? "en");
  if (text.trim().length === 0) throw new WinnowError("WINNOW_ERR_SIGNALS_EMPTY_TEXT");
  if (text.length > SIGNALS_MAX_TEXT_LENGTH)
    throw new WinnowError("WINNOW_ERR_SIGNALS_TEXT_TOO_LONG", {
      message: `The text has ${text.length} characters; the limit is ${SIGNALS_MAX_TEXT_LENGTH}`,
    });
  const previous = (options.previous ?? []).map((p, i) => {
    const pd = noteDate(p.date);
    return { index: i, date: pd, text: p.text, findings: readOne(p.text, pd, pack) } satisfies EarlierReading;
  });
  const f = readOne(text, date, pack);
  const t = SIGNALS_THRESHOLDS;
  decisionWindow(f, pack, t);
  const flaggedClaims = unrealistic(f, pack, t);
  specificity(f, pack, t, flaggedClaims);
  shortAnswers(f, pack, t);
  f.redFlags.push(...inconsistencies(text, f, previous, pack, pack.changeMarkers));
  const evidence = [...f.evidence].sort(byStart);
  const goodSigns = [...f.goodSigns].sort(byStart);
  const redFlags = [...f.redFlags].sort(byStart);
  const questions = signalQuestions(
    { pack, evidence, goodSigns, redFlags, facts: f.facts },
    options.maxQuestions ?? 8,
  );
  return { lang: pack.lang, date, evidence, goodSigns, redFlags, questions };
}

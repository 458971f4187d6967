import type { PackFindings } from "./findings.ts";
import type { SegmentationRules, Segmented } from "./segment.ts";

/** What a language pack's rules see: the text cut into turns and sentences, and the note's date. */
export type PackInput = {
  readonly doc: Segmented;
  /** The note's date, `YYYY-MM-DD`; relative dates resolve against it. */
  readonly date: string;
};

/**
 * A language: how to cut text into sentences and speaker turns, the lexical rules that find
 * evidence and signs in it, and the words of the questions and summaries the language-neutral rules
 * produce. English is built in; Spanish, Polish or Chinese packs implement the same type.
 *
 * @example
 * const pack: SignalsLanguagePack = { lang: "es", segmentation, read, questions, phrases };
 */
export type SignalsLanguagePack = {
  readonly lang: string;
  readonly segmentation: SegmentationRules;
  /** Runs the lexical rules; returns evidence, signs and facts for the language-neutral rules. */
  readonly read: (input: PackInput) => PackFindings;
  /** Question texts by question id; `{name}` placeholders are filled by the engine. */
  readonly questions: Readonly<Record<string, string>>;
  /** Summaries of the language-neutral findings by rule id, with `{name}` placeholders. */
  readonly phrases: Readonly<Record<string, string>>;
  /** Words that explain a change between statements ("since then", "no longer"): no inconsistency. */
  readonly changeMarkers: RegExp;
  /** Joins a list for display ("a, b and c"). */
  readonly list: (items: readonly string[]) => string;
};

/** Fills `{name}` placeholders; unknown names stay as they are. */
export function fill(template: string, vars: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (all, name: string) => {
    const v = vars[name];
    return v === undefined ? all : String(v);
  });
}

import type { ElementId } from "../qualification/elements.ts";
import type { SignalsLanguagePack } from "./language-pack.ts";

/** A quoted piece of the text: `text === source.slice(start, end)` (UTF-16 offsets). */
export type TextSpan = { readonly start: number; readonly end: number; readonly text: string };

/** Good signs the buyer's words can show (PRODUCT.md §4). */
export const GOOD_SIGN_IDS = ["excuse", "specificity", "knowledge"] as const;
export type GoodSignId = (typeof GOOD_SIGN_IDS)[number];

/** Red flags the buyer's words can show (PRODUCT.md §4), plus the too-short decision window. */
export const RED_FLAG_IDS = [
  "short_answer",
  "vague",
  "unrealistic",
  "inconsistency",
  "short_decision_window",
] as const;
export type RedFlagId = (typeof RED_FLAG_IDS)[number];

/** What a date is for, as read from the words around it. */
export type SignalDateRole = "proposal" | "decision" | "go_live" | "deadline" | "meeting" | "past" | "other";

/** Structured value an evidence item carries, when the rule read one. */
export type SignalEvidenceValue =
  | { readonly type: "money"; readonly amount: number; readonly currency: string }
  | { readonly type: "date"; readonly date: string; readonly role: SignalDateRole }
  | { readonly type: "quantity"; readonly value: number; readonly unit: string }
  | { readonly type: "growth"; readonly from: number; readonly to: number; readonly unit: string }
  | { readonly type: "list"; readonly items: readonly string[] }
  | { readonly type: "name"; readonly name: string }
  | { readonly type: "percent"; readonly value: number };

/** A fact for one qualification element, quoted from the text. */
export type SignalEvidence = {
  /** Rule that found it, e.g. `budget.amount` (see RULES). */
  readonly rule: string;
  readonly element: ElementId;
  /** `negative` when the words say the element fails ("no budget this year"). */
  readonly polarity: "positive" | "negative";
  readonly span: TextSpan;
  /** One line in plain words. */
  readonly summary: string;
  /** A finer reading (ELEMENT_INFO qualifiers): `allocated`, `capacity`, `want`... */
  readonly qualifier?: string;
  readonly value?: SignalEvidenceValue;
  /** Set on items a language-model provider suggested; rules never set it. */
  readonly suggested?: true;
};

/** A span from an earlier note (cross-call checks). */
export type EarlierSpan = { readonly note: number; readonly date: string; readonly span: TextSpan };

/** A good sign or a red flag, quoted from the text. */
export type SignalItem<Id extends string = GoodSignId | RedFlagId> = {
  readonly rule: string;
  readonly signal: Id;
  readonly span: TextSpan;
  readonly summary: string;
  /** Other spans of this text the finding rests on. */
  readonly related?: readonly TextSpan[];
  /** Spans of earlier notes it rests on (inconsistency across calls). */
  readonly earlier?: readonly EarlierSpan[];
  readonly suggested?: true;
};

/** A question to ask next, with the reason it is asked. */
export type SignalQuestion = {
  /** Question id in the language pack (`q.decision_window`). */
  readonly id: string;
  readonly text: string;
  /** Rule id or `missing:<element>` that called for it. */
  readonly because: string;
  readonly element?: ElementId;
  readonly span?: TextSpan;
  readonly suggested?: true;
};

/** What `readSignals` returns. Items are in text order; questions in the order to ask them. */
export type SignalsResult = {
  readonly lang: string;
  readonly date: string;
  readonly evidence: readonly SignalEvidence[];
  readonly goodSigns: readonly SignalItem<GoodSignId>[];
  readonly redFlags: readonly SignalItem<RedFlagId>[];
  readonly questions: readonly SignalQuestion[];
};

/** An earlier note or answer about the same lead, for cross-call consistency. */
export type PreviousNote = { readonly text: string; readonly date: string };

/** Options of `readSignals`. */
export type ReadSignalsOptions = {
  /** The note's own date (`YYYY-MM-DD` or ISO instant): relative dates resolve against it. */
  readonly date: string;
  /** Language pack to read with; `en` by default. */
  readonly lang?: string;
  /** Earlier notes, oldest first. */
  readonly previous?: readonly PreviousNote[];
  /**
   * A language pack to read with instead of the built-in one for `lang` (a pack under development,
   * or one that lives outside Winnow).
   */
  readonly pack?: SignalsLanguagePack;
  /** Most questions to return (default 8). */
  readonly maxQuestions?: number;
};

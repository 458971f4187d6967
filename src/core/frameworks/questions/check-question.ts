import type { QuestionLang } from "./types.ts";

/** Why a question is not a good open-ended discovery question. */
export type QuestionProblem = {
  readonly kind: "closed" | "leading" | "not-a-question" | "empty";
  readonly message: string;
};

export type QuestionCheck = {
  readonly text: string;
  /** True when no problem was found. */
  readonly open: boolean;
  readonly problems: readonly QuestionProblem[];
  /** An open rewording, when the question is closed or leading. */
  readonly suggestion?: string;
};

const AUXILIARIES = new Set([
  "is",
  "are",
  "am",
  "was",
  "were",
  "do",
  "does",
  "did",
  "have",
  "has",
  "had",
  "can",
  "could",
  "will",
  "would",
  "shall",
  "should",
  "may",
  "might",
  "must",
  "isn't",
  "aren't",
  "wasn't",
  "weren't",
  "don't",
  "doesn't",
  "didn't",
  "haven't",
  "hasn't",
  "can't",
  "couldn't",
  "won't",
  "wouldn't",
  "shouldn't",
]);
// "Could you walk me through..." is an invitation to talk, not a yes/no question.
const INVITATION =
  /^(can|could|would|will) you (please )?(walk|describe|explain|tell|share|talk|outline|give|show|help me understand)\b/;
const TAG =
  /,\s*(right|correct|yes|no|isn't it|aren't they|don't you|doesn't it|wouldn't you|wouldn't you agree|don't you agree|true)\s*\?$/;
const IMPERATIVE =
  /^(tell|walk|describe|explain|share|talk|help me|give|outline|show|take me|paint|imagine|list)\b/;
const FILLER = /^((so|and|but|now|ok|okay|well|also|then),?\s+)+/;
const DETERMINERS = new Set([
  "your",
  "the",
  "this",
  "that",
  "a",
  "an",
  "our",
  "their",
  "any",
  "these",
  "those",
  "his",
  "her",
  "its",
]);

const TOPICS: readonly (readonly [RegExp, string])[] = [
  [/priorit/, "Where does this fall among your priorities right now?"],
  [
    /\b(budget|afford|money|funds?|pay|price|pricing|cost)\b/,
    "How do you expect to pay for this, and what range did you have in mind?",
  ],
  [
    /\b(decision|decide|decides|sign|signs|approve|approves|authority|say)\b/,
    "Who besides you will be involved in the decision, and how will it be made?",
  ],
  [
    /\b(deadline|timeline|timing|soon|urgent|quarter|date)\b/,
    "What is driving the timing, and what happens if it slips?",
  ],
  [
    /\b(problem|pain|challenge|issue|struggle|struggling)s?\b/,
    "What is this problem costing you today, and who feels it most?",
  ],
  [
    /\b(competitor|alternative|vendor|supplier|option)s?\b/,
    "What other options are you considering, and how do they compare?",
  ],
  [/\b(goal|objective|target)s?\b/, "What goals is the company working toward this year?"],
  [/\binterest(ed)?\b/, "What caught your interest, and what would you hope to change?"],
  [/\bneeds?\b/, "Walk me through what you need, and why now."],
];

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Rewrites a closed question as an open one: by topic first, then by its grammar. */
function openForm(lower: string): string {
  for (const [pattern, suggestion] of TOPICS) if (pattern.test(lower)) return suggestion;
  const tagged = TAG.exec(lower);
  if (tagged) return `What is your view on whether ${lower.slice(0, tagged.index)}?`;
  const words = lower
    .replace(/[?.!]+$/, "")
    .replace(/,.*$/, "")
    .split(/\s+/);
  const [aux = "", ...rest] = words;
  const base = aux.replace(/n't$/, "").replace(/^wo$/, "will").replace(/^ca$/, "can");
  if (rest[0] === "there")
    return `${capitalise(`what ${rest.slice(1).join(" ")} ${base} there`.replace(/\s+/g, " "))}?`;
  const subjectLength = DETERMINERS.has(rest[0] ?? "") ? 2 : 1;
  const subject = rest.slice(0, subjectLength).join(" ");
  const tail = rest.slice(subjectLength).join(" ");
  if (["is", "are", "am", "was", "were"].includes(base)) {
    if (tail && !tail.includes(" ")) return `How ${tail} ${base} ${subject}?`;
    return `To what extent ${base} ${subject} ${tail}?`.replace(/\s+\?/, "?");
  }
  const suffix = ["have", "has", "had"].includes(base) ? " so far" : "";
  return `How ${base} ${subject} ${tail}${suffix}?`.replace(/\s+/g, " ").replace(/\s\?/, "?");
}

/**
 * Flags closed (yes/no) and leading questions and suggests an open form, by the rules of the
 * question's language (English today; a language is added with its own checker in CHECKERS).
 *
 * @example
 * checkQuestion("Is this a priority?", "en").suggestion; // "Where does this fall among your priorities right now?"
 */
export function checkQuestion(text: string, lang: QuestionLang = "en"): QuestionCheck {
  return CHECKERS[lang](text);
}

/** English phrasing rules. */
function checkEnglish(text: string): QuestionCheck {
  const trimmed = text.trim();
  if (!trimmed) return { text, open: false, problems: [{ kind: "empty", message: "the question is empty" }] };
  const lower = trimmed.toLowerCase().replace(/[’‘]/g, "'").replace(FILLER, "");
  const problems: QuestionProblem[] = [];
  const first = lower.split(/[\s,]+/)[0] ?? "";
  if (TAG.test(lower) || /^(wouldn't|don't|isn't|aren't) you (agree|think)\b/.test(lower)) {
    problems.push({
      kind: "leading",
      message: "it leads the buyer to an answer; ask what they think instead",
    });
  } else if (AUXILIARIES.has(first) && !INVITATION.test(lower)) {
    problems.push({ kind: "closed", message: `it can be answered yes or no (starts with "${first}")` });
  } else if (!trimmed.endsWith("?") && !IMPERATIVE.test(lower)) {
    problems.push({ kind: "not-a-question", message: "it is neither a question nor an invitation to talk" });
  }
  const needsRewrite = problems.some((p) => p.kind === "closed" || p.kind === "leading");
  return {
    text,
    open: problems.length === 0,
    problems,
    ...(needsRewrite ? { suggestion: openForm(lower) } : {}),
  };
}

/** One phrasing checker per question language. */
const CHECKERS: Readonly<Record<QuestionLang, (text: string) => QuestionCheck>> = { en: checkEnglish };

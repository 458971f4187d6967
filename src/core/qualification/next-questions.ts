import { criterionQuestions, QUESTION_LIBRARY } from "../frameworks/questions/library.ts";
import type { Question, QuestionLang } from "../frameworks/questions/types.ts";
import type { Criterion, Framework } from "../frameworks/types.ts";
import { ELEMENT_INFO, type ElementId, LEVELS, type Level } from "./elements.ts";
import type { CriterionResult } from "./evaluate-criterion.ts";
import type { Scorecard } from "./evidence.ts";
import { type Judgement, type JudgeOptions, judge } from "./judge.ts";
import { personaFor } from "./personas.ts";

/** A question worth asking now, with the gap it closes and why it comes at this point. */
export type NextQuestion = {
  readonly criterion: string;
  readonly criterionName: string;
  readonly level: Level;
  readonly required: boolean;
  readonly element: ElementId;
  readonly question: Question;
  readonly why: string;
  /** False when the contact's buying role usually cannot answer this: ask someone else too. */
  readonly askThisContact: boolean;
};

export type NextQuestionsOptions = JudgeOptions & {
  readonly lang?: QuestionLang;
  /** A team's own questions, offered alongside the shipped ones. */
  readonly extraQuestions?: readonly Question[];
};

const article = (word: string): string => (/^[aeio]/i.test(word) ? "an" : "a");

type Gap = {
  readonly result: CriterionResult;
  readonly unknownElements: readonly ElementId[];
  readonly unverified: boolean;
};

function gapOrder(a: Gap, b: Gap): number {
  return (
    LEVELS.indexOf(a.result.level) - LEVELS.indexOf(b.result.level) ||
    Number(b.result.required) - Number(a.result.required) ||
    // nothing known beats "claimed, needs verifying"; then the criterion missing the most elements
    Number(a.unverified) - Number(b.unverified) ||
    b.unknownElements.length - a.unknownElements.length
  );
}

/** Builds the question list from a judgement (shared by qualify and nextQuestions). */
export function questionsForGaps(
  judgement: Judgement,
  scorecard: Scorecard,
  framework: Framework,
  limit: number,
  options: NextQuestionsOptions = {},
): NextQuestion[] {
  if (judgement.outcome === "disqualify" || limit <= 0) return [];
  const gaps: Gap[] = judgement.criteria
    .filter((r) => r.status === "unknown")
    .map((r) => {
      const unknownElements = r.findings.filter((f) => f.status === "unknown").map((f) => f.element);
      return {
        result: r,
        unknownElements,
        unverified: r.findings.every((f) => f.status !== "unknown" || f.code.endsWith("_unverified")),
      };
    })
    .sort(gapOrder);
  const library = [...(options.extraQuestions ?? []), ...QUESTION_LIBRARY[options.lang ?? "en"]];
  const role = scorecard.contact?.buyingRole ?? null;
  const persona = personaFor(role);
  const byId = new Map<string, Criterion>(framework.criteria.map((c) => [c.id, c]));
  const pools = gaps.map((gap) => {
    const criterion = byId.get(gap.result.criterion);
    // gates and ICP checks have no framework criterion: ask about their element directly
    const asCriterion: Criterion = criterion ?? {
      id: gap.result.criterion,
      name: gap.result.name,
      description: gap.result.name,
      elements: gap.result.elements,
      level: gap.result.level,
      required: gap.result.required,
      rule: { combine: "all", minState: "claimed" },
      satisfiedWhen: "",
    };
    return criterionQuestions(asCriterion, library, role).filter((q) =>
      gap.unknownElements.includes(q.element),
    );
  });
  const out: NextQuestion[] = [];
  const asked = new Set<string>();
  const coveredInRound = new Set<string>();
  for (let round = 0; out.length < limit && pools.some((p) => p.length > round); round++) {
    coveredInRound.clear();
    gaps.forEach((gap, i) => {
      const question = pools[i]?.filter((q) => !asked.has(q.id))[0];
      if (!question || out.length >= limit || coveredInRound.has(question.element)) return;
      asked.add(question.id);
      coveredInRound.add(question.element);
      const what = gap.unverified ? "is only claimed; verify it" : "is not known yet";
      const forWhom = judgement.outcome === "disqualify-contact" ? "Ask a new contact — " : "";
      const askThisContact = !persona || persona.speaksTo.includes(question.element);
      out.push({
        criterion: gap.result.criterion,
        criterionName: gap.result.name,
        level: gap.result.level,
        required: gap.result.required,
        element: question.element,
        question,
        why: `${forWhom}${gap.result.name} (${gap.result.level}${gap.result.required ? ", required" : ""}) ${what}: ${ELEMENT_INFO[question.element].name.toLowerCase()}${askThisContact ? "" : ` — ${article(persona?.name ?? "")} ${persona?.name.toLowerCase()} rarely knows this; ask someone else too`}`,
        askThisContact,
      });
    });
  }
  return out;
}

/**
 * The questions that close the most important gaps first: level order (organization, opportunity,
 * stakeholder), required criteria first, unknown before merely claimed, biggest gaps first; fitted
 * to the contact's buying role when it is known. Empty when the prospect is disqualified.
 *
 * @example
 * nextQuestions(card, FRAMEWORKS.meddic, 3).map((q) => q.question.text);
 */
export function nextQuestions(
  scorecard: Scorecard,
  framework: Framework,
  limit = 5,
  options: NextQuestionsOptions = {},
): NextQuestion[] {
  return questionsForGaps(judge(scorecard, framework, options), scorecard, framework, limit, options);
}

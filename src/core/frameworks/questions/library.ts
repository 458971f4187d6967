import { WinnowError } from "../../errors.ts";
import type { BuyingRole } from "../../records.ts";
import type { Criterion, Framework } from "../types.ts";
import { EN_OPPORTUNITY } from "./en-opportunity.ts";
import { EN_STAKEHOLDER } from "./en-stakeholder.ts";
import { QUESTION_LANGS, type Question, type QuestionLang } from "./types.ts";

const freezeAll = (questions: readonly Question[]): readonly Question[] =>
  Object.freeze(
    questions.map((q) => Object.freeze({ ...q, ...(q.roles ? { roles: Object.freeze([...q.roles]) } : {}) })),
  );

/**
 * The shipped question library, by language; every language holds the same question ids.
 *
 * @example
 * QUESTION_LIBRARY.en.filter((q) => q.element === "budget").length; // 7
 */
export const QUESTION_LIBRARY: Readonly<Record<QuestionLang, readonly Question[]>> = Object.freeze({
  en: freezeAll([...EN_OPPORTUNITY, ...EN_STAKEHOLDER]),
});

/**
 * True when `lang` is a language the library ships in.
 *
 * @example
 * isQuestionLang("es"); // false until Spanish is added
 */
export function isQuestionLang(lang: string): lang is QuestionLang {
  return (QUESTION_LANGS as readonly string[]).includes(lang);
}

/** The questions of one criterion, grouped for display. */
export type CriterionQuestions = {
  readonly criterion: string;
  readonly name: string;
  readonly level: Criterion["level"];
  readonly required: boolean;
  readonly questions: readonly Question[];
};

export type QuestionsForOptions = {
  readonly criterion?: string;
  readonly lang?: QuestionLang;
  /** The contact's buying role: questions written for it come first, those for other roles are left out. */
  readonly role?: BuyingRole | null;
  /** Extra questions (a team's own library) used alongside the shipped ones. */
  readonly extra?: readonly Question[];
};

/**
 * The questions that probe one criterion, in the order of its elements: questions matching its
 * focus (or with none), role-fitted ones first when a role is given.
 *
 * @example
 * criterionQuestions(FRAMEWORKS.faint.criteria[0], QUESTION_LIBRARY.en).map((q) => q.id);
 */
export function criterionQuestions(
  criterion: Criterion,
  library: readonly Question[],
  role?: BuyingRole | null,
): readonly Question[] {
  const focus = criterion.questionFocus;
  const out: Question[] = [];
  for (const element of criterion.elements) {
    const fits = library.filter(
      (q) =>
        q.element === element &&
        (!focus || q.focus === undefined || focus.includes(q.focus)) &&
        (!role || !q.roles || q.roles.includes(role)),
    );
    const forRole = role ? fits.filter((q) => q.roles?.includes(role)) : [];
    out.push(...forRole, ...fits.filter((q) => !forRole.includes(q)));
  }
  return out;
}

/**
 * The discovery questions of a framework, per criterion (or of one criterion).
 * Throws WINNOW_ERR_CRITERION_NOT_FOUND for a criterion the framework does not have.
 *
 * @example
 * questionsFor(FRAMEWORKS.bant, { criterion: "budget", lang: "en" })[0]?.questions.length; // 5
 */
export function questionsFor(
  framework: Framework,
  options: QuestionsForOptions = {},
): readonly CriterionQuestions[] {
  const lang = options.lang ?? "en";
  if (!isQuestionLang(lang)) {
    throw new WinnowError("WINNOW_ERR_LANGUAGE_NOT_AVAILABLE", {
      message: `Questions are not available in "${lang}" yet (available: ${QUESTION_LANGS.join(", ")})`,
    });
  }
  const library = [...(options.extra ?? []), ...QUESTION_LIBRARY[lang]];
  let criteria = framework.criteria;
  if (options.criterion !== undefined) {
    const wanted = options.criterion.toLowerCase();
    criteria = criteria.filter((c) => c.id === wanted);
    if (criteria.length === 0) {
      throw new WinnowError("WINNOW_ERR_CRITERION_NOT_FOUND", {
        message: `${framework.name} has no criterion "${options.criterion}" (it has: ${framework.criteria.map((c) => c.id).join(", ")})`,
      });
    }
  }
  return criteria.map((c) => ({
    criterion: c.id,
    name: c.name,
    level: c.level,
    required: c.required,
    questions: criterionQuestions(c, library, options.role),
  }));
}

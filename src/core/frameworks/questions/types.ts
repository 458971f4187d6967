import type { ElementId } from "../../qualification/elements.ts";
import type { BuyingRole } from "../../records.ts";

/** Languages the question library ships in. Add one by adding a table with the same question ids. */
export const QUESTION_LANGS = ["en"] as const;
export type QuestionLang = (typeof QUESTION_LANGS)[number];

/**
 * One open-ended discovery question, tagged with the element it probes. `focus` narrows it to one
 * reading of the element (a criterion can prefer a focus: FAINT funds asks about `capacity`);
 * `roles` marks questions written for particular buying roles (asked first when the contact has one).
 * The id is the same in every language.
 */
export type Question = {
  readonly id: string;
  readonly element: ElementId;
  readonly text: string;
  readonly focus?: string;
  readonly roles?: readonly BuyingRole[];
};

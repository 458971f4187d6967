import { z } from "zod";
import type { Issue } from "../../errors.ts";
import { ELEMENT_IDS } from "../../qualification/elements.ts";
import { issuesFromZod } from "../../qualification/zod-issues.ts";
import { BUYING_ROLES } from "../../records.ts";
import { err, ok, type Result } from "../../result.ts";
import { checkQuestion, type QuestionProblem } from "./check-question.ts";
import { QUESTION_LIBRARY } from "./library.ts";
import { QUESTION_LANGS, type Question, type QuestionLang } from "./types.ts";

const customQuestionSchema = z.strictObject({
  id: z.string().min(1).optional(),
  element: z.enum(ELEMENT_IDS),
  text: z.string().min(1, "must not be empty"),
  lang: z.enum(QUESTION_LANGS).optional(),
  focus: z.string().min(1).optional(),
  roles: z.array(z.enum(BUYING_ROLES)).optional(),
});

/** A team's own question library: a list of questions, each tagged with the element it probes. */
export const customQuestionLibrarySchema = z.array(customQuestionSchema);

/** A problem found in one custom question, with its path in the input (`3.text`). */
export type QuestionFinding = {
  readonly kind: QuestionProblem["kind"] | "duplicate" | "duplicate-id";
  readonly message: string;
  readonly path: string;
  readonly id: string;
  readonly suggestion?: string;
};

export type CheckedLibrary = {
  readonly questions: readonly (Question & { readonly lang: QuestionLang })[];
  readonly findings: readonly QuestionFinding[];
};

const normalise = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9\s]/g, "")
    .replace(/\s+/g, " ")
    .trim();

/**
 * Validates a custom question library (shape errors as issues with paths) and checks each question:
 * closed or leading phrasing (with an open suggestion), not a question, duplicates of another custom
 * question or of a shipped one.
 *
 * @example
 * const r = checkQuestionLibrary([{ element: "budget", text: "Do you have a budget?" }]);
 * r.ok && r.value.findings[0]?.suggestion; // "How do you expect to pay for this, ..."
 */
export function checkQuestionLibrary(custom: unknown): Result<CheckedLibrary, Issue[]> {
  const parsed = customQuestionLibrarySchema.safeParse(custom);
  if (!parsed.success) return err(issuesFromZod(parsed.error));
  const findings: QuestionFinding[] = [];
  const seen = new Map<string, string>();
  for (const lang of QUESTION_LANGS)
    for (const q of QUESTION_LIBRARY[lang])
      seen.set(`${lang}:${normalise(q.text)}`, `shipped question ${q.id}`);
  const ids = new Set<string>();
  const questions = parsed.data.map((raw, index) => {
    const lang = raw.lang ?? "en";
    const id = raw.id ?? `custom.${raw.element}.${index + 1}`;
    const path = `${index}.text`;
    if (ids.has(id))
      findings.push({ path: `${index}.id`, id, kind: "duplicate-id", message: `id "${id}" is used twice` });
    ids.add(id);
    const check = checkQuestion(raw.text, lang);
    for (const problem of check.problems) {
      findings.push({ ...problem, path, id, ...(check.suggestion ? { suggestion: check.suggestion } : {}) });
    }
    const key = `${lang}:${normalise(raw.text)}`;
    const earlier = seen.get(key);
    if (earlier) findings.push({ path, id, kind: "duplicate", message: `repeats ${earlier}` });
    else seen.set(key, `custom question ${id} (index ${index})`);
    return {
      id,
      element: raw.element,
      text: raw.text.trim(),
      lang,
      ...(raw.focus ? { focus: raw.focus } : {}),
      ...(raw.roles ? { roles: raw.roles } : {}),
    };
  });
  return ok({ questions, findings });
}

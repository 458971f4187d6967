import { defineFramework } from "../../../src/core/frameworks/define-framework.ts";
import { checkQuestionLibrary } from "../../../src/core/frameworks/questions/check-library.ts";
import { ELEMENT_IDS, ELEMENT_INFO } from "../../../src/core/qualification/elements.ts";
import type { ProblemIssue } from "../api/client.ts";
import {
  FieldError,
  issueAt,
  type Parsed,
  SectionFooter,
  type SectionForm,
  useSectionEditor,
} from "./settings-section.tsx";

const EXAMPLE = [
  {
    id: "lite",
    name: "Lite",
    summary: "Pain and a buyer, for small deals",
    criteria: [
      { id: "pain", name: "Pain", elements: ["need"], level: "opportunity" },
      {
        id: "buyer",
        name: "Buyer",
        elements: ["economic_buyer", "authority"],
        level: "stakeholder",
        rule: { combine: "any" },
      },
    ],
  },
];

/** Custom frameworks as JSON (the format of examples/custom-framework.json), each checked by core's defineFramework. */
const FRAMEWORKS_FORM: SectionForm<string> = {
  section: "frameworks",
  fromValue: (value) => JSON.stringify(value ?? [], null, 2),
  parse(text): Parsed {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return { value: null, issues: [{ path: "", message: `not JSON: ${(e as Error).message}` }] };
    }
    if (!Array.isArray(value))
      return { value, issues: [{ path: "", message: "a list of frameworks: [ {...}, ... ]" }] };
    const issues: ProblemIssue[] = [];
    const ids = new Set<string>();
    value.forEach((input, index) => {
      const r = defineFramework(input);
      if (!r.ok)
        issues.push(
          ...r.error.map((i) => ({
            path: i.path ? `${index}.${i.path}` : String(index),
            message: i.message,
          })),
        );
      else if (ids.has(r.value.id))
        issues.push({ path: `${index}.id`, message: `"${r.value.id}" is used twice` });
      else ids.add(r.value.id);
    });
    return { value, issues };
  },
};

/** The team's own frameworks: criteria over the shared evidence elements. */
export function CustomFrameworksPanel({ onSaved }: { onSaved?: () => void }) {
  const editor = useSectionEditor(FRAMEWORKS_FORM, onSaved);
  const { form, parsed } = editor;
  const error =
    issueAt(parsed, "") ?? (parsed && parsed.issues.length > 0 ? "see the problems below" : undefined);
  return (
    <section className="panel" aria-labelledby="custom-frameworks-title">
      <h2 id="custom-frameworks-title">Custom frameworks</h2>
      <p className="help">
        A framework is data: criteria, each reading evidence elements ({ELEMENT_IDS.slice(0, 6).join(", ")},
        …) at a level (organization, opportunity, stakeholder). They appear beside the built-in ones in
        discovery.
      </p>
      {form !== null ? (
        <label htmlFor="custom-frameworks">
          Frameworks (JSON)
          <textarea
            id="custom-frameworks"
            className="code"
            spellCheck={false}
            value={form}
            aria-invalid={error !== undefined}
            aria-describedby={error ? "custom-frameworks-error" : undefined}
            onChange={(e) => editor.edit(e.target.value)}
          />
          <FieldError id="custom-frameworks-error" message={error} />
        </label>
      ) : null}
      {form === "[]" ? (
        <button type="button" className="link" onClick={() => editor.edit(JSON.stringify(EXAMPLE, null, 2))}>
          Start from an example
        </button>
      ) : null}
      <SectionFooter editor={editor} what="frameworks" />
    </section>
  );
}

type QuestionRow = { id: string; element: string; text: string };

/** Custom questions, checked by core's question library check (shape, duplicate ids; phrasing as advice). */
const QUESTIONS_FORM: SectionForm<QuestionRow[]> = {
  section: "questions",
  fromValue: (value) =>
    ((value ?? []) as { id?: string; element: string; text: string }[]).map((q) => ({
      id: q.id ?? "",
      element: q.element,
      text: q.text,
    })),
  parse(rows): Parsed {
    const value = rows.map((r) => ({
      ...(r.id.trim() ? { id: r.id.trim() } : {}),
      element: r.element,
      text: r.text,
    }));
    const r = checkQuestionLibrary(value);
    if (!r.ok) return { value, issues: r.error };
    const blocking = r.value.findings.filter((f) => f.kind === "duplicate-id" || f.kind === "empty");
    return { value, issues: blocking.map((f) => ({ path: f.path, message: f.message })) };
  },
};

/** Advice on a question's phrasing (closed, leading, a repeat), as the server will give it. */
function adviceFor(rows: QuestionRow[]): Map<number, string> {
  const r = checkQuestionLibrary(rows.map((q) => ({ element: q.element, text: q.text || "?" })));
  const out = new Map<number, string>();
  if (!r.ok) return out;
  for (const f of r.value.findings) {
    const index = Number(f.path.split(".")[0]);
    if (f.kind !== "duplicate-id" && !out.has(index))
      out.set(index, f.suggestion ? `${f.message} Try: "${f.suggestion}"` : f.message);
  }
  return out;
}

/** The team's own discovery questions: asked before the shipped ones, in discovery and next questions. */
export function CustomQuestionsPanel({ onSaved }: { onSaved?: () => void }) {
  const editor = useSectionEditor(QUESTIONS_FORM, onSaved);
  const { form, parsed } = editor;
  const rows = form ?? [];
  const advice = adviceFor(rows);
  const change = (i: number, patch: Partial<QuestionRow>) =>
    editor.edit(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <section className="panel" aria-labelledby="custom-questions-title">
      <h2 id="custom-questions-title">Custom discovery questions</h2>
      <p className="help">
        Open questions in your team's words, each probing one evidence element. They come first in the
        discovery screen's next questions.
      </p>
      {form !== null ? (
        <table className="table" aria-label="Custom questions">
          <thead>
            <tr>
              <th scope="col">Element</th>
              <th scope="col">Question</th>
              <th scope="col">Id (optional)</th>
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((q, i) => {
              const textError = issueAt(parsed, `${i}.text`) ?? issueAt(parsed, `${i}.element`);
              const idError = issueAt(parsed, `${i}.id`);
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity until saved
                <tr key={i}>
                  <td>
                    <select
                      aria-label={`Element of question ${i + 1}`}
                      value={q.element}
                      onChange={(e) => change(i, { element: e.target.value })}
                    >
                      {ELEMENT_IDS.map((el) => (
                        <option key={el} value={el}>
                          {ELEMENT_INFO[el].name}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input
                      aria-label={`Question ${i + 1}`}
                      value={q.text}
                      aria-invalid={textError !== undefined}
                      aria-describedby={`q-${i}-note`}
                      onChange={(e) => change(i, { text: e.target.value })}
                    />
                    <span id={`q-${i}-note`} className={textError ? "field-error" : "field-advice"}>
                      {textError ?? advice.get(i) ?? ""}
                    </span>
                  </td>
                  <td>
                    <input
                      aria-label={`Id of question ${i + 1}`}
                      value={q.id}
                      aria-invalid={idError !== undefined}
                      onChange={(e) => change(i, { id: e.target.value })}
                    />
                    <FieldError id={`q-${i}-id-error`} message={idError} />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="small danger"
                      onClick={() => editor.edit(rows.filter((_, j) => j !== i))}
                    >
                      Remove question {i + 1}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {form !== null ? (
        <button type="button" onClick={() => editor.edit([...rows, { id: "", element: "need", text: "" }])}>
          Add a question
        </button>
      ) : null}
      <SectionFooter editor={editor} what="questions" />
    </section>
  );
}

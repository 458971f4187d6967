import { useState } from "react";
import { DEFAULT_LIFECYCLE_CONFIG } from "../../../src/core/lifecycle/config.ts";
import { REJECTION_REASONS } from "../../../src/core/lifecycle/reasons.ts";
import { useApi } from "../api/context.ts";
import { ErrorNotice, Loading } from "../components/notice.tsx";
import { useAsync } from "../components/use-async.ts";

type FrameworkSummary = { id: string; name: string; summary: string; custom: boolean };
type CriterionQuestions = {
  criterion: string;
  name: string;
  level: string;
  required: boolean;
  questions: { id: string; text: string }[];
};

/** The frameworks the server knows, with their criteria (level, required) and discovery questions. */
export function FrameworksPanel({ revision = 0 }: { revision?: number }) {
  const { api } = useApi();
  // `revision` changes when custom frameworks or questions are saved: read the lists again.
  const list = useAsync(() => api.get<{ data: FrameworkSummary[] }>("/v1/frameworks"), [api, revision]);
  const [id, setId] = useState("meddic");
  const questions = useAsync(
    () => api.get<{ data: CriterionQuestions[] }>(`/v1/frameworks/${encodeURIComponent(id)}/questions`),
    [api, id, revision],
  );
  const frameworks = list.state.data?.data ?? [];
  const current = frameworks.find((f) => f.id === id);
  return (
    <section className="panel" aria-labelledby="frameworks-title">
      <h2 id="frameworks-title">Frameworks and questions</h2>
      {list.state.status === "error" ? <ErrorNotice error={list.state.error} onRetry={list.reload} /> : null}
      <label>
        Framework
        <select value={id} onChange={(e) => setId(e.target.value)}>
          {frameworks.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
              {f.custom ? " (custom)" : ""}
            </option>
          ))}
        </select>
      </label>
      {current ? <p className="muted">{current.summary}</p> : null}
      {questions.state.status === "error" ? <ErrorNotice error={questions.state.error} /> : null}
      {!questions.state.data ? <Loading what="questions" /> : null}
      {questions.state.data?.data.map((c) => (
        <div key={c.criterion}>
          <h3>
            {c.name} <span className="badge">{c.level}</span>{" "}
            {c.required ? <span className="badge">required</span> : null}
          </h3>
          <ul>
            {c.questions.slice(0, 3).map((q) => (
              <li key={q.id}>{q.text}</li>
            ))}
          </ul>
        </div>
      ))}
      <p className="help">
        Built-in frameworks and the custom ones saved above, with the first questions of each criterion
        (custom questions first).
      </p>
    </section>
  );
}

/** The lifecycle rules not edited here (reasons, SQL gate, recycling), as Winnow ships them. */
export function LifecyclePanel() {
  const c = DEFAULT_LIFECYCLE_CONFIG;
  return (
    <section className="panel" aria-labelledby="lifecycle-title">
      <h2 id="lifecycle-title">Other lifecycle rules</h2>
      <dl className="facts">
        <dt>Rejection reasons</dt>
        <dd>{[...REJECTION_REASONS, ...c.customReasons].join(", ")}</dd>
        <dt>SQL needs</dt>
        <dd>{c.sqlNeedsAdvanceVerdict ? "a discovery verdict of advance" : "no verdict"}</dd>
        <dt>Recycled leads return after</dt>
        <dd>{c.recycle.reEntryAfterDays} days</dd>
      </dl>
      <p className="help">
        The defaults shipped with Winnow; the server reads its own (custom reasons, entry stages, recycling)
        from WINNOW_LIFECYCLE_FILE at start. The SLA policy and the ICP are edited above.
      </p>
    </section>
  );
}

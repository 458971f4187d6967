import { LEVELS } from "../../../src/core/qualification/elements.ts";
import type { Verdict } from "../../../src/core/qualification/verdict.ts";

const OUTCOME_TEXT: Readonly<Record<string, string>> = {
  advance: "Advance",
  "keep-qualifying": "Keep qualifying",
  nurture: "Nurture (not now)",
  "disqualify-contact": "Find another contact",
  disqualify: "Disqualify",
};

const LEVEL_TEXT = {
  organization: "Organization",
  opportunity: "Opportunity",
  stakeholder: "Stakeholder",
} as const;

/** The live verdict: outcome, the three levels in order with their coverage, and the reasons. */
export function VerdictPanel({ verdict }: { verdict: Verdict }) {
  return (
    <section className="panel" aria-labelledby="verdict-title" aria-live="polite">
      <h2 id="verdict-title">Verdict</h2>
      <p className="verdict-line">
        <span className={`badge outcome-${verdict.outcome}`} data-testid="outcome">
          {OUTCOME_TEXT[verdict.outcome] ?? verdict.outcome}
        </span>{" "}
        <span className="muted">
          {verdict.framework.name}: {verdict.score.met}/{verdict.score.total} criteria met
          {verdict.score.claimedOnly > 0 ? ` (${verdict.score.claimedOnly} only claimed)` : ""}
        </span>
      </p>
      <p data-testid="explanation">{verdict.explanation}</p>
      <div className="levels">
        {LEVELS.map((level, i) => {
          const c = verdict.coverage[level];
          return (
            <div key={level} className={`level-${c.status}`}>
              <strong>
                {i + 1}. {LEVEL_TEXT[level]}
              </strong>
              <div>
                {c.status} · {c.known}/{c.total} known
              </div>
              {c.requiredUnknown > 0 ? (
                <div className="muted">{c.requiredUnknown} required gap(s)</div>
              ) : null}
            </div>
          );
        })}
      </div>
      {verdict.reasons.length > 0 ? (
        <>
          <h3>Reasons, in level order</h3>
          <ul>
            {verdict.reasons.map((r) => (
              <li key={`${r.level}-${r.criterion}`}>
                <span className="badge">{r.level}</span> {r.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

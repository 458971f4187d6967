import type { ScoreView } from "../api/types.ts";
import { EmptyState } from "../components/notice.tsx";

const round = (n: number) => Math.round(n * 10) / 10;

/** Fit and engagement with the rules behind them: points, what decay left, caps. */
export function ScorePanel({ score }: { score: ScoreView | null }) {
  if (!score)
    return (
      <section className="panel" aria-labelledby="score-title">
        <h2 id="score-title">Scores</h2>
        <EmptyState title="Not scored yet">
          Publish a scoring model (Scoring) and this lead is scored on its next event.
        </EmptyState>
      </section>
    );
  const sides = ["fit", "engagement", "negative"];
  const lines = [...score.lines].sort(
    (a, b) => sides.indexOf(a.side) - sides.indexOf(b.side) || b.decayedTo - a.decayedTo,
  );
  return (
    <section className="panel" aria-labelledby="score-title">
      <h2 id="score-title">Scores</h2>
      <div className="scorebox">
        <div>
          <span className="muted">Fit</span>
          <div className="big">{round(score.fit)}</div>
        </div>
        <div>
          <span className="muted">Engagement</span>
          <div className="big">{round(score.engagement)}</div>
        </div>
        <div>
          <span className="muted">Grade</span>
          <div className="big">{score.grade ?? "—"}</div>
        </div>
        <div>
          <span className="muted">Probability</span>
          <div className="big">
            {score.probability === null ? "—" : `${Math.round(score.probability * 100)}%`}
          </div>
        </div>
      </div>
      {lines.length === 0 ? (
        <p className="muted">No rule matched this lead.</p>
      ) : (
        <table className="table compact">
          <caption>Why: the rules that counted</caption>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Side</th>
              <th scope="col" className="num">
                Points
              </th>
              <th scope="col" className="num">
                After decay
              </th>
              <th scope="col">Notes</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={`${l.side}-${l.rule}`}>
                <td>
                  <code>{l.rule}</code>
                </td>
                <td>{l.side || l.kind}</td>
                <td className="num">{round(l.points)}</td>
                <td className="num">{round(l.decayedTo)}</td>
                <td className="muted">
                  {[
                    l.events !== null ? `${l.events} event(s)` : "",
                    l.capped ? "cut by a cap" : "",
                    l.group ? `group ${l.group}` : "",
                  ]
                    .filter(Boolean)
                    .join(" · ")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

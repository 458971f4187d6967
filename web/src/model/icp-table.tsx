import { useMemo, useState } from "react";
import type { Icp, IcpSegment } from "../api/predictive.ts";

type Condition = IcpSegment["conditions"][number];

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const num = (x: number) =>
  Number.isInteger(x) ? x.toLocaleString("en-US") : x.toLocaleString("en-US", { maximumFractionDigits: 1 });

/** `account.industry = software`, `account.employees 200–900`, `contact.buyingRole is missing`. */
export function describeCondition(c: Condition): string {
  if (c.operator === "eq") return `${c.attribute} = ${c.value}`;
  if (c.operator === "between") return `${c.attribute} ${num(c.value[0])}–${num(c.value[1])}`;
  return `${c.attribute} is missing`;
}

/** The suggested rules' segments (those that lose points too), then the rest that beat the base rate. */
function suggestedFirst(icp: Icp): readonly IcpSegment[] {
  const ids = new Set(icp.rules.map((r) => r.scoringRule.id));
  const all = [...icp.byLift, ...icp.bySupport];
  const order = icp.rules.map((r) => r.scoringRule.id);
  const picked = all.filter((s) => ids.has(s.id)).sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  return [...picked, ...icp.byLift];
}

const VIEWS = {
  lift: { label: "Suggested, then beating the base rate", pick: suggestedFirst },
  support: { label: "All segments (by size)", pick: (icp: Icp) => icp.bySupport },
} as const;

/**
 * ICP segments with win rate (95% interval), lift, support, value and cycle time; checkboxes choose
 * the ones to adopt. The suggested rules start checked.
 */
export function IcpTable({
  icp,
  selected,
  onToggle,
}: {
  icp: Icp;
  selected: ReadonlySet<string>;
  onToggle: (id: string, on: boolean) => void;
}) {
  const [view, setView] = useState<keyof typeof VIEWS>("lift");
  const segments = useMemo(() => {
    const seen = new Set<string>();
    return VIEWS[view].pick(icp).filter((s) => {
      if (seen.has(s.id)) return false;
      seen.add(s.id);
      return true;
    });
  }, [icp, view]);
  const suggested = useMemo(() => new Set(icp.rules.map((r) => r.scoringRule.id)), [icp]);
  return (
    <>
      <div className="row">
        <label>
          Show
          <select value={view} onChange={(e) => setView(e.target.value as keyof typeof VIEWS)}>
            {Object.entries(VIEWS).map(([id, v]) => (
              <option key={id} value={id}>
                {v.label}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">
          {icp.rows.toLocaleString("en-US")} closed · base win rate {pct(icp.baseRate)}
        </span>
      </div>
      {segments.length === 0 ? (
        <p className="help">
          No segment wins more often than the base rate with confidence yet. Switch to “All segments” to see
          them all; more closed deals narrow the intervals.
        </p>
      ) : (
        <table className="table compact" aria-label="ICP segments">
          <thead>
            <tr>
              <th scope="col">Adopt</th>
              <th scope="col">Segment</th>
              <th scope="col">Win rate (95% interval)</th>
              <th scope="col">Lift</th>
              <th scope="col">Support</th>
              <th scope="col">Mean won value</th>
              <th scope="col">Median cycle</th>
              <th scope="col">Points</th>
            </tr>
          </thead>
          <tbody>
            {segments.map((s) => {
              const text = s.conditions.map(describeCondition).join(" and ");
              const points = s.scoringRule.points;
              return (
                <tr key={s.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Adopt ${text}`}
                      checked={selected.has(s.id)}
                      disabled={points === 0}
                      title={points === 0 ? "Wins at the base rate: it would add 0 points" : undefined}
                      onChange={(e) => onToggle(s.id, e.target.checked)}
                    />
                  </td>
                  <td>
                    {text}
                    {suggested.has(s.id) ? <span className="badge">suggested</span> : null}
                  </td>
                  <td>
                    {pct(s.winRate)}{" "}
                    <span className="muted">
                      ({pct(s.winRateInterval[0])}–{pct(s.winRateInterval[1])})
                    </span>
                  </td>
                  <td>{s.lift.toFixed(2)}×</td>
                  <td>
                    {pct(s.support)} <span className="muted">({s.rows})</span>
                  </td>
                  <td>
                    {s.meanWonValue === null ? "—" : Math.round(s.meanWonValue).toLocaleString("en-US")}
                  </td>
                  <td>{s.medianCycleDays === null ? "—" : `${Math.round(s.medianCycleDays)} days`}</td>
                  <td>{points > 0 ? `+${points}` : points}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

import { useMemo, useState } from "react";
import type { BacktestResult, BacktestSummary } from "../../../src/core/scoring/backtest.ts";
import { capacityPlan } from "../../../src/core/scoring/capacity.ts";
import { Chart } from "../components/chart.tsx";

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const auc = (x: number | null) => (x === null ? "—" : x.toFixed(3));

function Row({
  label,
  draft,
  base,
}: {
  label: string;
  draft: string | number;
  base: string | number | null;
}) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td className="num">{draft}</td>
      <td className="num">{base ?? "—"}</td>
    </tr>
  );
}

function weeksOf(r: BacktestResult): number {
  return Math.max(1, (Date.parse(r.to) - Date.parse(r.from)) / (7 * 86_400_000));
}

/** Draft versus published over the same history: MQL volume per week, conversion above and below the threshold, capacity. */
export function BacktestView({ result }: { result: BacktestResult }) {
  const d = result.result;
  const b: BacktestSummary | null = result.compare;
  const [reps, setReps] = useState(2);
  const [perRep, setPerRep] = useState(2);
  const plan = useMemo(
    () =>
      capacityPlan(d.scored, {
        repsCount: reps,
        leadsPerRepPerWeek: perRep,
        weeks: weeksOf(result),
        ...(d.threshold?.atLeast !== undefined ? { currentThreshold: d.threshold.atLeast } : {}),
      }),
    [d, reps, perRep, result],
  );
  const weekly = useMemo(() => {
    const weeks = [
      ...new Set([...d.weeks.map((w) => w.week), ...(b?.weeks.map((w) => w.week) ?? [])]),
    ].sort();
    const at = (s: BacktestSummary | null, w: string) => s?.weeks.find((x) => x.week === w)?.mqls ?? 0;
    return {
      grid: { left: 50, right: 20, top: 30, bottom: 40 },
      legend: { top: 0 },
      xAxis: { type: "category", data: weeks },
      yAxis: { type: "value", name: "MQLs" },
      series: [
        { name: "Draft", type: "line", data: weeks.map((w) => at(d, w)), itemStyle: { color: "#1f5fbf" } },
        ...(b
          ? [
              {
                name: "Published",
                type: "line",
                data: weeks.map((w) => at(b, w)),
                itemStyle: { color: "#8a94a3" },
              },
            ]
          : []),
      ],
    };
  }, [d, b]);
  const curve = useMemo(() => {
    const pts = [...plan.curve].sort((x, y) => x.threshold - y.threshold);
    return {
      grid: { left: 50, right: 50, top: 30, bottom: 40 },
      legend: { top: 0 },
      xAxis: { type: "category", data: pts.map((p) => Math.round(p.threshold)), name: "threshold" },
      yAxis: [
        { type: "value", name: "leads / week" },
        { type: "value", name: "wins" },
      ],
      series: [
        {
          name: "Leads per week",
          type: "line",
          data: pts.map((p) => Math.round(p.perWeek * 10) / 10),
          itemStyle: { color: "#1f5fbf" },
        },
        {
          name: "Capacity per week",
          type: "line",
          data: pts.map(() => plan.capacityPerWeek),
          lineStyle: { type: "dashed" },
          itemStyle: { color: "#b42318" },
        },
        {
          name: "Expected wins",
          type: "bar",
          yAxisIndex: 1,
          data: pts.map((p) => Math.round(p.expectedConversions * 10) / 10),
          itemStyle: { color: "#9fd3ab" },
        },
      ],
    };
  }, [plan]);
  return (
    <section className="panel" aria-labelledby="backtest-title">
      <h2 id="backtest-title">
        Backtest {result.from.slice(0, 10)} → {result.to.slice(0, 10)}
      </h2>
      <div className="grid">
        <table className="table compact" aria-label="Draft versus published">
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col" className="num">
                Draft
              </th>
              <th scope="col" className="num">
                Published
              </th>
            </tr>
          </thead>
          <tbody>
            <Row
              label="MQL threshold"
              draft={d.threshold?.atLeast ?? "—"}
              base={b?.threshold?.atLeast ?? null}
            />
            <Row label="Leads in period" draft={d.leads} base={b?.leads ?? null} />
            <Row label="MQLs" draft={d.mqls} base={b?.mqls ?? null} />
            <Row label="MQLs reaching SQL" draft={d.mqlReachedSql} base={b?.mqlReachedSql ?? null} />
            <Row label="MQLs won" draft={d.mqlWon} base={b?.mqlWon ?? null} />
            <Row
              label="Win rate above threshold"
              draft={pct(d.above.winRate)}
              base={b ? pct(b.above.winRate) : null}
            />
            <Row
              label="Win rate below threshold"
              draft={pct(d.below.winRate)}
              base={b ? pct(b.below.winRate) : null}
            />
            <Row label="AUC won vs lost" draft={auc(d.aucClosed)} base={b ? auc(b.aucClosed) : null} />
          </tbody>
        </table>
        <div>
          <h3>MQLs per week</h3>
          <Chart option={weekly} label="MQLs per week under the draft and the published model" height={240} />
        </div>
      </div>
      <h3>Capacity</h3>
      <div className="inline-form">
        <label>
          Reps
          <input
            type="number"
            min={0}
            value={reps}
            onChange={(e) => setReps(Math.max(0, Number(e.target.value)))}
          />
        </label>
        <label>
          Leads per rep per week
          <input
            type="number"
            min={0}
            value={perRep}
            onChange={(e) => setPerRep(Math.max(0, Number(e.target.value)))}
          />
        </label>
        <p data-testid="capacity-advice">
          To fill {plan.capacityPerWeek} leads a week, set the threshold at{" "}
          <strong>{Math.round(plan.recommended.threshold)}</strong>:{" "}
          {Math.round(plan.recommended.perWeek * 10) / 10} leads/week, about{" "}
          {Math.round(plan.recommended.expectedConversions)} wins
          {plan.current
            ? `; today's threshold (${Math.round(plan.current.threshold)}) uses ${pct(plan.current.utilisation)} of capacity`
            : ""}
          .
        </p>
      </div>
      <Chart option={curve} label="Leads per week and expected wins at each threshold, against capacity" />
    </section>
  );
}

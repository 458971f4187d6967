import { useMemo, useState } from "react";
import { useApi } from "../api/context.ts";
import { type Dashboard as Data, loadDashboard } from "../api/reports.ts";
import { Chart } from "../components/chart.tsx";
import { EmptyState, ErrorNotice, Loading } from "../components/notice.tsx";
import { useAsync } from "../components/use-async.ts";

const PERIODS = [
  { id: "30", days: 30, label: "Last 30 days" },
  { id: "90", days: 90, label: "Last 90 days" },
  { id: "365", days: 365, label: "Last 12 months" },
  { id: "730", days: 730, label: "Last 2 years" },
  { id: "all", days: 365 * 30, label: "Everything" },
] as const;

const pct = (r: number | null) => (r === null ? "—" : `${Math.round(r * 1000) / 10}%`);
const FUNNEL = ["new", "mql", "sal", "sql", "opportunity", "won"];

function count<T>(items: readonly T[], key: (t: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
}

function Charts({ data }: { data: Data }) {
  const steps = FUNNEL.map((s) => data.funnel.steps.find((x) => x.stage === s) ?? { stage: s, entered: 0 });
  const rateInto = (stage: string) => data.funnel.conversions.find((c) => c.to === stage)?.rate ?? null;
  const conv = (from: string, to: string) =>
    data.funnel.conversions.find((c) => c.from === from && c.to === to)?.rate ?? null;
  const perRep = count(data.breaches, (b) => b.ownerId ?? "unassigned");
  const options = {
    funnel: {
      grid: { left: 60, right: 50, top: 50, bottom: 30 },
      legend: { top: 0 },
      xAxis: {
        type: "category",
        data: steps.map((s) => s.stage.toUpperCase()),
        axisLabel: { interval: 0 },
      },
      yAxis: [
        { type: "value", name: "leads" },
        { type: "value", name: "%", max: 100, axisLabel: { formatter: "{value}%" } },
      ],
      series: [
        {
          name: "Entered",
          type: "bar",
          data: steps.map((s) => s.entered),
          itemStyle: { color: "#1f5fbf" },
        },
        {
          name: "Conversion from previous stage",
          type: "line",
          yAxisIndex: 1,
          data: steps.map((s) => {
            const r = rateInto(s.stage);
            return r === null ? null : Math.round(r * 1000) / 10;
          }),
          itemStyle: { color: "#b35c00" },
        },
      ],
    },
    reasons: {
      grid: { left: 120, right: 20, top: 10, bottom: 30 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: data.reasons.map((r) => r.reason), inverse: true },
      series: [
        {
          name: "Leads",
          type: "bar",
          data: data.reasons.map((r) => r.count),
          itemStyle: { color: "#b42318" },
        },
      ],
    },
    time: {
      grid: { left: 60, right: 20, top: 50, bottom: 30 },
      legend: { top: 0 },
      xAxis: {
        type: "category",
        data: data.timeInStage.map((t) => t.stage.toUpperCase()),
        axisLabel: { interval: 0, fontSize: 10 },
      },
      yAxis: { type: "value", name: "hours" },
      series: [
        {
          name: "Median hours",
          type: "bar",
          data: data.timeInStage.map((t) => Math.round(t.medianHours * 10) / 10),
          itemStyle: { color: "#1f5fbf" },
        },
        {
          name: "Mean hours",
          type: "bar",
          data: data.timeInStage.map((t) => Math.round(t.meanHours * 10) / 10),
          itemStyle: { color: "#8fb3e8" },
        },
      ],
    },
    reps: {
      grid: { left: 110, right: 20, top: 10, bottom: 30 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: perRep.map(([o]) => o), inverse: true },
      series: [
        {
          name: "SLA breaches",
          type: "bar",
          data: perRep.map(([, n]) => n),
          itemStyle: { color: "#8a5300" },
        },
      ],
    },
    scores: data.scores
      ? {
          grid: { left: 50, right: 20, top: 30, bottom: 30 },
          legend: { top: 0 },
          xAxis: { type: "category", data: data.scores.bins.map(String), name: "score" },
          yAxis: { type: "value", name: "leads" },
          series: Object.entries(data.scores.series).map(([name, values]) => ({
            name,
            type: "bar",
            data: values,
          })),
        }
      : null,
  };
  return (
    <>
      <section className="kpis" aria-label="Key figures">
        <div>
          <span className="muted">MQLs</span>
          <span className="big">{steps.find((s) => s.stage === "mql")?.entered ?? 0}</span>
        </div>
        <div>
          <span className="muted">MQL → SAL</span>
          <span className="big">{pct(conv("mql", "sal"))}</span>
        </div>
        <div>
          <span className="muted">SAL → SQL</span>
          <span className="big">{pct(conv("sal", "sql"))}</span>
        </div>
        <div>
          <span className="muted">Won</span>
          <span className="big">{steps.find((s) => s.stage === "won")?.entered ?? 0}</span>
        </div>
        <div>
          <span className="muted">SLA breaches</span>
          <span className="big">{data.breaches.length}</span>
        </div>
      </section>
      <div className="grid">
        <section className="panel" aria-labelledby="funnel-title">
          <h2 id="funnel-title">Funnel and conversion</h2>
          <Chart
            option={options.funnel}
            label="Leads entering each stage, with conversion from the previous stage"
          />
        </section>
        <section className="panel" aria-labelledby="reasons-title">
          <h2 id="reasons-title">Rejection reasons</h2>
          {data.reasons.length === 0 ? (
            <EmptyState title="No rejections in this period" />
          ) : (
            <Chart option={options.reasons} label="Leads rejected or disqualified, by reason" />
          )}
        </section>
        <section className="panel" aria-labelledby="time-title">
          <h2 id="time-title">Time in stage</h2>
          {data.timeInStage.length === 0 ? (
            <EmptyState title="No lead left a stage in this period" />
          ) : (
            <Chart option={options.time} label="Median and mean hours spent in each stage" />
          )}
        </section>
        <section className="panel" aria-labelledby="reps-title">
          <h2 id="reps-title">SLA breaches per rep</h2>
          {perRep.length === 0 ? (
            <EmptyState title="No SLA breaches in this period">
              Every MQL was accepted or rejected in time.
            </EmptyState>
          ) : (
            <Chart option={options.reps} label="SLA breaches by lead owner" />
          )}
        </section>
        <section className="panel" aria-labelledby="scores-title">
          <h2 id="scores-title">Score distribution by outcome</h2>
          {options.scores ? (
            <Chart option={options.scores} label="How many won and lost leads had each score" />
          ) : (
            <EmptyState title="Not offered by this server">
              Update Winnow to see scores by outcome.
            </EmptyState>
          )}
        </section>
      </div>
    </>
  );
}

/** The manager's view of pipeline health over a chosen period; every chart shows its numbers on hover. */
export function Dashboard() {
  const { api } = useApi();
  const [choice, setChoice] = useState<string>("365");
  const [to] = useState(() => new Date().toISOString());
  const days = PERIODS.find((p) => p.id === choice)?.days ?? 365;
  const period = useMemo(
    () => ({ from: new Date(Date.parse(to) - days * 86_400_000).toISOString(), to }),
    [days, to],
  );
  const { state, reload } = useAsync(() => loadDashboard(api, period), [api, period]);
  return (
    <div>
      <div className="spread">
        <h1>Pipeline health</h1>
        <label>
          Period
          <select value={choice} onChange={(e) => setChoice(e.target.value)}>
            {PERIODS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {state.status === "error" ? <ErrorNotice error={state.error} onRetry={reload} /> : null}
      {!state.data && state.status === "loading" ? <Loading what="reports" /> : null}
      {state.data ? <Charts data={state.data} /> : null}
    </div>
  );
}

import { useMemo } from "react";
import type { Forecast, ModelMetrics } from "../api/predictive.ts";
import { Chart } from "../components/chart.tsx";
import { EmptyState } from "../components/notice.tsx";

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const pctText = (x: number) => `${(100 * x).toFixed(1)}%`;
const BLUE = "#1f5fbf";
const ORANGE = "#b35c00";
const GREY = "#8a8f98";

/** Predicted against observed win rate per probability bin; the diagonal is perfect calibration. */
export function ReliabilityChart({ metrics }: { metrics: ModelMetrics }) {
  const bins = metrics.reliability ?? [];
  const option = useMemo(
    () => ({
      grid: { left: 55, right: 20, top: 40, bottom: 45 },
      legend: { top: 0 },
      tooltip: { trigger: "item", confine: true },
      xAxis: { type: "value", min: 0, max: 1, name: "predicted", nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "value", min: 0, max: 1, name: "observed win rate" },
      series: [
        {
          name: "Perfect calibration",
          type: "line",
          data: [
            [0, 0],
            [1, 1],
          ],
          symbol: "none",
          lineStyle: { type: "dashed", color: GREY },
          itemStyle: { color: GREY },
          tooltip: { show: false },
        },
        {
          name: "Held-out leads",
          type: "line",
          data: bins.map((b) => ({
            value: [r3(b.predicted), r3(b.observed)],
            count: b.count,
          })),
          itemStyle: { color: BLUE },
          tooltip: {
            formatter: (p: { data: { value: [number, number]; count: number } }) =>
              `Predicted ${pctText(p.data.value[0])}<br/>Observed ${pctText(p.data.value[1])}<br/>${p.data.count} leads`,
          },
        },
      ],
    }),
    [bins],
  );
  if (bins.length === 0) return <EmptyState title="No reliability curve stored with this model" />;
  return <Chart option={option} label="Reliability: predicted probability against observed win rate" />;
}

/** Lift of each score decile (highest scores first) and the share of wins captured so far. */
export function LiftChart({ metrics }: { metrics: ModelMetrics }) {
  const deciles = metrics.liftByDecile ?? [];
  const option = useMemo(
    () => ({
      grid: { left: 50, right: 50, top: 40, bottom: 45 },
      legend: { top: 0 },
      xAxis: {
        type: "category",
        data: deciles.map((d) => String(d.decile)),
        name: "decile (best first)",
        nameLocation: "middle",
        nameGap: 28,
      },
      yAxis: [
        { type: "value", name: "lift" },
        { type: "value", name: "% of wins", max: 100, axisLabel: { formatter: "{value}%" } },
      ],
      series: [
        {
          name: "Lift",
          type: "bar",
          data: deciles.map((d) => r3(d.lift)),
          itemStyle: { color: BLUE },
          tooltip: { valueFormatter: (v: number) => `${v}×` },
        },
        {
          name: "Wins captured",
          type: "line",
          yAxisIndex: 1,
          tooltip: { valueFormatter: (v: number) => `${v}%` },
          data: deciles.map((d) => Math.round(d.cumulativeCapture * 1000) / 10),
          itemStyle: { color: ORANGE },
        },
      ],
    }),
    [deciles],
  );
  if (deciles.length === 0) return <EmptyState title="No lift table stored with this model" />;
  return <Chart option={option} label="Lift by score decile and cumulative share of wins captured" />;
}

/** The features that moved predictions most across the training leads. */
export function ImportanceChart({ metrics }: { metrics: ModelMetrics }) {
  const items = metrics.importance ?? [];
  const option = useMemo(
    () => ({
      grid: { left: 170, right: 30, top: 10, bottom: 30 },
      xAxis: { type: "value" },
      yAxis: {
        type: "category",
        data: items.map((i) => i.feature),
        inverse: true,
        axisLabel: { fontSize: 11 },
      },
      series: [
        {
          name: "Importance",
          type: "bar",
          data: items.map((i) => r3(i.importance)),
          itemStyle: { color: BLUE },
        },
      ],
    }),
    [items],
  );
  if (items.length === 0) return <EmptyState title="No feature importance stored with this model" />;
  return (
    <Chart
      option={option}
      label="Global feature importance (mean absolute contribution)"
      height={Math.max(220, 24 * items.length + 40)}
    />
  );
}

/** Expected wins per month with its range, and expected value. */
export function ForecastChart({ forecast }: { forecast: Forecast }) {
  const periods = forecast.periods;
  const option = useMemo(
    () => ({
      grid: { left: 55, right: 70, top: 40, bottom: 30 },
      legend: { top: 0 },
      xAxis: { type: "category", data: periods.map((p) => p.period) },
      yAxis: [
        { type: "value", name: "wins" },
        { type: "value", name: "value" },
      ],
      series: [
        {
          name: "Expected wins",
          type: "bar",
          data: periods.map((p) => Math.round(p.expectedWins * 10) / 10),
          itemStyle: { color: BLUE },
        },
        {
          name: "Wins, low",
          type: "line",
          data: periods.map((p) => p.winsLow),
          lineStyle: { type: "dotted" },
          itemStyle: { color: GREY },
        },
        {
          name: "Wins, high",
          type: "line",
          data: periods.map((p) => p.winsHigh),
          lineStyle: { type: "dotted" },
          itemStyle: { color: GREY },
        },
        {
          name: "Expected value",
          type: "line",
          yAxisIndex: 1,
          data: periods.map((p) => Math.round(p.expectedValue)),
          itemStyle: { color: ORANGE },
        },
      ],
    }),
    [periods],
  );
  if (periods.length === 0) return <EmptyState title="No open leads to forecast" />;
  return <Chart option={option} label="Expected wins and value per month from the open leads" />;
}

import { useEffect, useRef, useState } from "react";
import { useApi } from "../api/context.ts";
import {
  createIcpDraft,
  type Forecast,
  type Icp,
  type IcpDraft,
  listTrainedModels,
  loadForecast,
  loadIcp,
  type NotReady,
  type Population,
  type TrainedModel,
  trainModel,
} from "../api/predictive.ts";
import { EmptyState, ErrorNotice, Loading } from "../components/notice.tsx";
import { useAsync } from "../components/use-async.ts";
import { ForecastChart, ImportanceChart, LiftChart, ReliabilityChart } from "../model/charts.tsx";
import { IcpTable } from "../model/icp-table.tsx";
import { navigate } from "../router.ts";

const POPULATIONS: readonly { id: Population; label: string }[] = [
  { id: "deals", label: "Closed deals (won against lost)" },
  { id: "leads", label: "Every decided lead (won against lost, disqualified, recycled)" },
];

const f3 = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(3));
/** The held-out AUC is too uncertain to read much into (its 95% interval is wider than 0.2). */
const roughAuc = (m: TrainedModel["metrics"]) =>
  m.heldOut?.aucLow !== undefined &&
  m.heldOut.aucHigh !== undefined &&
  m.heldOut.aucHigh - m.heldOut.aucLow > 0.2;
const when = (iso: string) =>
  new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
const isNotReady = (x: unknown): x is NotReady => typeof x === "object" && x !== null && "notReady" in x;

function TooFew({ reason }: { reason: string }) {
  return (
    <EmptyState title="Not enough closed deals yet">
      {reason} Record outcomes on leads (won, lost, disqualified) and train again.
    </EmptyState>
  );
}

function ModelsTable({ models }: { models: readonly TrainedModel[] }) {
  return (
    <table className="table compact" aria-label="Trained models">
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Trained</th>
          <th scope="col">Learned from</th>
          <th scope="col">AUC</th>
          <th scope="col">Log loss</th>
          <th scope="col">Brier</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {models.map((m) => (
          <tr key={m.id}>
            <td>v{m.version}</td>
            <td>
              {when(m.trainedAt)} <span className="muted">by {m.trainedBy}</span>
            </td>
            <td>
              {m.metrics.rows ?? "?"} {m.metrics.population === "deals" ? "deals" : "leads"}{" "}
              <span className="muted">
                ({m.metrics.won ?? "?"} won, {m.metrics.lost ?? "?"} lost)
              </span>
            </td>
            <td>{f3(m.metrics.heldOut?.auc)}</td>
            <td>{f3(m.metrics.heldOut?.logloss)}</td>
            <td>{f3(m.metrics.heldOut?.brier)}</td>
            <td>
              <span className={`badge ${m.status === "active" ? "status-delivered" : ""}`}>{m.status}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ActiveModel({ model }: { model: TrainedModel }) {
  const m = model.metrics;
  return (
    <>
      <section className="kpis" aria-label="Active model">
        <div>
          <span className="muted">Active model</span>
          <span className="big">v{model.version}</span>
        </div>
        <div>
          <span className="muted">AUC (held out)</span>
          <span className="big">{f3(m.heldOut?.auc)}</span>
          {m.heldOut?.aucLow !== undefined && m.heldOut.aucHigh !== undefined ? (
            <span className="muted" title="95% confidence interval of the AUC on the held-out rows">
              95% CI {f3(m.heldOut.aucLow)}–{f3(m.heldOut.aucHigh)}
            </span>
          ) : null}
        </div>
        <div>
          <span className="muted">Log loss</span>
          <span className="big">{f3(m.heldOut?.logloss)}</span>
        </div>
        <div>
          <span className="muted">Brier</span>
          <span className="big">{f3(m.heldOut?.brier)}</span>
        </div>
        <div>
          <span className="muted">Held-out rows</span>
          <span className="big">{m.heldOut?.rows ?? "—"}</span>
        </div>
      </section>
      <div className="grid">
        <section className="panel" aria-labelledby="reliability-title">
          <h2 id="reliability-title">Reliability</h2>
          <ReliabilityChart metrics={m} />
        </section>
        <section className="panel" aria-labelledby="lift-title">
          <h2 id="lift-title">Lift by decile</h2>
          <LiftChart metrics={m} />
        </section>
        <section className="panel" aria-labelledby="importance-title">
          <h2 id="importance-title">What drives the prediction</h2>
          <ImportanceChart metrics={m} />
        </section>
      </div>
    </>
  );
}

function ForecastPanel({ forecast }: { forecast: Forecast | null }) {
  if (!forecast)
    return (
      <EmptyState title="No forecast yet">
        Train a model: the forecast sums its open-lead probabilities.
      </EmptyState>
    );
  const all = forecast.accuracy.find((a) => a.period === "all");
  const months = forecast.accuracy.filter((a) => a.period !== "all");
  return (
    <>
      <p className="help">
        From model v{forecast.modelVersion}. Leads without an open deal are expected to close{" "}
        {forecast.assumptions.medianCycleDays ?? "?"} days (the median won cycle) after they arrived.{" "}
        {all
          ? `Tracked so far: Brier ${all.brier.toFixed(3)} over ${all.closed} closed leads (${all.predictedWins.toFixed(1)} wins predicted, ${all.actualWins} won).`
          : "No lead predicted by a model has closed yet, so its accuracy is not tracked yet."}
      </p>
      <ForecastChart forecast={forecast} />
      {months.length > 0 ? (
        <table className="table compact" aria-label="Forecast accuracy by month">
          <thead>
            <tr>
              <th scope="col">Closed in</th>
              <th scope="col">Closed</th>
              <th scope="col">Predicted wins</th>
              <th scope="col">Actual wins</th>
              <th scope="col">Brier</th>
            </tr>
          </thead>
          <tbody>
            {months.map((a) => (
              <tr key={a.period}>
                <td>{a.period}</td>
                <td>{a.closed}</td>
                <td>{a.predictedWins.toFixed(1)}</td>
                <td>{a.actualWins}</td>
                <td>{a.brier.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}

function IcpPanel({ population, version }: { population: Population; version: number }) {
  const { api } = useApi();
  const { state, reload } = useAsync(() => loadIcp(api, population), [api, population, version]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<IcpDraft | null>(null);
  const data = state.data;
  const icp: Icp | null = data && !isNotReady(data) ? data : null;
  // Each fresh report starts with its suggested rules chosen.
  useEffect(() => {
    if (icp) setSelected(new Set(icp.rules.map((r) => r.scoringRule.id)));
  }, [icp]);

  async function create() {
    setBusy(true);
    setError(null);
    setCreated(null);
    try {
      setCreated(await createIcpDraft(api, [...selected], population));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (state.status === "error") return <ErrorNotice error={state.error} onRetry={reload} />;
  if (!data) return <Loading what="ICP segments" />;
  if (isNotReady(data)) return <TooFew reason={data.reason} />;
  const ready = data;
  return (
    <>
      <IcpTable
        icp={ready}
        selected={selected}
        onToggle={(id, on) =>
          setSelected((s) => {
            const next = new Set(s);
            if (on) next.add(id);
            else next.delete(id);
            return next;
          })
        }
      />
      <div className="row">
        <button type="button" className="primary" disabled={selected.size === 0 || busy} onClick={create}>
          Create scoring draft from these
        </button>
        <span className="muted">
          {selected.size} chosen. The draft is the default scoring model plus these fit rules; nothing is
          published.
        </span>
        {busy ? <span role="status">Creating the draft…</span> : null}
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      {created ? (
        <p className="notice notice-ok" role="status">
          Draft {created.draft.name} v{created.draft.version} created with {created.adopted.length} ICP rule
          {created.adopted.length === 1 ? "" : "s"}.{" "}
          <a
            href={`/scoring?draft=${encodeURIComponent(created.draft.id)}`}
            onClick={(e) => {
              if (e.metaKey || e.ctrlKey || e.shiftKey) return;
              e.preventDefault();
              navigate(`/scoring?draft=${encodeURIComponent(created.draft.id)}`);
            }}
          >
            Open it in the scoring console
          </a>{" "}
          to backtest it before you publish.
        </p>
      ) : null}
    </>
  );
}

/**
 * The manager's model screen: train on closed deals, the trained models with their held-out
 * metrics and charts, the forecast and its tracked Brier, and ICP segments that can become a
 * scoring-model draft.
 */
export function ModelScreen() {
  const { api } = useApi();
  const [population, setPopulation] = useState<Population>("deals");
  const models = useAsync(() => listTrainedModels(api), [api]);
  const [version, setVersion] = useState(0);
  const forecast = useAsync(() => loadForecast(api), [api, version]);
  const [training, setTraining] = useState<{ started: number; seconds: number } | null>(null);
  const [trainError, setTrainError] = useState<unknown>(null);
  const [tooFew, setTooFew] = useState<string | null>(null);
  const [trained, setTrained] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearInterval(timer.current);
    },
    [],
  );

  async function train() {
    const started = Date.now();
    setTraining({ started, seconds: 0 });
    setTrainError(null);
    setTooFew(null);
    setTrained(null);
    timer.current = setInterval(
      () => setTraining({ started, seconds: Math.round((Date.now() - started) / 1000) }),
      1000,
    );
    try {
      const out = await trainModel(api, population);
      if (isNotReady(out)) setTooFew(out.reason);
      else {
        const m = out.model.metrics;
        setTrained(
          `Model v${out.model.version} trained on ${m.rows} ${m.population === "deals" ? "deals" : "leads"} (${m.won} won, ${m.lost} lost): held-out AUC ${f3(m.heldOut?.auc)}${roughAuc(m) ? ` (95% CI ${f3(m.heldOut?.aucLow)}–${f3(m.heldOut?.aucHigh)}: too few held-out rows to judge it yet)` : ""}; ${out.scored} open leads scored.`,
        );
        models.reload();
        setVersion((v) => v + 1);
      }
    } catch (e) {
      setTrainError(e);
    } finally {
      if (timer.current) clearInterval(timer.current);
      timer.current = null;
      setTraining(null);
    }
  }

  const list = models.state.data ?? [];
  const active = list.find((m) => m.status === "active") ?? null;
  return (
    <div>
      <h1>Model and ideal customer profile</h1>
      <section className="panel" aria-labelledby="train-title">
        <h2 id="train-title">Train on your own history</h2>
        <div className="row">
          <label>
            Learn from
            <select value={population} onChange={(e) => setPopulation(e.target.value as Population)}>
              {POPULATIONS.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="primary" disabled={training !== null} onClick={train}>
            Train model
          </button>
          {training ? (
            <span role="status" aria-live="polite">
              Training on closed history and scoring the open leads… {training.seconds}s
            </span>
          ) : null}
        </div>
        <p className="help">
          A fifth of the history is held out to measure the model, then it is refitted on all of it, becomes
          the active model and scores every open lead. Needs at least 20 won and 20 lost.
        </p>
        {trained ? (
          <p className="notice notice-ok" role="status">
            {trained}
          </p>
        ) : null}
        {tooFew ? <TooFew reason={tooFew} /> : null}
        {trainError ? <ErrorNotice error={trainError} /> : null}
      </section>

      {models.state.status === "error" ? (
        <ErrorNotice error={models.state.error} onRetry={models.reload} />
      ) : null}
      {!models.state.data && models.state.status === "loading" ? <Loading what="trained models" /> : null}
      {models.state.data && list.length === 0 ? (
        <EmptyState title="No model trained yet">
          Press “Train model” once at least 20 deals were won and 20 lost; until then leads keep their rules
          score.
        </EmptyState>
      ) : null}
      {active ? <ActiveModel model={active} /> : null}
      {list.length > 0 ? (
        <section className="panel" aria-labelledby="models-title">
          <h2 id="models-title">Trained models</h2>
          <ModelsTable models={list} />
        </section>
      ) : null}

      <section className="panel" aria-labelledby="forecast-title">
        <h2 id="forecast-title">Forecast</h2>
        {forecast.state.status === "error" ? (
          <ErrorNotice error={forecast.state.error} onRetry={forecast.reload} />
        ) : forecast.state.status === "loading" && forecast.state.data === null ? (
          <Loading what="the forecast" />
        ) : (
          <ForecastPanel forecast={forecast.state.data ?? null} />
        )}
      </section>

      <section className="panel" aria-labelledby="icp-title">
        <h2 id="icp-title">Ideal customer profile</h2>
        <p className="help">
          Segments of closed {population === "deals" ? "deals" : "leads"} by fit attributes. Choose the ones
          to turn into scoring rules (points = 10 × ln(lift)); the draft opens in the scoring console for a
          backtest.
        </p>
        <IcpPanel population={population} version={version} />
      </section>
    </div>
  );
}

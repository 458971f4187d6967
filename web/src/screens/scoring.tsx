import { useEffect, useMemo, useState } from "react";
import { stringify } from "yaml";
import type { BacktestResult } from "../../../src/core/scoring/backtest.ts";
import { parseScoringModel } from "../../../src/core/scoring/parse-model.ts";
import { useApi } from "../api/context.ts";
import { listModels, type ModelVersion, publish, runBacktest, saveDraft } from "../api/models.ts";
import { EmptyState, ErrorNotice, Loading } from "../components/notice.tsx";
import { useAsync } from "../components/use-async.ts";
import { useLocation } from "../router.ts";
import { BacktestView } from "../scoring/backtest-view.tsx";

const YEAR = 365 * 86_400_000;

function ModelList({ models }: { models: readonly ModelVersion[] }) {
  if (models.length === 0)
    return (
      <EmptyState title="No scoring models yet">Write one on the right and save it as a draft.</EmptyState>
    );
  return (
    <table className="table compact" aria-label="Model versions">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Version</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {models.map((m) => (
          <tr key={m.id}>
            <td>{m.name}</td>
            <td>v{m.version}</td>
            <td>
              <span className={`badge ${m.status === "published" ? "status-delivered" : ""}`}>
                {m.status}
              </span>
              {m.isDefault ? " default" : ""}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The ops console: edit a draft model with validation as you type (the same parser the server
 * uses, with line and column), save it, backtest it against the published default, publish it.
 */
export function ScoringConsole() {
  const { api } = useApi();
  const { state, reload } = useAsync(() => listModels(api), [api]);
  const [text, setText] = useState<string | null>(null);
  const [draft, setDraft] = useState<ModelVersion | null>(null);
  const [result, setResult] = useState<BacktestResult | null>(null);
  /** The server cannot backtest: publishing is allowed, with a warning. */
  const [noBacktest, setNoBacktest] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [from, setFrom] = useState(() => new Date(Date.now() - YEAR).toISOString().slice(0, 10));
  const [to, setTo] = useState(() => new Date().toISOString().slice(0, 10));

  const published =
    state.data?.find((m) => m.isDefault) ?? state.data?.find((m) => m.status === "published") ?? null;
  // `/scoring?draft=<id>` opens a saved draft (e.g. one made from ICP segments), ready to backtest.
  const wanted = useLocation().params.get("draft");
  const opened = (wanted && state.data?.find((m) => m.id === wanted && m.status === "draft")) || null;
  useEffect(() => {
    if (text !== null || state.status !== "ok") return;
    if (opened) {
      setText(stringify(opened.document));
      setDraft(opened);
      setNotice(`Draft ${opened.name} v${opened.version} opened. Backtest it before publishing.`);
    } else setText(published ? stringify(published.document) : "");
  }, [text, state.status, published, opened]);

  const parsed = useMemo(() => (text === null ? null : parseScoringModel(text, "yaml")), [text]);
  const issues = parsed && !parsed.ok ? parsed.error : [];

  async function step(label: string, fn: () => Promise<void>) {
    setBusy(label);
    setError(null);
    setNotice(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  const save = () =>
    step("Saving", async () => {
      const saved = await saveDraft(api, text ?? "");
      setDraft(saved);
      setResult(null);
      setNotice(`Draft ${saved.name} v${saved.version} saved. Backtest it before publishing.`);
      reload();
    });
  const backtest = () =>
    step("Backtesting", async () => {
      if (!draft) return;
      const out = await runBacktest(api, draft.id, {
        from: `${from}T00:00:00.000Z`,
        to: `${to}T00:00:00.000Z`,
      });
      setResult(out);
      setNoBacktest(out === null);
    });
  const doPublish = () =>
    step("Publishing", async () => {
      if (!draft) return;
      const m = await publish(api, draft.id, true);
      setNotice(`Published ${m.name} v${m.version}; it is now the default model.`);
      setDraft(null);
      setResult(null);
      reload();
    });

  return (
    <div>
      <h1>Scoring console</h1>
      {state.status === "error" ? <ErrorNotice error={state.error} onRetry={reload} /> : null}
      {notice ? (
        <p className="notice notice-ok" role="status">
          {notice}
        </p>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
      <div className="grid-2">
        <section className="panel" aria-labelledby="editor-title">
          <h2 id="editor-title">Draft model (YAML)</h2>
          {text === null ? (
            <Loading what="the published model" />
          ) : (
            <>
              <label htmlFor="model-text" className="help">
                Edit the rules; every change is checked at once. See docs/scoring.md for the fields.
              </label>
              <textarea
                id="model-text"
                className="code"
                spellCheck={false}
                value={text}
                onChange={(e) => {
                  setText(e.target.value);
                  setDraft(null);
                  setResult(null);
                  setNoBacktest(false);
                }}
                aria-invalid={issues.length > 0}
                aria-describedby="model-issues"
              />
              <div id="model-issues" aria-live="polite">
                {issues.length === 0 ? (
                  <p className="muted">Valid model.</p>
                ) : (
                  <ul className="issues">
                    {issues.slice(0, 12).map((i) => (
                      <li key={`${i.path}-${i.line}-${i.column}-${i.message}`}>
                        {i.line ? `line ${i.line}${i.column ? `:${i.column}` : ""} ` : ""}
                        {i.path ? <code>{i.path}</code> : null} {i.message}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              <div className="row">
                <button
                  type="button"
                  className="primary"
                  disabled={issues.length > 0 || busy !== null}
                  onClick={save}
                >
                  Save draft
                </button>
                <label>
                  From
                  <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
                </label>
                <label>
                  To
                  <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
                </label>
                <button type="button" disabled={!draft || busy !== null} onClick={backtest}>
                  Backtest against published
                </button>
                <button
                  type="button"
                  className="primary"
                  disabled={!draft || !(result || noBacktest) || busy !== null}
                  onClick={doPublish}
                >
                  Publish
                </button>
                {busy ? <span role="status">{busy}…</span> : null}
              </div>
              {!result && draft && !noBacktest ? (
                <p className="help">Publishing is enabled once the draft has been backtested.</p>
              ) : null}
              {noBacktest ? (
                <p className="notice notice-error" role="status">
                  This server cannot backtest yet. Backtest the same file with{" "}
                  <code>winnow backtest model.yaml --from … --to …</code> before you publish.
                </p>
              ) : null}
            </>
          )}
        </section>
        <section className="panel" aria-labelledby="versions-title">
          <h2 id="versions-title">Versions</h2>
          {state.data ? <ModelList models={state.data} /> : <Loading what="models" />}
        </section>
      </div>
      {result ? <BacktestView result={result} /> : null}
    </div>
  );
}

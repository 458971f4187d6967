import { ApiError } from "../api/client.ts";
import { useApi } from "../api/context.ts";
import { ErrorNotice } from "../components/notice.tsx";
import { useAsync } from "../components/use-async.ts";

type Reason = { feature: string; value: string; direction: "raises" | "lowers"; contribution: number };
type PredictionView = {
  prediction: { probability: number; reasons: Reason[]; modelVersion: number; computedAt: string } | null;
  reason?: string;
};

/** The learned probability of winning this lead, with the features that moved it; or why there is none. */
export function PredictionPanel({ leadId }: { leadId: string }) {
  const { api } = useApi();
  const { state } = useAsync(async () => {
    try {
      return await api.get<PredictionView>(`/v1/leads/${encodeURIComponent(leadId)}/prediction`);
    } catch (e) {
      if (e instanceof ApiError && e.missingRoute) return null;
      throw e;
    }
  }, [api, leadId]);
  if (state.status === "error") return <ErrorNotice error={state.error} />;
  if (!state.data) return null;
  const p = state.data.prediction;
  return (
    <section className="panel" aria-labelledby="prediction-title">
      <h2 id="prediction-title">Probability of winning</h2>
      {p ? (
        <>
          <p>
            <span className="prob" data-testid="probability">
              {Math.round(p.probability * 100)}%
            </span>{" "}
            <span className="muted">learned from your won and lost deals (model v{p.modelVersion})</span>
          </p>
          <ul>
            {p.reasons.slice(0, 5).map((r) => (
              <li key={`${r.feature}-${r.value}`}>
                {r.direction === "raises" ? "▲" : "▼"} {r.feature.replaceAll("_", " ")} = {r.value}{" "}
                <span className="muted">
                  ({r.direction} it by {Math.abs(Math.round(r.contribution * 100) / 100)})
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="muted">
          {state.data.reason ?? "No prediction yet."} Train one with <code>winnow train</code> or{" "}
          <code>POST /v1/predictive/train</code>; until then the rules score above ranks the lead.
        </p>
      )}
    </section>
  );
}

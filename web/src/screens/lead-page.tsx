import { useApi } from "../api/context.ts";
import { getLead } from "../api/leads.ts";
import type { HistoryItem, LeadView } from "../api/types.ts";
import { EmptyState, ErrorNotice, Loading } from "../components/notice.tsx";
import { duration, SlaClock } from "../components/sla-clock.tsx";
import { useAsync } from "../components/use-async.ts";
import { LeadActions } from "../lead/actions.tsx";
import { PredictionPanel } from "../lead/prediction-panel.tsx";
import { ScorePanel } from "../lead/score-panel.tsx";
import { navigate } from "../router.ts";

const when = (iso: string) => iso.replace("T", " ").slice(0, 16);
const text = (v: unknown) => (v === null || v === undefined || v === "" ? "—" : String(v));

function Facts({ rows }: { rows: [string, unknown][] }) {
  return (
    <dl className="facts">
      {rows.map(([k, v]) => (
        <div key={k} style={{ display: "contents" }}>
          <dt>{k}</dt>
          <dd>{text(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function stageOf(v: unknown): string {
  if (v && typeof v === "object" && "stage" in v) return String((v as { stage: unknown }).stage);
  return "—";
}

function StageHistory({ items }: { items: readonly HistoryItem[] }) {
  const stages = items.filter((h) => h.kind === "stage" || h.kind === "owner");
  if (stages.length === 0) return <p className="muted">No stage changes yet.</p>;
  return (
    <ol className="timeline" aria-label="Stage history">
      {stages.map((h) => (
        <li key={h.id}>
          <time dateTime={h.at}>{when(h.at)}</time>
          {h.kind === "stage" ? (
            <>
              {stageOf(h.before)} → <strong>{stageOf(h.after)}</strong>
            </>
          ) : (
            <>owner changed</>
          )}{" "}
          <span className="muted">by {h.actor}</span>
          {h.reason ? <div>Reason: {h.reason}</div> : null}
        </li>
      ))}
    </ol>
  );
}

function Body({ view, reload }: { view: LeadView; reload: () => void }) {
  const { lead, contact: c, account: a } = view;
  const attempts = view.activities.filter((x) => x.type !== "note");
  const events = [...view.events].sort((x, y) => y.occurredAt.localeCompare(x.occurredAt)).slice(0, 50);
  return (
    <div>
      <div className="spread">
        <div>
          <button type="button" className="link" onClick={() => navigate("/")}>
            ← Inbox
          </button>
          <h1>
            {lead.name ?? lead.email ?? lead.id} <span className="badge">{lead.stage}</span>
          </h1>
          <p className="muted">
            {text(c["title"])} at {lead.company ?? "no company"} · source {text(lead.source)} · owner{" "}
            {text(lead.ownerId)}
            {lead.reason ? ` · reason: ${lead.reason}` : ""}
          </p>
        </div>
        <div>
          SLA: <SlaClock dueAt={lead.slaDueAt} />
        </div>
      </div>
      <div className="grid-2">
        <div>
          <LeadActions view={view} onChanged={reload} />
          <ScorePanel score={view.score} />
          <PredictionPanel leadId={lead.id} />
          <section className="panel" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Behaviour</h2>
            {events.length === 0 ? (
              <p className="muted">No behaviour recorded yet.</p>
            ) : (
              <ol className="timeline">
                {events.map((e) => (
                  <li key={e.id}>
                    <time dateTime={e.occurredAt}>{when(e.occurredAt)}</time>
                    {e.type.replaceAll("_", " ")}
                    {typeof e.properties["title"] === "string" ? ` — ${e.properties["title"]}` : ""}
                  </li>
                ))}
              </ol>
            )}
          </section>
        </div>
        <div>
          <section className="panel" aria-labelledby="facts-title">
            <h2 id="facts-title">Contact and account</h2>
            <div className="grid">
              <Facts
                rows={[
                  ["Email", c["email"]],
                  ["Phone", c["phone"]],
                  ["Title", c["title"]],
                  ["Seniority", c["seniority"]],
                  ["Buying role", c["buyingRole"]],
                  ["Email status", c["emailStatus"]],
                ]}
              />
              {a ? (
                <Facts
                  rows={[
                    ["Company", a["name"]],
                    ["Domain", a["domain"]],
                    ["Industry", a["industry"]],
                    ["Employees", a["employees"]],
                    ["Country", a["country"]],
                    ["Region", a["region"]],
                  ]}
                />
              ) : (
                <p className="muted">No account linked.</p>
              )}
            </div>
          </section>
          <section className="panel" aria-labelledby="history-title">
            <h2 id="history-title">Stage history</h2>
            <StageHistory items={view.history} />
            {view.slaBreaches.length > 0 ? (
              <>
                <h3>SLA breaches</h3>
                <ul>
                  {view.slaBreaches.map((b, i) => (
                    <li key={String(b["id"] ?? i)}>
                      {text(b["sla"])}: due {when(String(b["dueAt"] ?? ""))}, missed by{" "}
                      {duration(Number(b["overdueSeconds"] ?? 0))}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </section>
          <section className="panel" aria-labelledby="attempts-title">
            <h2 id="attempts-title">Contact attempts ({attempts.length})</h2>
            {view.activities.length === 0 ? (
              <EmptyState title="No attempts yet">
                Log calls and emails above; "unreachable" needs them.
              </EmptyState>
            ) : (
              <table className="table compact">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Type</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">By</th>
                    <th scope="col">Note</th>
                  </tr>
                </thead>
                <tbody>
                  {[...view.activities].reverse().map((x) => (
                    <tr key={x.id}>
                      <td>{when(x.occurredAt)}</td>
                      <td>{x.type}</td>
                      <td>{text(x.outcome)}</td>
                      <td>{x.by}</td>
                      <td>{text(x.body)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>
      </div>
    </div>
  );
}

/** One lead: facts, scores with their reasons, behaviour, stage history, SLA, attempts, actions. */
export function LeadPage({ leadId }: { leadId: string }) {
  const { api } = useApi();
  const { state, reload } = useAsync(() => getLead(api, leadId), [api, leadId]);
  if (state.status === "error") return <ErrorNotice error={state.error} onRetry={reload} />;
  if (!state.data) return <Loading what="the lead" />;
  return <Body view={state.data} reload={reload} />;
}

import { type FormEvent, useState } from "react";
import { useApi } from "../api/context.ts";
import { EmptyState, ErrorNotice, Loading } from "../components/notice.tsx";
import { useAsync } from "../components/use-async.ts";

type Subscription = {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
};
type Delivery = {
  id: string;
  event: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
};

const EVENTS = ["lead.stage_changed", "lead.threshold_crossed", "lead.sla_breached"] as const;

function Deliveries({ id }: { id: string }) {
  const { api } = useApi();
  const { state, reload } = useAsync(
    () => api.get<{ data: Delivery[] }>(`/v1/webhooks/${encodeURIComponent(id)}/deliveries`, { limit: 20 }),
    [api, id],
  );
  if (state.status === "error") return <ErrorNotice error={state.error} onRetry={reload} />;
  const rows = state.data?.data ?? [];
  if (!state.data) return <Loading what="deliveries" />;
  return (
    <div>
      <button type="button" className="small" onClick={reload}>
        Refresh log
      </button>
      {rows.length === 0 ? (
        <EmptyState title="No deliveries yet">Send a ping to check the endpoint.</EmptyState>
      ) : (
        <table className="table compact">
          <caption>Delivery log, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last answer</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id}>
                <td>{d.event}</td>
                <td>
                  <span className={`badge status-${d.status}`}>{d.status}</span>
                </td>
                <td>{d.attempts}</td>
                <td>{d.lastStatus ?? d.lastError ?? "—"}</td>
                <td>{d.createdAt.replace("T", " ").slice(0, 19)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Webhook subscriptions: subscribe a URL, ping it, read its delivery log, unsubscribe. */
export function WebhooksPanel() {
  const { api } = useApi();
  const { state, reload } = useAsync(() => api.get<{ data: Subscription[] }>("/v1/webhooks"), [api]);
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<string[]>(["lead.stage_changed"]);
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function act(fn: () => Promise<unknown>) {
    setError(null);
    try {
      await fn();
      reload();
    } catch (e) {
      setError(e);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void act(async () => {
      const out = await api.post<Subscription & { secret: string }>("/v1/webhooks", { url, events });
      setSecret(out.secret);
      setUrl("");
    });
  }

  const subs = state.data?.data ?? [];
  return (
    <section aria-labelledby="webhooks-title" className="panel">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="muted">
        Signed (HMAC-SHA256) JSON on stage changes, threshold crossings and SLA breaches.
      </p>
      <form className="inline-form" onSubmit={submit}>
        <label>
          Endpoint URL
          <input
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            required
            placeholder="https://…"
          />
        </label>
        <fieldset>
          <legend>Events</legend>
          {EVENTS.map((ev) => (
            <label key={ev} className="check">
              <input
                type="checkbox"
                checked={events.includes(ev)}
                onChange={(e) =>
                  setEvents(e.target.checked ? [...events, ev] : events.filter((x) => x !== ev))
                }
              />
              {ev}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary">
          Subscribe
        </button>
      </form>
      {secret ? (
        <div className="notice notice-ok" role="status">
          Signing secret (shown only now): <code className="secret">{secret}</code>
        </div>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
      {state.status === "error" ? <ErrorNotice error={state.error} onRetry={reload} /> : null}
      {state.status === "ok" && subs.length === 0 ? (
        <EmptyState title="No subscriptions">Add an endpoint above to be told when leads move.</EmptyState>
      ) : null}
      <ul className="plain">
        {subs.map((s) => (
          <li key={s.id} className="sub">
            <div className="row">
              <code>{s.url}</code>
              <span className="muted">{s.events.join(", ")}</span>
              <button
                type="button"
                className="small"
                onClick={() => act(() => api.post(`/v1/webhooks/${s.id}/ping`))}
              >
                Ping
              </button>
              <button
                type="button"
                className="small"
                aria-expanded={open === s.id}
                onClick={() => setOpen(open === s.id ? null : s.id)}
              >
                Delivery log
              </button>
              <button
                type="button"
                className="small danger"
                onClick={() => act(() => api.del(`/v1/webhooks/${s.id}`))}
              >
                Unsubscribe
              </button>
            </div>
            {open === s.id ? <Deliveries id={s.id} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

import { type FormEvent, useState } from "react";
import { useApi } from "../api/context.ts";
import { EmptyState, ErrorNotice, Loading } from "../components/notice.tsx";
import { useAsync } from "../components/use-async.ts";

type ApiKey = {
  id: string;
  name: string;
  role: string;
  subject: string | null;
  hint: string;
  createdAt: string;
  revokedAt: string | null;
};

/** API keys: list, create (the key is shown once), revoke. */
export function KeysPanel() {
  const { api } = useApi();
  const { state, reload } = useAsync(() => api.get<{ data: ApiKey[] }>("/v1/keys"), [api]);
  const [name, setName] = useState("");
  const [role, setRole] = useState("rep");
  const [subject, setSubject] = useState("");
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const body = { name, role, ...(subject.trim() ? { subject: subject.trim() } : {}) };
      const out = await api.post<ApiKey & { key: string }>("/v1/keys", body);
      setCreated(out.key);
      setName("");
      setSubject("");
      reload();
    } catch (e) {
      setError(e);
    }
  }

  async function revoke(id: string) {
    setError(null);
    try {
      await api.post(`/v1/keys/${encodeURIComponent(id)}/revoke`);
      reload();
    } catch (e) {
      setError(e);
    }
  }

  const keys = state.data?.data ?? [];
  return (
    <section aria-labelledby="keys-title" className="panel">
      <h2 id="keys-title">API keys</h2>
      <p className="muted">
        One key per person or integration. Reps see only the leads whose owner is the key's subject.
      </p>
      <form className="inline-form" onSubmit={create}>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="rep">rep</option>
            <option value="manager">manager</option>
            <option value="admin">admin</option>
            <option value="ingest">ingest</option>
          </select>
        </label>
        <label>
          Subject (owner id, for reps)
          <input value={subject} onChange={(e) => setSubject(e.target.value)} maxLength={200} />
        </label>
        <button type="submit" className="primary">
          Create key
        </button>
      </form>
      {created ? (
        <div className="notice notice-ok" role="status">
          New key (shown only now — copy it): <code className="secret">{created}</code>
        </div>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
      {state.status === "error" ? <ErrorNotice error={state.error} onRetry={reload} /> : null}
      {state.status === "loading" && !state.data ? <Loading what="keys" /> : null}
      {state.status === "ok" && keys.length === 0 ? <EmptyState title="No keys yet" /> : null}
      {keys.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Subject</th>
              <th scope="col">Starts with</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>{k.role}</td>
                <td>{k.subject ?? "—"}</td>
                <td>
                  <code>{k.hint}…</code>
                </td>
                <td>{k.createdAt.slice(0, 10)}</td>
                <td>
                  {k.revokedAt ? (
                    `revoked ${k.revokedAt.slice(0, 10)}`
                  ) : (
                    <button type="button" className="small danger" onClick={() => revoke(k.id)}>
                      Revoke {k.name}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

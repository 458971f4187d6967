import { type FormEvent, useState } from "react";
import { createApi } from "../api/client.ts";
import { whoAmI } from "../api/identity.ts";
import { ErrorNotice } from "../components/notice.tsx";
import { type Session, saveSession } from "../session.ts";

/** Sign in with an API key (printed by `npm start`, or made with `winnow keys create`). */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setError(new Error("Paste an API key first."));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const me = await whoAmI(createApi(trimmed, () => undefined));
      if (me.role === "ingest")
        throw new Error("An ingest key can only send events: sign in with a rep, manager or admin key.");
      const session: Session = { key: trimmed, ...me };
      saveSession(session);
      onSignedIn(session);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form onSubmit={submit} className="card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Winnow</h1>
        <p className="muted">Lead qualification with evidence. Sign in with your API key.</p>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={key}
          onChange={(e) => setKey(e.target.value)}
          placeholder="wnw_…"
          aria-describedby="api-key-help"
        />
        <p id="api-key-help" className="help">
          `npm start` prints an admin key. An admin makes keys for each person in Settings or with{" "}
          <code>winnow keys create --role rep --subject &lt;owner id&gt;</code>. The key stays in this tab
          only.
        </p>
        {error ? <ErrorNotice error={error} /> : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}

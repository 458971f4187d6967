import { type FormEvent, useState } from "react";
import { useApi } from "../api/context.ts";
import { ErrorNotice } from "../components/notice.tsx";

/**
 * My account (every role, signed in with email and password): change your own password. The
 * server checks the current one (wrong ones count toward the sign-in lockout), then ends your other
 * sessions; this one stays signed in.
 */
export function MyAccount() {
  const { api, session } = useApi();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = repeat.length > 0 && next !== repeat;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (mismatch) return;
    setError(null);
    setDone(null);
    setBusy(true);
    try {
      const out = await api.put<{ endedSessions: number }>("/v1/me/password", {
        currentPassword: current,
        newPassword: next,
      });
      setCurrent("");
      setNext("");
      setRepeat("");
      setDone(
        out.endedSessions === 1
          ? "Password changed. Your other session was signed out."
          : `Password changed. ${out.endedSessions} other sessions were signed out.`,
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      <h1>My account</h1>
      <section aria-labelledby="password-title" className="panel">
        <h2 id="password-title">Change password</h2>
        {session.csrf ? (
          <>
            <p className="muted">
              Signed in as {session.email ?? session.name}. Changing your password signs out your other
              sessions; this one stays.
            </p>
            <form className="inline-form" onSubmit={submit} aria-label="Change password">
              <label>
                Current password
                <input
                  type="password"
                  autoComplete="current-password"
                  value={current}
                  onChange={(e) => setCurrent(e.target.value)}
                  required
                  maxLength={200}
                />
              </label>
              <label>
                New password
                <input
                  type="password"
                  autoComplete="new-password"
                  value={next}
                  onChange={(e) => setNext(e.target.value)}
                  required
                  minLength={10}
                  maxLength={200}
                />
              </label>
              <label>
                Repeat new password
                <input
                  type="password"
                  autoComplete="new-password"
                  value={repeat}
                  onChange={(e) => setRepeat(e.target.value)}
                  required
                  aria-invalid={mismatch}
                  aria-describedby={mismatch ? "repeat-error" : undefined}
                />
              </label>
              <button type="submit" className="primary" disabled={busy || mismatch}>
                Change password
              </button>
            </form>
            {mismatch ? (
              <p id="repeat-error" className="field-error" role="alert">
                The two new passwords differ.
              </p>
            ) : null}
            {done ? (
              <div className="notice notice-ok" role="status">
                {done}
              </div>
            ) : null}
            {error ? <ErrorNotice error={error} /> : null}
          </>
        ) : (
          <p className="muted">
            You are signed in with an API key, which has no password. Sign in with your email and password to
            change it.
          </p>
        )}
      </section>
    </div>
  );
}

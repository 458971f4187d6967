import { type FormEvent, useEffect, useState } from "react";
import { ApiError, createApi } from "../api/client.ts";
import { redeemInvite, type SignedIn, signInWithPassword, whoAmI } from "../api/identity.ts";
import { ErrorNotice } from "../components/notice.tsx";
import { type Session, saveSession } from "../session.ts";

type Mode = "password" | "key" | "invite";

/** The invite or reset token of a `/#invite=<token>` link (a fragment never reaches server logs). */
function inviteToken(): string | null {
  const m = /^#invite=([\w-]{20,200})$/.exec(window.location.hash);
  return m?.[1] ?? null;
}

function save(session: Session): Session {
  saveSession(session);
  return session;
}

function sessionOf(s: SignedIn): Session {
  return { key: "", csrf: s.csrfToken, email: s.user.email, name: s.name, role: s.role, subject: s.subject };
}

/** What a refused sign-in means, in the words a person needs (never whether the email exists). */
function SignInError({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.code === "WINNOW_ERR_SIGN_IN_FAILED")
    return (
      <div className="notice notice-error" role="alert">
        <strong>The email or password is not right.</strong> Check both and try again; an admin can reset your
        password.
      </div>
    );
  if (error instanceof ApiError && error.code === "WINNOW_ERR_SIGN_IN_LOCKED")
    return (
      <div className="notice notice-error" role="alert">
        <strong>Too many failed attempts for this email.</strong> Wait 15 minutes and try again, or ask an
        admin to reset your password.
      </div>
    );
  return <ErrorNotice error={error} />;
}

/**
 * Sign in with email and password (the default), or with an API key (printed by `npm start`, or made
 * in Settings → API keys). A `/#invite=…` link from an admin opens "set your password".
 */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [mode, setMode] = useState<Mode>(() => (inviteToken() ? "invite" : "password"));
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [key, setKey] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  // A session cookie from earlier in this browser (another tab) signs in without asking again.
  useEffect(() => {
    if (inviteToken()) return;
    let live = true;
    whoAmI(createApi({ csrf: "" }, () => undefined))
      .then((me) => {
        if (live && me.user)
          onSignedIn(
            save({
              key: "",
              csrf: me.user.csrfToken,
              email: me.user.email,
              name: me.name,
              role: me.role,
              subject: me.subject,
            }),
          );
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [onSignedIn]);

  async function run(action: () => Promise<Session>) {
    setBusy(true);
    setError(null);
    try {
      onSignedIn(save(await action()));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  function submitPassword(event: FormEvent) {
    event.preventDefault();
    if (!email.trim() || !password) {
      setError(new Error("Enter your email and password."));
      return;
    }
    void run(async () =>
      sessionOf(
        await signInWithPassword(
          createApi({ csrf: "" }, () => undefined),
          email.trim(),
          password,
        ),
      ),
    );
  }

  function submitInvite(event: FormEvent) {
    event.preventDefault();
    const token = inviteToken();
    if (!token) {
      setError(new Error("This invite link is incomplete: ask your admin for a new one."));
      return;
    }
    if (password !== confirm) {
      setError(new Error("The two passwords differ."));
      return;
    }
    void run(async () => {
      const s = await redeemInvite(
        createApi({ csrf: "" }, () => undefined),
        token,
        password,
      );
      window.history.replaceState(null, "", "/");
      return sessionOf(s);
    });
  }

  function submitKey(event: FormEvent) {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setError(new Error("Paste an API key first."));
      return;
    }
    void run(async () => {
      const me = await whoAmI(createApi(trimmed, () => undefined));
      if (me.role === "ingest")
        throw new Error("An ingest key can only send events: sign in with a rep, manager or admin key.");
      return { key: trimmed, name: me.name, role: me.role, subject: me.subject };
    });
  }

  function switchTo(next: Mode) {
    setMode(next);
    setError(null);
  }

  return (
    <main className="sign-in">
      {mode === "invite" ? (
        <form onSubmit={submitInvite} className="card" aria-labelledby="sign-in-title">
          <h1 id="sign-in-title">Winnow</h1>
          <p className="muted">Welcome. Choose a password (at least 10 characters) to finish your account.</p>
          <label htmlFor="new-password">New password</label>
          <input
            id="new-password"
            type="password"
            autoComplete="new-password"
            minLength={10}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <label htmlFor="confirm-password">Repeat the password</label>
          <input
            id="confirm-password"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
          />
          {error ? <SignInError error={error} /> : null}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Saving…" : "Set password and sign in"}
          </button>
        </form>
      ) : mode === "password" ? (
        <form onSubmit={submitPassword} className="card" aria-labelledby="sign-in-title">
          <h1 id="sign-in-title">Winnow</h1>
          <p className="muted">Lead qualification with evidence. Sign in to your workspace.</p>
          <label htmlFor="email">Email</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            spellCheck={false}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {error ? <SignInError error={error} /> : null}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
          <p className="help">
            <code>npm start</code> prints the demo admin's email and password. Forgot yours? An admin can
            reset it in Settings → Users or with <code>winnow users password &lt;email&gt;</code>.
          </p>
          <button type="button" className="link" onClick={() => switchTo("key")}>
            Use an API key instead
          </button>
        </form>
      ) : (
        <form onSubmit={submitKey} className="card" aria-labelledby="sign-in-title">
          <h1 id="sign-in-title">Winnow</h1>
          <p className="muted">Sign in with an API key.</p>
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
            <code>npm start</code> prints an admin key; admins make keys in Settings → API keys or with{" "}
            <code>winnow keys create</code>. The key stays in this tab only.
          </p>
          {error ? <ErrorNotice error={error} /> : null}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
          <button type="button" className="link" onClick={() => switchTo("password")}>
            Use email and password instead
          </button>
        </form>
      )}
    </main>
  );
}

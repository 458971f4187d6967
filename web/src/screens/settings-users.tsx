import { type FormEvent, useState } from "react";
import { useApi } from "../api/context.ts";
import { EmptyState, ErrorNotice, Loading } from "../components/notice.tsx";
import { useAsync } from "../components/use-async.ts";

type User = {
  id: string;
  email: string;
  displayName: string;
  role: "admin" | "manager" | "rep";
  ownerId: string | null;
  disabledAt: string | null;
  hasPassword: boolean;
  inviteExpires: string | null;
};

type Invite = { token: string; expiresAt: string } | null;

/** The link an invited (or reset) user opens to choose a password; the token is in the fragment. */
function inviteLink(token: string): string {
  return `${window.location.origin}/#invite=${token}`;
}

/** Users (admin): list, create with a password or an invite link, change role, disable, reset password. */
export function UsersPanel() {
  const { api, session } = useApi();
  const { state, reload } = useAsync(() => api.get<{ data: User[] }>("/v1/users"), [api]);
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<User["role"]>("rep");
  const [ownerId, setOwnerId] = useState("");
  const [password, setPassword] = useState("");
  const [shown, setShown] = useState<{ who: string; link: string; until: string } | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function act(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      reload();
    } catch (e) {
      setError(e);
    }
  }

  function create(event: FormEvent) {
    event.preventDefault();
    setShown(null);
    void act(async () => {
      const body = {
        email: email.trim(),
        displayName: name.trim() || email.trim(),
        role,
        ...(role === "rep" ? { ownerId: ownerId.trim() } : {}),
        ...(password ? { password } : {}),
      };
      const out = await api.post<User & { invite: Invite }>("/v1/users", body);
      if (out.invite)
        setShown({ who: out.email, link: inviteLink(out.invite.token), until: out.invite.expiresAt });
      setEmail("");
      setName("");
      setOwnerId("");
      setPassword("");
    });
  }

  function reset(user: User) {
    setShown(null);
    void act(async () => {
      const out = await api.post<User & { invite: Invite }>(
        `/v1/users/${encodeURIComponent(user.id)}/password`,
        {},
      );
      if (out.invite)
        setShown({ who: out.email, link: inviteLink(out.invite.token), until: out.invite.expiresAt });
    });
  }

  const change = (user: User, body: Record<string, unknown>) =>
    act(() => api.patch(`/v1/users/${encodeURIComponent(user.id)}`, body));

  const users = state.data?.data ?? [];
  return (
    <section aria-labelledby="users-title" className="panel">
      <h2 id="users-title">Users</h2>
      <p className="muted">
        People sign in with email and password. Reps see only the leads whose owner id is theirs. Leave the
        password empty to get a one-time invite link (valid 7 days) to send them.
      </p>
      <form className="inline-form" onSubmit={create} aria-label="Add a user">
        <label>
          Email
          <input
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
            maxLength={254}
          />
        </label>
        <label>
          Display name
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
        </label>
        <label>
          User role
          <select value={role} onChange={(e) => setRole(e.target.value as User["role"])}>
            <option value="rep">rep</option>
            <option value="manager">manager</option>
            <option value="admin">admin</option>
          </select>
        </label>
        {role === "rep" ? (
          <label>
            Owner id
            <input value={ownerId} onChange={(e) => setOwnerId(e.target.value)} required maxLength={200} />
          </label>
        ) : null}
        <label>
          Initial password (optional)
          <input
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            minLength={10}
          />
        </label>
        <button type="submit" className="primary">
          Add user
        </button>
      </form>
      {shown ? (
        <div className="notice notice-ok" role="status">
          Link for {shown.who} to set a password (shown only now, one use, until {shown.until.slice(0, 10)}):{" "}
          <code className="secret">{shown.link}</code>
        </div>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
      {state.status === "error" ? <ErrorNotice error={state.error} onRetry={reload} /> : null}
      {state.status === "loading" && !state.data ? <Loading what="users" /> : null}
      {state.status === "ok" && users.length === 0 ? (
        <EmptyState title="No users yet">Add the first one above, or with `winnow users add`.</EmptyState>
      ) : null}
      {users.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Owner id</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => {
              const self =
                session.email !== undefined && session.email.toLowerCase() === u.email.toLowerCase();
              return (
                <tr key={u.id}>
                  <td>{u.email}</td>
                  <td>{u.displayName}</td>
                  <td>
                    <select
                      aria-label={`Role of ${u.email}`}
                      value={u.role}
                      onChange={(e) => {
                        const next = e.target.value as User["role"];
                        const owner =
                          next === "rep" && !u.ownerId ? window.prompt(`Owner id for ${u.email}`) : null;
                        if (next === "rep" && !u.ownerId && !owner) return;
                        void change(u, { role: next, ...(owner ? { ownerId: owner } : {}) });
                      }}
                    >
                      <option value="rep">rep</option>
                      <option value="manager">manager</option>
                      <option value="admin">admin</option>
                    </select>
                  </td>
                  <td>{u.ownerId ?? "—"}</td>
                  <td>
                    {u.disabledAt
                      ? `disabled ${u.disabledAt.slice(0, 10)}`
                      : u.hasPassword
                        ? "active"
                        : "invited"}
                  </td>
                  <td>
                    {self ? null : (
                      <button
                        type="button"
                        className="small"
                        aria-label={`Reset password of ${u.email}`}
                        onClick={() => reset(u)}
                      >
                        Reset password
                      </button>
                    )}{" "}
                    {u.disabledAt ? (
                      <button
                        type="button"
                        className="small"
                        aria-label={`Enable ${u.email}`}
                        onClick={() => void change(u, { disabled: false })}
                      >
                        Enable
                      </button>
                    ) : self ? null : (
                      <button
                        type="button"
                        className="small danger"
                        aria-label={`Disable ${u.email}`}
                        onClick={() => void change(u, { disabled: true })}
                      >
                        Disable
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

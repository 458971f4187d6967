import { lazy, Suspense, useMemo, useState } from "react";
import { createApi } from "./api/client.ts";
import { ApiContext } from "./api/context.ts";
import { signOut } from "./api/identity.ts";
import { match, navigate, useLocation } from "./router.ts";
import { Discovery } from "./screens/discovery.tsx";
import { Inbox } from "./screens/inbox.tsx";
import { LeadPage } from "./screens/lead-page.tsx";
import { Settings } from "./screens/settings.tsx";
import { MyAccount } from "./screens/settings-account.tsx";
import { SignIn } from "./screens/sign-in.tsx";
import { clearSession, credentialsOf, loadSession, SCREENS_BY_ROLE, type Session } from "./session.ts";

// The chart-heavy screens load on first visit, so the inbox opens fast.
const Dashboard = lazy(() => import("./screens/dashboard.tsx").then((m) => ({ default: m.Dashboard })));
const ScoringConsole = lazy(() =>
  import("./screens/scoring.tsx").then((m) => ({ default: m.ScoringConsole })),
);
const ModelScreen = lazy(() => import("./screens/model.tsx").then((m) => ({ default: m.ModelScreen })));

const NAV = [
  { id: "inbox", label: "Inbox", href: "/" },
  { id: "dashboard", label: "Dashboard", href: "/dashboard" },
  { id: "scoring", label: "Scoring", href: "/scoring" },
  { id: "model", label: "Model", href: "/model" },
  { id: "settings", label: "Settings", href: "/settings" },
] as const;

function NavLink({
  href,
  label,
  active,
  className,
}: {
  href: string;
  label: string;
  active: boolean;
  className?: string;
}) {
  return (
    <a
      href={href}
      className={className}
      aria-current={active ? "page" : undefined}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {label}
    </a>
  );
}

function Routes({ path }: { path: string }) {
  let m = match("/leads/:id/discovery", path);
  if (m) return <Discovery leadId={m["id"] ?? ""} />;
  m = match("/leads/:id", path);
  if (m) return <LeadPage leadId={m["id"] ?? ""} />;
  if (path === "/dashboard") return <Dashboard />;
  if (path === "/scoring") return <ScoringConsole />;
  if (path === "/model") return <ModelScreen />;
  if (path === "/settings") return <Settings />;
  if (path === "/account") return <MyAccount />;
  if (path === "/discovery") return <Discovery leadId={null} />;
  return <Inbox />;
}

/** The app shell: sign-in gate, top navigation by role, and the current screen. */
export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const location = useLocation();
  const api = useMemo(
    () =>
      session
        ? createApi(credentialsOf(session), () => {
            clearSession();
            setSession(null);
          })
        : null,
    [session],
  );

  if (!session || !api) return <SignIn onSignedIn={setSession} />;
  const allowed: readonly string[] = SCREENS_BY_ROLE[session.role];
  const section = location.path.startsWith("/leads") ? "inbox" : location.path.slice(1) || "inbox";

  return (
    <ApiContext.Provider value={{ api, session }}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Winnow</span>
        <nav aria-label="Main">
          {NAV.filter((n) => allowed.includes(n.id)).map((n) => (
            <NavLink key={n.id} href={n.href} label={n.label} active={section === n.id} />
          ))}
        </nav>
        <span className="who">
          {session.name} · {session.role}
          {session.subject ? ` (${session.subject})` : ""}
        </span>
        <NavLink href="/account" label="My account" active={section === "account"} className="link" />
        <button
          type="button"
          className="link"
          onClick={async () => {
            await signOut(api);
            clearSession();
            setSession(null);
            navigate("/");
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <Routes path={location.path} />
        </Suspense>
      </main>
    </ApiContext.Provider>
  );
}

import { useCallback, useEffect, useMemo, useState } from "react";
import { useApi } from "../api/context.ts";
import { assign, listLeads, moveLead } from "../api/leads.ts";
import type { LeadFilters, LeadRow } from "../api/types.ts";
import { EmptyState, ErrorNotice, Loading } from "../components/notice.tsx";
import { SlaClock } from "../components/sla-clock.tsx";
import { useAsync } from "../components/use-async.ts";
import { BulkBar } from "../inbox/bulk-bar.tsx";
import { Filters } from "../inbox/filters.tsx";
import { navigate, useLocation } from "../router.ts";

const PAGE = 25;

function filtersFrom(params: URLSearchParams): LeadFilters {
  const get = (k: string) => params.get(k) ?? undefined;
  return {
    stage: params.has("stage") ? (get("stage") ?? "") : "mql,sal",
    grade: get("grade"),
    source: get("source"),
    owner: get("owner"),
    q: get("q"),
  };
}

function urlOf(f: LeadFilters): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && (v !== "" || k === "stage")) p.set(k, v);
  const s = p.toString();
  return s ? `/?${s}` : "/";
}

const leadHref = (id: string) => `/leads/${encodeURIComponent(id)}`;
const isTyping = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(t.tagName));

/**
 * The rep's inbox: leads by priority (grade, then score), filtered on the server and read a page at
 * a time by cursor, so it stays fast at 100,000 leads. Keys: j/k move, Enter opens, x selects.
 */
export function Inbox() {
  const { api, session } = useApi();
  const { params } = useLocation();
  const filters = useMemo(() => filtersFrom(params), [params]);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const { state, reload } = useAsync(() => listLeads(api, filters, cursor, PAGE), [api, filters, cursor]);
  const [active, setActive] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: number; failed: { id: string; error: unknown }[] } | null>(
    null,
  );

  // Every filter, grade included, is applied by the server (`GET /v1/leads?grade=…`).
  const rows = useMemo(() => state.data?.items ?? [], [state.data]);

  const setFilters = useCallback((f: LeadFilters) => {
    setCursors([null]);
    setSelected(new Set());
    setActive(0);
    navigate(urlOf(f), { replace: true });
  }, []);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (isTyping(e.target) || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === "j") setActive((a) => Math.min(a + 1, Math.max(rows.length - 1, 0)));
      else if (e.key === "k") setActive((a) => Math.max(a - 1, 0));
      // Enter on a focused button or link is that control's own click.
      else if (
        e.key === "Enter" &&
        rows[active] &&
        !(e.target instanceof HTMLButtonElement || e.target instanceof HTMLAnchorElement)
      )
        navigate(leadHref(rows[active].id));
      else if (e.key === "x" && rows[active]) toggle(rows[active].id);
      else return;
      e.preventDefault();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  useEffect(() => {
    document.querySelector("tr.active")?.scrollIntoView({ block: "nearest" });
  });

  function toggle(id: string) {
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  async function bulk(action: (row: LeadRow) => Promise<unknown>) {
    setBusy(true);
    setOutcome(null);
    const chosen = rows.filter((r) => selected.has(r.id));
    const failed: { id: string; error: unknown }[] = [];
    let ok = 0;
    for (const row of chosen) {
      try {
        await action(row);
        ok++;
      } catch (error) {
        failed.push({ id: row.id, error });
      }
    }
    setOutcome({ ok, failed });
    setSelected(new Set());
    setBusy(false);
    reload();
  }

  const all = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const seesAll = session.role !== "rep";

  return (
    <div>
      <div className="spread">
        <h1>{seesAll ? "Leads" : "My leads"}</h1>
        <p className="muted">
          By priority. <span className="kbd">j</span>/<span className="kbd">k</span> move,{" "}
          <span className="kbd">Enter</span> opens, <span className="kbd">x</span> selects.
        </p>
      </div>
      <Filters filters={filters} showOwner={seesAll} onChange={setFilters} />
      {selected.size > 0 ? (
        <BulkBar
          count={selected.size}
          canAssign={seesAll}
          busy={busy}
          onClear={() => setSelected(new Set())}
          onAccept={() => bulk((r) => moveLead(api, r.id, { to: "sal", expectedVersion: r.version }))}
          onReject={(reason) =>
            bulk((r) => moveLead(api, r.id, { to: "recycled", reason, expectedVersion: r.version }))
          }
          onAssign={(owner) => bulk((r) => assign(api, r.id, owner === "none" ? null : owner, r.version))}
        />
      ) : null}
      {outcome ? (
        <div className={`notice ${outcome.failed.length ? "notice-error" : "notice-ok"}`} role="status">
          {outcome.ok} lead(s) updated.
          {outcome.failed.map((f) => (
            <div key={f.id}>
              {f.id}: {f.error instanceof Error ? f.error.message : String(f.error)}
            </div>
          ))}
        </div>
      ) : null}
      {state.status === "error" ? <ErrorNotice error={state.error} onRetry={reload} /> : null}
      {state.status === "loading" && !state.data ? <Loading what="leads" /> : null}
      {state.status === "ok" && rows.length === 0 ? (
        <EmptyState title="No leads match">
          {filters.q || filters.grade || filters.source || filters.owner
            ? "Clear the search or filters to see more."
            : seesAll
              ? "Nothing waits in these stages. Import leads with `winnow import`, send them to POST /v1/leads, or look at other stages."
              : "Nothing is assigned to you in these stages. Ask your manager, or look at other stages."}
          {filters.stage ? (
            <div>
              <button type="button" className="link" onClick={() => setFilters({ ...filters, stage: "" })}>
                Show all stages
              </button>
            </div>
          ) : null}
        </EmptyState>
      ) : null}
      {rows.length > 0 ? (
        <table className="table" aria-label="Leads" aria-busy={state.status === "loading"}>
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select all on this page"
                  checked={all}
                  onChange={() => setSelected(all ? new Set() : new Set(rows.map((r) => r.id)))}
                />
              </th>
              <th scope="col">Lead</th>
              <th scope="col">Company</th>
              <th scope="col">Stage</th>
              <th scope="col">Grade</th>
              <th scope="col" className="num">
                Fit
              </th>
              <th scope="col" className="num">
                Engagement
              </th>
              <th scope="col" className="num">
                Probability
              </th>
              <th scope="col">SLA</th>
              <th scope="col">Source</th>
              {seesAll ? <th scope="col">Owner</th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.id} className={i === active ? "active" : ""} aria-selected={i === active}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${r.name ?? r.email ?? r.id}`}
                    checked={selected.has(r.id)}
                    onChange={() => toggle(r.id)}
                  />
                </td>
                <td>
                  <a
                    href={leadHref(r.id)}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(leadHref(r.id));
                    }}
                  >
                    {r.name ?? r.email ?? r.id}
                  </a>
                  {r.name && r.email ? <div className="muted">{r.email}</div> : null}
                </td>
                <td>{r.company ?? "—"}</td>
                <td>{r.stage}</td>
                <td>
                  {r.grade ? <span className={`badge grade-${r.grade.slice(0, 1)}`}>{r.grade}</span> : "—"}
                </td>
                <td className="num">{r.fit ?? "—"}</td>
                <td className="num">{r.engagement ?? "—"}</td>
                <td className="num">
                  {r.probability === null ? "—" : `${Math.round(r.probability * 100)}%`}
                </td>
                <td>
                  {r.stage === "mql" ? <SlaClock dueAt={r.slaDueAt} /> : <span className="muted">—</span>}
                </td>
                <td>{r.source ?? "—"}</td>
                {seesAll ? <td>{r.ownerId ?? <span className="muted">unassigned</span>}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <nav className="pager" aria-label="Pages">
        <button
          type="button"
          disabled={cursors.length <= 1}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          Previous page
        </button>
        <span className="muted">Page {cursors.length}</span>
        <button
          type="button"
          disabled={!state.data?.nextCursor}
          onClick={() => {
            const next = state.data?.nextCursor;
            if (next) setCursors((c) => [...c, next]);
            setActive(0);
          }}
        >
          Next page
        </button>
      </nav>
    </div>
  );
}

import { useMemo, useState } from "react";
import { FRAMEWORKS, getFramework, listFrameworks } from "../../../src/core/frameworks/registry.ts";
import {
  ELEMENT_INFO,
  type ElementId,
  isElementId,
  LEVELS,
} from "../../../src/core/qualification/elements.ts";
import type { EvidenceRecord, Scorecard } from "../../../src/core/qualification/evidence.ts";
import { qualify } from "../../../src/core/qualification/verdict.ts";
import type { BuyingRole, Seniority } from "../../../src/core/records.ts";
import { useApi } from "../api/context.ts";
import { getLead, saveScorecard } from "../api/leads.ts";
import { getPlaybook } from "../api/settings.ts";
import type { LeadView } from "../api/types.ts";
import { ErrorNotice, Loading } from "../components/notice.tsx";
import { useAsync } from "../components/use-async.ts";
import { type Draft, draftOf, EMPTY_DRAFT, EvidenceEditor, recordOf } from "../discovery/evidence-editor.tsx";
import { NotesReader, type UsedSuggestion } from "../discovery/notes-reader.tsx";
import { VerdictPanel } from "../discovery/verdict-panel.tsx";
import { navigate } from "../router.ts";

type Drafts = Partial<Record<ElementId, Draft>>;

/** Elements every verdict reads at their level, whichever framework is picked. */
const GATED: readonly ElementId[] = ["users", "implementation", "knowledge"];

function factsOf(view: LeadView | null): Pick<Scorecard, "account" | "contact"> {
  if (!view) return {};
  const a = view.account ?? {};
  const c = view.contact;
  const s = (v: unknown) => (typeof v === "string" ? v : null);
  const n = (v: unknown) => (typeof v === "number" ? v : null);
  return {
    account: {
      name: s(a["name"]),
      industry: s(a["industry"]),
      employees: n(a["employees"]),
      annualRevenue: n(a["annualRevenue"]),
      country: s(a["country"]),
      region: s(a["region"]),
    },
    contact: {
      name: [s(c["firstName"]), s(c["lastName"])].filter(Boolean).join(" ") || null,
      title: s(c["title"]),
      seniority: s(c["seniority"]) as Seniority | null,
      buyingRole: s(c["buyingRole"]) as BuyingRole | null,
    },
  };
}

function draftsFrom(evidence: Readonly<Record<string, unknown>>): Drafts {
  const out: Drafts = {};
  for (const [key, value] of Object.entries(evidence)) {
    if (isElementId(key) && value && typeof value === "object") out[key] = draftOf(value as EvidenceRecord);
  }
  return out;
}

/**
 * The discovery call workbench. The verdict is computed in the browser by the same pure core the
 * server uses, on every keystroke; saving sends the evidence to the lead's scorecard. Evidence is
 * kept per element, so switching framework shows the same answers through another lens.
 */
export function Discovery({ leadId }: { leadId: string | null }) {
  const { api, session } = useApi();
  const lead = useAsync(async () => (leadId ? getLead(api, leadId) : null), [api, leadId]);
  if (leadId && lead.state.status === "error")
    return <ErrorNotice error={lead.state.error} onRetry={lead.reload} />;
  if (leadId && !lead.state.data) return <Loading what="the lead" />;
  return (
    <Workbench
      key={leadId ?? "scratch"}
      view={lead.state.data ?? null}
      by={session.subject ?? session.name}
    />
  );
}

function Workbench({ view, by }: { view: LeadView | null; by: string }) {
  const { api } = useApi();
  // The workspace's playbook (ICP, own frameworks and questions), so the verdict here is the server's.
  const playbook = useAsync(() => getPlaybook(api), [api]).state.data;
  const frameworks = useMemo(() => [...listFrameworks(), ...(playbook?.frameworks ?? [])], [playbook]);
  const [framework, setFramework] = useState(view?.scorecard?.framework ?? "meddic");
  const [drafts, setDrafts] = useState<Drafts>(() => draftsFrom(view?.scorecard?.evidence ?? {}));
  const [version, setVersion] = useState(view?.scorecard?.version ?? 0);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [stamp] = useState(() => new Date().toISOString());

  const scorecard: Scorecard = useMemo(() => {
    const evidence: Partial<Record<ElementId, EvidenceRecord>> = {};
    for (const [element, draft] of Object.entries(drafts) as [ElementId, Draft][]) {
      const record = recordOf(element, draft, by, stamp);
      if (record) evidence[element] = record;
    }
    return { framework, evidence, ...factsOf(view) };
  }, [drafts, framework, view, by, stamp]);

  const verdict = useMemo(
    () =>
      qualify(
        scorecard,
        frameworks.find((f) => f.id === framework) ?? getFramework(framework) ?? FRAMEWORKS.meddic,
        {
          now: stamp,
          questions: 5,
          ...(playbook?.icp ? { icp: playbook.icp } : {}),
          extraQuestions: playbook?.questions.filter((q) => q.lang === "en") ?? [],
        },
      ),
    [scorecard, framework, frameworks, playbook, stamp],
  );

  const elements = useMemo(() => {
    const seen = new Map<ElementId, { level: string; status: string }>();
    for (const level of LEVELS) {
      for (const c of verdict.criteria.filter((x) => x.level === level && !x.gate)) {
        for (const f of c.findings)
          if (!seen.has(f.element)) seen.set(f.element, { level, status: f.status });
      }
    }
    return [...seen.entries()];
  }, [verdict]);

  function setDraft(element: ElementId, draft: Draft) {
    setSaved(null);
    setDrafts((d) => ({ ...d, [element]: draft }));
  }

  /** A suggestion from the notes fills that element's state and words; the rep can still edit them. */
  function use(s: UsedSuggestion) {
    const current = drafts[s.element] ?? EMPTY_DRAFT;
    const qualifiers: readonly string[] = ELEMENT_INFO[s.element].qualifiers;
    setDraft(s.element, {
      ...current,
      state: s.state,
      quote: s.quote,
      ...(s.qualifier && qualifiers.includes(s.qualifier) ? { qualifier: s.qualifier } : {}),
      ...(s.element === "timeline" && s.date ? { date: s.date } : {}),
    });
  }

  async function save() {
    if (!view) return;
    setError(null);
    try {
      const evidence = Object.fromEntries(Object.entries(scorecard.evidence));
      const out = await saveScorecard(api, view.lead.id, { framework, evidence, expectedVersion: version });
      setVersion(out.version);
      setSaved(`Saved as version ${out.version}.`);
    } catch (e) {
      setError(e);
    }
  }

  return (
    <div>
      <div className="spread">
        <h1>
          Discovery call{view ? ` — ${view.lead.name ?? view.lead.email ?? view.lead.id}` : ""}
          {view?.lead.company ? <span className="muted"> at {view.lead.company}</span> : null}
        </h1>
        <div className="row">
          <label htmlFor="framework">
            Framework
            <select id="framework" value={framework} onChange={(e) => setFramework(e.target.value)}>
              {frameworks.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </select>
          </label>
          {view ? (
            <>
              <button type="button" className="primary" onClick={save}>
                Save evidence
              </button>
              <button type="button" onClick={() => navigate(`/leads/${encodeURIComponent(view.lead.id)}`)}>
                Back to lead
              </button>
            </>
          ) : (
            <span className="muted">Scratchpad: open a lead to save what you record.</span>
          )}
        </div>
      </div>
      {saved ? (
        <p className="notice notice-ok" role="status">
          {saved}
        </p>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
      <div className="grid-2">
        <div>
          <section className="panel" aria-labelledby="ask-title">
            <h2 id="ask-title">Ask next</h2>
            {verdict.nextQuestions.length === 0 ? (
              <p className="muted">No open gaps for {verdict.framework.name}.</p>
            ) : (
              <ol className="questions">
                {verdict.nextQuestions.map((q) => (
                  <li key={q.question.id}>
                    <button
                      type="button"
                      className="link"
                      onClick={() => document.getElementById(`ev-${q.element}-quote`)?.focus()}
                    >
                      {q.question.text}
                    </button>
                    <div className="help">{q.why}</div>
                  </li>
                ))}
              </ol>
            )}
          </section>
          <NotesReader leadId={view?.lead.id ?? null} onUse={use} />
          <section aria-labelledby="evidence-title">
            <h2 id="evidence-title">Evidence ({verdict.framework.name})</h2>
            {elements.map(([element, info]) => (
              <EvidenceEditor
                key={element}
                element={element}
                draft={drafts[element] ?? EMPTY_DRAFT}
                onChange={(d) => setDraft(element, d)}
                status={info.status}
              />
            ))}
          </section>
          <details className="panel">
            <summary>Checked whatever the framework: users, implementation, the contact's knowledge</summary>
            {GATED.filter((e) => !elements.some(([x]) => x === e)).map((element) => (
              <EvidenceEditor
                key={element}
                element={element}
                draft={drafts[element] ?? EMPTY_DRAFT}
                onChange={(d) => setDraft(element, d)}
                status={drafts[element]?.state ?? null}
              />
            ))}
          </details>
        </div>
        <div className="sticky">
          <VerdictPanel verdict={verdict} />
        </div>
      </div>
    </div>
  );
}

import {
  ELEMENT_INFO,
  type ElementId,
  EVIDENCE_STATES,
  type EvidenceState,
} from "../../../src/core/qualification/elements.ts";
import type { EvidenceRecord } from "../../../src/core/qualification/evidence.ts";

export type Draft = { state: EvidenceState; quote: string; qualifier: string; date: string };

export const EMPTY_DRAFT: Draft = { state: "unknown", quote: "", qualifier: "", date: "" };

export function draftOf(record: EvidenceRecord | undefined): Draft {
  if (!record) return EMPTY_DRAFT;
  return {
    state: record.state,
    quote: record.quote ?? "",
    qualifier: record.qualifier ?? "",
    date: record.date ?? "",
  };
}

/** Turns what the rep typed into an evidence record (unknown with no words records nothing). */
export function recordOf(element: ElementId, draft: Draft, by: string, at: string): EvidenceRecord | null {
  if (draft.state === "unknown" && !draft.quote.trim()) return null;
  return {
    element,
    state: draft.state,
    quote: draft.quote.trim() || null,
    source: "call",
    recordedBy: by,
    recordedAt: at,
    ...(draft.qualifier ? { qualifier: draft.qualifier } : {}),
    ...(draft.date ? { date: draft.date } : {}),
  };
}

const STATE_LABEL: Readonly<Record<EvidenceState, string>> = {
  unknown: "Unknown",
  claimed: "Claimed (buyer says so)",
  verified: "Verified",
  failed: "Failed (rules it out)",
};

/** One element: its state, the buyer's words, and the qualifier / target date where they apply. */
export function EvidenceEditor({
  element,
  draft,
  onChange,
  status,
}: {
  element: ElementId;
  draft: Draft;
  onChange: (draft: Draft) => void;
  status: string | null;
}) {
  const info = ELEMENT_INFO[element];
  const base = `ev-${element}`;
  const qualifiers: readonly string[] = info.qualifiers;
  return (
    <div className="element" id={`${base}-box`} data-element={element}>
      <header>
        <h3 id={`${base}-title`}>{info.name}</h3>
        {status ? <span className={`badge state-${status}`}>{status}</span> : null}
      </header>
      <p className="help">{info.description}</p>
      <div className="row">
        <label htmlFor={`${base}-state`}>
          State
          <select
            id={`${base}-state`}
            value={draft.state}
            onChange={(e) => onChange({ ...draft, state: e.target.value as EvidenceState })}
          >
            {EVIDENCE_STATES.map((s) => (
              <option key={s} value={s}>
                {STATE_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        {qualifiers.length > 0 ? (
          <label htmlFor={`${base}-qualifier`}>
            Kind
            <select
              id={`${base}-qualifier`}
              value={draft.qualifier}
              onChange={(e) => onChange({ ...draft, qualifier: e.target.value })}
            >
              <option value="">—</option>
              {qualifiers.map((q) => (
                <option key={q} value={q}>
                  {q}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {element === "timeline" ? (
          <label htmlFor={`${base}-date`}>
            Target date
            <input
              id={`${base}-date`}
              type="date"
              value={draft.date}
              onChange={(e) => onChange({ ...draft, date: e.target.value })}
            />
          </label>
        ) : null}
      </div>
      <label htmlFor={`${base}-quote`}>
        Buyer's words ({info.name})
        <textarea
          id={`${base}-quote`}
          value={draft.quote}
          onChange={(e) => onChange({ ...draft, quote: e.target.value })}
          placeholder="What they said, in their words"
          rows={2}
        />
      </label>
    </div>
  );
}

import { useState } from "react";
import { ELEMENT_INFO, type ElementId, isElementId } from "../../../src/core/qualification/elements.ts";
import { useApi } from "../api/context.ts";
import { type NoteReading, type NoteSuggestion, readLeadNotes, readNote } from "../api/signals.ts";
import { ErrorNotice } from "../components/notice.tsx";

/** A suggestion the rep chose to use: the element, its state and the buyer's words. */
export type UsedSuggestion = {
  readonly element: ElementId;
  readonly state: NoteSuggestion["state"];
  readonly quote: string;
  readonly qualifier: string | null;
  readonly date: string | null;
};

const today = () => new Date().toISOString().slice(0, 10);

/**
 * "Read the notes": sends a pasted note (or, for a lead, the lead's own notes) to the signals
 * reader and lists what it found, each item quoting the buyer's words. Everything shows as text;
 * "Use" hands one suggestion to the discovery form, where the rep can still change it.
 */
export function NotesReader({
  leadId,
  onUse,
}: {
  leadId: string | null;
  onUse: (s: UsedSuggestion) => void;
}) {
  const { api } = useApi();
  const [text, setText] = useState("");
  const [date, setDate] = useState(today);
  const [reading, setReading] = useState<NoteReading | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function run(read: () => Promise<NoteReading>) {
    setBusy(true);
    setError(null);
    try {
      setReading(await read());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const usable = (reading?.suggestions ?? []).filter((s) => isElementId(s.element));

  return (
    <section className="panel notes-reader" aria-labelledby="notes-title">
      <h2 id="notes-title">Read the notes</h2>
      <label htmlFor="notes-text">
        Note or transcript
        <textarea id="notes-text" value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <div className="row">
        <label htmlFor="notes-date">
          Note date
          <input id="notes-date" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
        </label>
        <button
          type="button"
          disabled={busy || !text.trim() || !date}
          onClick={() => run(() => readNote(api, text, date))}
        >
          Read
        </button>
        {leadId ? (
          <button type="button" disabled={busy} onClick={() => run(() => readLeadNotes(api, leadId))}>
            Read this lead's notes
          </button>
        ) : null}
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      {reading ? (
        <div aria-live="polite">
          <h3>Suggested evidence</h3>
          {usable.length === 0 ? <p className="muted">No evidence found.</p> : null}
          <ul className="plain" aria-label="Suggested evidence">
            {usable.map((s) => {
              const element = s.element as ElementId;
              const name = ELEMENT_INFO[element].name;
              return (
                <li key={`${s.element}-${s.rule}`} className="row" data-element={s.element}>
                  <span>
                    <strong>{name}</strong> ({s.state}): “{s.quote}”
                  </span>
                  <button
                    type="button"
                    className="link"
                    aria-label={`Use ${name}`}
                    onClick={() =>
                      onUse({ element, state: s.state, quote: s.quote, qualifier: s.qualifier, date: s.date })
                    }
                  >
                    Use
                  </button>
                </li>
              );
            })}
          </ul>
          <Signals title="Good signs" items={reading.goodSigns} />
          <Signals title="Red flags" items={reading.redFlags} />
          {reading.questions.length > 0 ? (
            <>
              <h3>Questions</h3>
              <ol className="questions" aria-label="Questions from the notes">
                {reading.questions.map((q) => (
                  <li key={`${q.because}-${q.text}`}>{q.text}</li>
                ))}
              </ol>
            </>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function Signals({ title, items }: { title: string; items: NoteReading["redFlags"] }) {
  if (items.length === 0) return null;
  return (
    <>
      <h3>{title}</h3>
      <ul aria-label={title}>
        {items.map((s) => (
          <li key={`${s.rule}-${s.quote}`}>
            {s.summary}{" "}
            <span className="muted">
              ({s.rule}: “{s.quote}”)
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

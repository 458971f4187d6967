import { type FormEvent, useState } from "react";
import { useApi } from "../api/context.ts";
import { logAttempt, moveLead, REJECT_REASONS } from "../api/leads.ts";
import type { LeadView } from "../api/types.ts";
import { ErrorNotice } from "../components/notice.tsx";
import { navigate } from "../router.ts";

const ATTEMPT_TYPES = ["call", "email", "message", "meeting", "note"] as const;
const OUTCOMES = [
  "no_answer",
  "voicemail",
  "connected",
  "replied",
  "sent",
  "bounced",
  "wrong_number",
] as const;

/** What a rep can do with the lead from here: accept, reject with a reason, advance, log an attempt. */
export function LeadActions({ view, onChanged }: { view: LeadView; onChanged: () => void }) {
  const { api } = useApi();
  const { lead } = view;
  const [reason, setReason] = useState("");
  const [type, setType] = useState<string>("call");
  const [outcome, setOutcome] = useState<string>("no_answer");
  const [note, setNote] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  async function run(label: string, fn: () => Promise<unknown>) {
    setError(null);
    setDone(null);
    try {
      await fn();
      setDone(label);
      onChanged();
    } catch (e) {
      setError(e);
    }
  }

  const move = (to: string, why?: string) =>
    moveLead(api, lead.id, { to, expectedVersion: lead.version, ...(why ? { reason: why } : {}) });

  function submitAttempt(e: FormEvent) {
    e.preventDefault();
    void run("Attempt logged.", async () => {
      await logAttempt(api, lead.id, {
        type,
        outcome: type === "note" ? null : outcome,
        body: note.trim() || null,
        occurredAt: new Date().toISOString(),
      });
      setNote("");
    });
  }

  const canReject = lead.stage === "mql" || lead.stage === "sal";
  return (
    <section className="panel" aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      <div className="row">
        {lead.stage === "mql" ? (
          <button type="button" className="primary" onClick={() => run("Accepted.", () => move("sal"))}>
            Accept
          </button>
        ) : null}
        {lead.stage === "sal" ? (
          <button
            type="button"
            className="primary"
            onClick={() => run("Advanced to SQL.", () => move("sql"))}
          >
            Advance to SQL
          </button>
        ) : null}
        {lead.stage === "recycled" ? (
          <button type="button" onClick={() => run("Back to MQL.", () => move("mql"))}>
            Return to MQL
          </button>
        ) : null}
        <button type="button" onClick={() => navigate(`/leads/${encodeURIComponent(lead.id)}/discovery`)}>
          Discovery call
        </button>
      </div>
      {canReject ? (
        <div className="row" style={{ marginTop: "0.5rem" }}>
          <label htmlFor="reject-reason">
            Reject reason
            <select id="reject-reason" value={reason} onChange={(e) => setReason(e.target.value)}>
              <option value="">Choose a reason…</option>
              {REJECT_REASONS.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.label}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="danger"
            disabled={!reason}
            onClick={() => run("Rejected and recycled to marketing.", () => move("recycled", reason))}
          >
            Reject
          </button>
        </div>
      ) : null}
      <form className="inline-form" onSubmit={submitAttempt} aria-label="Log a contact attempt">
        <label>
          Attempt
          <select value={type} onChange={(e) => setType(e.target.value)}>
            {ATTEMPT_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        {type !== "note" ? (
          <label>
            Outcome
            <select value={outcome} onChange={(e) => setOutcome(e.target.value)}>
              {OUTCOMES.map((o) => (
                <option key={o}>{o}</option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          Note
          <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
        </label>
        <button type="submit">Log attempt</button>
      </form>
      {done ? (
        <p className="notice notice-ok" role="status">
          {done}
        </p>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
    </section>
  );
}

import { useState } from "react";
import { REJECT_REASONS } from "../api/leads.ts";

/** Actions on the selected leads: accept, reject with a reason, assign to an owner. */
export function BulkBar({
  count,
  canAssign,
  busy,
  onAccept,
  onReject,
  onAssign,
  onClear,
}: {
  count: number;
  canAssign: boolean;
  busy: boolean;
  onAccept: () => void;
  onReject: (reason: string) => void;
  onAssign: (owner: string) => void;
  onClear: () => void;
}) {
  const [reason, setReason] = useState("");
  const [owner, setOwner] = useState("");
  return (
    <section className="bulkbar" aria-label="Bulk actions">
      <strong>{count} selected</strong>
      <button type="button" className="primary" disabled={busy} onClick={onAccept}>
        Accept selected
      </button>
      <label className="row">
        Reject reason
        <select value={reason} onChange={(e) => setReason(e.target.value)}>
          <option value="">Choose a reason…</option>
          {REJECT_REASONS.map((r) => (
            <option key={r.id} value={r.id}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="danger" disabled={busy || !reason} onClick={() => onReject(reason)}>
        Reject selected
      </button>
      {canAssign ? (
        <>
          <label className="row">
            Assign to
            <input
              value={owner}
              onChange={(e) => setOwner(e.target.value)}
              placeholder="owner id"
              size={12}
            />
          </label>
          <button type="button" disabled={busy || !owner.trim()} onClick={() => onAssign(owner.trim())}>
            Assign selected
          </button>
        </>
      ) : null}
      <button type="button" className="link" onClick={onClear}>
        Clear selection
      </button>
    </section>
  );
}

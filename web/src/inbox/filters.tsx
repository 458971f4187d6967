import { useEffect, useState } from "react";
import type { LeadFilters } from "../api/types.ts";

export const STAGE_CHOICES = [
  { value: "mql,sal", label: "To work (MQL, SAL)" },
  { value: "mql", label: "MQL" },
  { value: "sal", label: "SAL" },
  { value: "sql", label: "SQL" },
  { value: "opportunity", label: "Opportunity" },
  { value: "recycled", label: "Recycled" },
  { value: "disqualified", label: "Disqualified" },
  { value: "new", label: "New" },
  { value: "won,lost", label: "Closed" },
  { value: "", label: "All stages" },
] as const;

/** Filter controls; the search box waits for a pause in typing before it asks the server. */
export function Filters({
  filters,
  showOwner,
  onChange,
}: {
  filters: LeadFilters;
  showOwner: boolean;
  onChange: (f: LeadFilters) => void;
}) {
  const [q, setQ] = useState(filters.q ?? "");
  const [source, setSource] = useState(filters.source ?? "");
  const [owner, setOwner] = useState(filters.owner ?? "");
  // Typed filters wait for a pause in typing before they ask the server.
  useEffect(() => {
    const same =
      (filters.q ?? "") === q && (filters.source ?? "") === source && (filters.owner ?? "") === owner;
    if (same) return;
    const t = setTimeout(() => onChange({ ...filters, q, source, owner }), 300);
    return () => clearTimeout(t);
  }, [q, source, owner, filters, onChange]);
  return (
    <form className="toolbar" aria-label="Lead filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        Search
        <input
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder="name, email, company"
        />
      </label>
      <label>
        Stage
        <select value={filters.stage ?? ""} onChange={(e) => onChange({ ...filters, stage: e.target.value })}>
          {STAGE_CHOICES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Fit grade
        <select value={filters.grade ?? ""} onChange={(e) => onChange({ ...filters, grade: e.target.value })}>
          <option value="">Any</option>
          {["A", "B", "C", "D"].map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      </label>
      <label>
        Source
        <input
          value={source}
          onChange={(e) => setSource(e.target.value)}
          placeholder="e.g. webinar"
          size={10}
        />
      </label>
      {showOwner ? (
        <label>
          Owner
          <input
            value={owner}
            onChange={(e) => setOwner(e.target.value)}
            placeholder="owner id or none"
            size={12}
          />
        </label>
      ) : null}
    </form>
  );
}

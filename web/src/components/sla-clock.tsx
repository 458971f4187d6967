import { useEffect, useState } from "react";

/** "2h 10m" / "3d 4h" from a number of seconds (absolute). */
export function duration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m`;
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

/** Time left on the lead's SLA (accept or reject an MQL in time), red once it is overdue. */
export function SlaClock({ dueAt }: { dueAt: string | null }) {
  const now = useNow(30_000);
  if (!dueAt) return <span className="muted">—</span>;
  const left = (Date.parse(dueAt) - now) / 1000;
  if (Number.isNaN(left)) return <span className="muted">—</span>;
  if (left < 0)
    return (
      <span className="sla-over" title={`Was due ${dueAt}`}>
        overdue {duration(left)}
      </span>
    );
  return (
    <span className={left < 3_600 * 2 ? "sla-soon" : ""} title={`Due ${dueAt}`}>
      {duration(left)} left
    </span>
  );
}

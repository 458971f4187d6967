import type { SqlClient } from "./ports.ts";

export type ScoreDistribution = {
  /** Lower edge of each bin of the total score (fit + engagement), `width` wide. */
  readonly bins: number[];
  /** Leads per bin by outcome: won, lost, and open (everything else). */
  readonly series: { readonly won: number[]; readonly lost: number[]; readonly open: number[] };
};

/**
 * How current total scores spread for leads created in [from, to), split by how the leads ended:
 * a good model puts won leads to the right of lost ones.
 */
export async function scoreDistribution(
  sql: SqlClient,
  from: string,
  to: string,
  width = 10,
): Promise<ScoreDistribution> {
  const r = await sql.query<{ bin: number; outcome: "won" | "lost" | "open"; n: number }>(
    `SELECT (floor((s.fit + s.engagement) / $3) * $3)::int AS bin,
            CASE WHEN l.stage IN ('won', 'lost') THEN l.stage ELSE 'open' END AS outcome, count(*)::int AS n
     FROM leads l JOIN lead_scores s ON s.lead_id = l.id
     WHERE l.created_at >= $1::timestamptz AND l.created_at < $2::timestamptz
     GROUP BY 1, 2 ORDER BY 1`,
    [from, to, width],
  );
  const lo = Math.min(0, ...r.rows.map((x) => x.bin));
  const hi = Math.max(0, ...r.rows.map((x) => x.bin));
  const bins = Array.from({ length: Math.floor((hi - lo) / width) + 1 }, (_, i) => lo + i * width);
  const series = { won: bins.map(() => 0), lost: bins.map(() => 0), open: bins.map(() => 0) };
  for (const row of r.rows) series[row.outcome][(row.bin - lo) / width] = row.n;
  return { bins, series };
}

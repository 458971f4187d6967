import { sigmoid } from "../../src/core/model/metrics.ts";
import { seededRandom } from "../../src/core/model/random.ts";
import type { Table } from "../../src/core/model/table.ts";
import { buildTable } from "../../src/core/model/table-build.ts";

/**
 * Synthetic leads for model tests: a categorical with many levels, a numeric with missing values,
 * a plain numeric and a small categorical; the label follows a known log-odds. Deterministic for a seed.
 */
export function syntheticLeads(n: number, seed: number): { table: Table; label: Uint8Array } {
  const rand = seededRandom(seed);
  const rows: string[][] = [];
  const label = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const seg = Math.floor(rand() * 60);
    const visits = rand() < 0.15 ? "" : String(Math.floor(rand() * 20));
    const size = rand() * 100;
    const channel = ["web", "ads", "event"][Math.floor(rand() * 3)]!;
    let z =
      -1.5 +
      (seg % 3 === 0 ? 1.2 : -0.3) +
      (visits === "" ? 0.8 : Number(visits) / 10) +
      (size > 70 ? 0.7 : 0) +
      (channel === "event" ? 0.5 : 0);
    z += (rand() - 0.5) * 0.5;
    label[i] = rand() < sigmoid(z) ? 1 : 0;
    rows.push([`s${seg}`, visits, size.toFixed(2), channel]);
  }
  const table = buildTable(["segment", "visits", "size", "channel"], rows, {
    categorical: ["segment", "channel"],
    numeric: ["visits", "size"],
  });
  return { table, label };
}

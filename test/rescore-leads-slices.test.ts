import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { rescoreLeads, SLICE_EVENTS, SLICE_LEADS } from "../src/app/rescore-leads.ts";
import { compileModel, validateScoringModel } from "../src/core/scoring/index.ts";
import type { Database, SqlClient, SqlRow, Storage } from "../src/storage/ports.ts";
import { readLedgerLeads } from "../src/storage/rescore-pages.ts";
import { createStorage } from "../src/storage/storage.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";

const LEADS = 120;
const BIG = 3; // leads given a ledger bigger than a slice's event budget
const BIG_EVENTS = SLICE_EVENTS + 500;

describe.each(ENGINES)("live rescore in slices on %s", (engine) => {
  let storage: Storage;
  let asOf = "";
  let ids: string[] = [];
  beforeAll(async () => {
    storage = await freshStorage(engine);
    asOf = (await seedDemoWorkspace(storage, { leads: LEADS, accounts: 20 })).asOf;
    ids = (await storage.sql.query<{ id: string }>("SELECT id FROM leads ORDER BY id")).rows.map((r) => r.id);
    const t0 = Date.parse(asOf);
    await storage.events.ingest(
      ids.slice(0, BIG).flatMap((leadId, i) =>
        Array.from({ length: BIG_EVENTS }, (_, k) => ({
          key: `big-${i}-${k}`,
          leadId,
          type: ["pricing_page_view", "email_click", "page_view"][k % 3]!,
          occurredAt: new Date(t0 - k * 60_000).toISOString(),
        })),
      ),
    );
  }, 120_000);
  afterAll(async () => {
    await storage?.close();
  });

  it("yields to the event loop between slices (work queued during the run gets its turn), with the same scores as scoring all at once", async () => {
    const now = new Date(Date.parse(asOf) + 3_600_000).toISOString();
    // Between the ledger read's answer and the score write, count the turns the event loop gets:
    // a probe (re-armed each time it runs) queued when the read has answered. Scoring everything
    // in one synchronous stretch gives it none.
    let turns = 0;
    let probing = false;
    let turnsAtWrite = -1;
    const probe = () => {
      if (!probing) return;
      turns++;
      setImmediate(probe);
    };
    const watch = (sql: SqlClient): SqlClient => ({
      query: async <R extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]) => {
        if (text.includes("INSERT INTO lead_scores")) {
          turnsAtWrite = turns;
          probing = false;
        }
        const r = await sql.query<R>(text, params);
        if (text.includes("unnest($1::text[]) AS q(id)")) {
          probing = true;
          setImmediate(probe);
        }
        return r;
      },
      exec: (text) => sql.exec(text),
      transaction: (fn) => sql.transaction((tx) => fn(watch(tx))),
    });
    const db = storage.sql as Database;
    const watched = createStorage({ ...watch(db), engine: db.engine, close: () => db.close() });

    // What scoring every ledger in one go gives (read before the rescore writes).
    const model = (await storage.scoringModels.getDefault())!;
    const parsed = validateScoringModel(model.document);
    if (!parsed.ok) throw new Error("invalid model");
    const scorer = compileModel(parsed.value);
    const want = new Map(
      (await readLedgerLeads(storage.sql, ids)).map(({ lead }) => [
        lead.lead.id,
        scorer.scorePrepared(lead, Date.parse(now)),
      ]),
    );
    expect(want.size).toBe(LEADS);

    const changes = await rescoreLeads(watched, ids, now);
    // At least one turn per slice boundary: by leads and by the big ledgers' events.
    expect(turnsAtWrite).toBeGreaterThanOrEqual(Math.ceil(LEADS / SLICE_LEADS) - 1 + BIG - 1);
    expect(changes.map((c) => c.leadId)).toEqual(ids);
    for (const c of changes) {
      const w = want.get(c.leadId)!;
      expect(c.after).toMatchObject({
        fit: w.fit,
        engagement: w.engagement,
        grade: w.grade,
        computedAt: now,
      });
      expect(c.after.explanation).toEqual(w.explanation);
      const stored = (await storage.leadScores.get(c.leadId))!;
      expect(stored).toMatchObject({ fit: w.fit, engagement: w.engagement, grade: w.grade, computedAt: now });
    }
    const big = await storage.sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM events WHERE lead_id = $1",
      [ids[0]],
    );
    expect(big.rows[0]?.n).toBeGreaterThan(SLICE_EVENTS);
  });
});

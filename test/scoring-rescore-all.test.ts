import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { rescoreAll, rescoreJobRunner } from "../src/app/rescore-all.ts";
import type { ScoreChange } from "../src/app/rescore-leads.ts";
import { withExplanation, withExplanations } from "../src/app/score-explanations.ts";
import { compileModel, validateScoringModel } from "../src/core/scoring/index.ts";
import { REFERENCE_MODEL_DOCUMENT } from "../src/demo/reference-model.ts";
import type { Storage, StoredScoringModel } from "../src/storage/ports.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";

const LEADS = 60;

describe.each(ENGINES)("full rescore through storage on %s", (engine) => {
  let storage: Storage;
  let model: StoredScoringModel;
  let asOf = "";
  beforeAll(async () => {
    storage = await freshStorage(engine);
    asOf = (await seedDemoWorkspace(storage, { leads: LEADS, accounts: 20 })).asOf;
    // A more generous draft of the reference model: 30 more fit points for everyone, one MQL line.
    const doc = structuredClone(REFERENCE_MODEL_DOCUMENT) as unknown as typeof REFERENCE_MODEL_DOCUMENT;
    (doc.fit.rules as unknown[]).push({
      id: "everyone",
      when: { field: "lead.id", exists: true },
      points: 30,
    });
    const draft = await storage.scoringModels.createDraft({
      name: "generous",
      document: {
        ...doc,
        id: "generous",
        name: "generous",
        thresholds: [{ id: "mql", metric: "total", atLeast: 40, action: "become_mql" }],
      },
      createdBy: "test",
      createdAt: asOf,
    });
    model = await storage.scoringModels.publish(draft.id, "test", asOf);
  });
  afterAll(async () => {
    await storage?.close();
  });

  it("stores, for every lead and across pages, what scoring its ledger alone gives; the explanation is derived on read", async () => {
    const before = await storage.sql.query<{ lead_id: string; fit: number; engagement: number }>(
      "SELECT lead_id, fit, engagement FROM lead_scores",
    );
    const old = new Map(before.rows.map((r) => [r.lead_id, Number(r.fit) + Number(r.engagement)]));
    const changes: ScoreChange[] = [];
    const progress: number[] = [];
    const later = new Date(Date.parse(asOf) + 86_400_000).toISOString();
    const result = await rescoreAll(storage, model, {
      now: later,
      pageSize: 7, // several pages, the last one partial
      onCrossings: (c) => {
        changes.push(...c);
      },
      onProgress: (done) => {
        progress.push(done);
      },
    });
    expect(result.leads).toBe(LEADS);
    expect(progress).toEqual([7, 14, 21, 28, 35, 42, 49, 56, 60]);
    const parsed = validateScoringModel(model.document);
    if (!parsed.ok) throw new Error("invalid");
    const scorer = compileModel(parsed.value);
    const leads = await storage.sql.query<{ id: string }>("SELECT id FROM leads ORDER BY id");
    let events = 0;
    for (const { id } of leads.rows) {
      const lead = (await storage.leads.get(id))!;
      const contact = await storage.contacts.get(lead.contactId);
      const account = lead.accountId ? await storage.accounts.get(lead.accountId) : null;
      const ledger = await storage.events.listForLead(id, { limit: 10_000 });
      events += ledger.length;
      const want = scorer.score({ lead, contact, account, events: ledger }, later);
      const got = (await storage.leadScores.get(id))!;
      expect(got).toMatchObject({
        modelId: model.id,
        fit: want.fit,
        engagement: want.engagement,
        grade: want.grade,
        computedAt: later,
      });
      // Not stored: derived on read, equal to the one scoring computed, and adding up to the score.
      expect(got.explanation).toBeNull();
      const explained = (await withExplanation(storage, got))!;
      expect(explained.explanation).toEqual(JSON.parse(JSON.stringify(want.explanation)));
      const lines = explained.explanation as { counted: number }[];
      expect(lines.reduce((sum, e) => sum + e.counted, 0)).toBeCloseTo(want.total, 9);
      // A crossing is reported exactly when the lead goes from under the new line to over it.
      const crossed = changes.some((c) => c.leadId === id);
      const was = old.get(id);
      expect(crossed).toBe(want.total >= 40 && (was === undefined || was < 40));
    }
    expect(result.events).toBe(events);
    expect(changes.length).toBeGreaterThan(0);
  });

  it("writes only changed scores, and keeps newer live scores", async () => {
    const ids = (await storage.sql.query<{ id: string }>("SELECT id FROM leads ORDER BY id LIMIT 2")).rows;
    const live = new Date(Date.parse(asOf) + 3 * 86_400_000).toISOString();
    // A score written live after the rescore's instant must survive it.
    await storage.sql.query("UPDATE lead_scores SET computed_at = $2, fit = -1 WHERE lead_id = $1", [
      ids[0]!.id,
      live,
    ]);
    const at = new Date(Date.parse(asOf) + 86_400_000).toISOString();
    const snapshot = await storage.sql.query<{ lead_id: string; fit: number; engagement: number }>(
      "SELECT lead_id, fit, engagement FROM lead_scores WHERE lead_id <> $1 ORDER BY lead_id",
      [ids[0]!.id],
    );
    const r = await rescoreAll(storage, model, { now: at, pageSize: 25, readAhead: 3 });
    expect(r.leads).toBe(LEADS);
    expect(r.written).toBe(1); // the live score only (its write is then refused as older); the rest did not change
    const after = await storage.sql.query<{
      lead_id: string;
      fit: number;
      engagement: number;
      explanation: unknown;
    }>("SELECT lead_id, fit, engagement, explanation FROM lead_scores WHERE lead_id <> $1 ORDER BY lead_id", [
      ids[0]!.id,
    ]);
    expect(after.rows.map((x) => [x.lead_id, Number(x.fit), Number(x.engagement)])).toEqual(
      snapshot.rows.map((x) => [x.lead_id, Number(x.fit), Number(x.engagement)]),
    );
    expect(after.rows.every((x) => x.explanation === null)).toBe(true);
    expect((await storage.leadScores.get(ids[0]!.id))?.fit).toBe(-1);
  });

  it("derives explanations on read only where none is stored and the stored numbers still follow", async () => {
    const ids = (await storage.sql.query<{ id: string }>("SELECT id FROM leads ORDER BY id LIMIT 3 OFFSET 5"))
      .rows;
    const [a, b, c] = await Promise.all(ids.map((x) => storage.leadScores.get(x.id)));
    const stored = { ...a!, explanation: [{ ruleId: "kept", counted: a!.fit + a!.engagement }] };
    const edited = { ...b!, fit: b!.fit + 1 }; // not what its ledger gives any more
    const unknownModel = { ...c!, modelId: "no-such-model" };
    const [x, y, z, none] = await withExplanations(storage, [stored, edited, unknownModel, null]);
    expect(x).toEqual(stored);
    expect(y).toEqual(edited);
    expect(y!.explanation).toBeNull();
    expect(z!.explanation).toBeNull();
    expect(none).toBeNull();
    expect((await withExplanation(storage, c!))!.explanation).not.toBeNull();
  });

  it("runs as a job recording progress, one at a time, and ends failed, with the reason, when stopped", async () => {
    const seen: number[] = [];
    const runner = rescoreJobRunner(storage, { onProgress: (p) => seen.push(p.processed) });
    const at = new Date(Date.parse(asOf) + 86_400_000).toISOString();
    const first = await runner.start(model, "test", `job-1-${engine}`, at);
    const second = await runner.start(model, "test", `job-2-${engine}`, at);
    expect(first.job).toMatchObject({ state: "running", processed: 0, total: LEADS });
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a).toMatchObject({ state: "done", processed: LEADS, total: LEADS, error: null });
    expect(b.state).toBe("done");
    expect(a.finishedAt! <= b.finishedAt!).toBe(true);
    expect(seen.at(-1)).toBe(LEADS);
    expect((await runner.repository.latestFor(model.id))?.id).toBe(`job-2-${engine}`);
    // A job interrupted by shutdown ends failed, with the reason.
    const third = await runner.start(model, "test", `job-3-${engine}`, at);
    await runner.stop();
    expect(await third.done).toMatchObject({ state: "failed", error: expect.stringContaining("stopped") });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { rescoreLeads } from "../src/app/rescore-leads.ts";
import { compileModel, validateScoringModel } from "../src/core/scoring/index.ts";
import { REFERENCE_MODEL_DOCUMENT } from "../src/demo/reference-model.ts";
import type { Storage, StoredScoringModel } from "../src/storage/ports.ts";
import { countingStorage, ENGINES, freshStorage } from "./helpers/db.ts";

const LEADS = 60;

describe.each(ENGINES)("live rescore of the leads an event write touched on %s", (engine) => {
  let storage: Storage;
  let model: StoredScoringModel;
  let asOf = "";
  let ids: string[] = [];
  beforeAll(async () => {
    storage = await freshStorage(engine);
    asOf = (await seedDemoWorkspace(storage, { leads: LEADS, accounts: 20 })).asOf;
    const doc = structuredClone(REFERENCE_MODEL_DOCUMENT) as unknown as typeof REFERENCE_MODEL_DOCUMENT;
    const draft = await storage.scoringModels.createDraft({
      name: "live",
      document: {
        ...doc,
        id: "live",
        name: "live",
        thresholds: [{ id: "mql", metric: "total", atLeast: 40, action: "become_mql" }],
      },
      createdBy: "test",
      createdAt: asOf,
    });
    model = await storage.scoringModels.publish(draft.id, "test", asOf);
    await storage.scoringModels.setDefault(model.id);
    ids = (await storage.sql.query<{ id: string }>("SELECT id FROM leads ORDER BY id")).rows.map((r) => r.id);
  });
  afterAll(async () => {
    await storage?.close();
  });

  it("gives each of many leads exactly the score of its own ledger alone, in a constant number of statements", async () => {
    // One group write of events for every lead (several for some), as the batcher does.
    const at = new Date(Date.parse(asOf) + 3_600_000).toISOString();
    await storage.events.ingest(
      ids.flatMap((leadId, i) =>
        Array.from({ length: 1 + (i % 4) }, (_, k) => ({
          key: `live-${i}-${k}`,
          leadId,
          type: ["demo_request", "pricing_page_view", "email_click", "webinar_attended"][k % 4]!,
          occurredAt: at,
        })),
      ),
    );
    const stored = await storage.sql.query<{ lead_id: string; fit: number; engagement: number }>(
      "SELECT lead_id, fit, engagement FROM lead_scores WHERE model_id = $1",
      [model.id],
    );
    const old = new Map(stored.rows.map((r) => [r.lead_id, Number(r.fit) + Number(r.engagement)]));
    const count = { n: 0 };
    const watched = countingStorage(storage, count);
    const now = new Date(Date.parse(asOf) + 7_200_000).toISOString();
    const asked = [ids[5]!, "no-such-lead", ...ids, ids[0]!];
    const changes = await rescoreLeads(watched, asked, now);
    // The default model, one read of every lead, one upsert: the same for 60 leads as for 2.
    expect(count.n).toBe(3);
    count.n = 0;
    await rescoreLeads(watched, ids.slice(0, 2), now);
    expect(count.n).toBe(3);

    expect(changes.map((c) => c.leadId)).toEqual([ids[5], ...ids.filter((id) => id !== ids[5])]);
    const parsed = validateScoringModel(model.document);
    if (!parsed.ok) throw new Error("invalid");
    const scorer = compileModel(parsed.value);
    let crossed = 0;
    for (const id of ids) {
      const lead = (await storage.leads.get(id))!;
      const contact = await storage.contacts.get(lead.contactId);
      const account = lead.accountId ? await storage.accounts.get(lead.accountId) : null;
      const ledger = await storage.events.listForLead(id, { limit: 10_000 });
      const want = scorer.score({ lead, contact, account, events: ledger }, now);
      const got = (await storage.leadScores.get(id))!;
      expect(got).toMatchObject({
        modelId: model.id,
        fit: want.fit,
        engagement: want.engagement,
        grade: want.grade,
        computedAt: now,
      });
      expect(got.explanation).toEqual(JSON.parse(JSON.stringify(want.explanation)));
      const change = changes.find((c) => c.leadId === id)!;
      expect(change.after).toMatchObject({ fit: want.fit, engagement: want.engagement });
      // Crossings compare with the score this model stored before (none: a first score).
      const was = old.get(id);
      const up = want.total >= 40 && (was === undefined || was < 40);
      expect(change.crossings.length > 0).toBe(up);
      if (up) crossed++;
    }
    expect(crossed).toBeGreaterThan(0);
    // Rescoring again at the same instant changes nothing, so crosses nothing.
    expect((await rescoreLeads(storage, ids, now)).every((c) => c.crossings.length === 0)).toBe(true);
  });

  it("appends a score history entry (who, why, before and after) for every changed score, and none when nothing changed", async () => {
    // The least engaged lead, so that a late-stage download (repeatable) does not hit a cap.
    const lead = (
      await storage.sql.query<{ lead_id: string }>(
        "SELECT lead_id FROM lead_scores ORDER BY engagement, lead_id LIMIT 1",
      )
    ).rows[0]!.lead_id;
    const before = (await storage.leadScores.get(lead))!;
    const at = new Date(Date.parse(asOf) + 10_800_000).toISOString();
    await storage.events.ingest([
      {
        key: "history-1",
        leadId: lead,
        type: "asset_download",
        occurredAt: at,
        properties: { stage: "late" },
      },
    ]);
    const scoreHistory = async () =>
      (await storage.history.listForLead(lead, ["score"])).filter((h) => h.at === at);
    const [change] = await rescoreLeads(storage, [lead], at);
    const after = (await storage.leadScores.get(lead))!;
    expect(after.engagement).toBeGreaterThan(before.engagement);
    expect(change!.after.engagement).toBe(after.engagement);
    const entries = await scoreHistory();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: "scoring",
      reason: "new events",
      before: { fit: before.fit, engagement: before.engagement, grade: before.grade, modelId: model.id },
      after: { fit: after.fit, engagement: after.engagement, grade: after.grade, modelId: model.id },
    });
    // The same score again: no new entry.
    await rescoreLeads(storage, [lead], at);
    expect(await scoreHistory()).toHaveLength(1);
  });
});

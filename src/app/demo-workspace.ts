import type { Stage } from "../core/lifecycle/stages.ts";
import type { ElementId } from "../core/qualification/elements.ts";
import type { EvidenceRecord, Scorecard } from "../core/qualification/evidence.ts";
import { qualify } from "../core/qualification/verdict.ts";
import type { Instant } from "../core/records.ts";
import { compileModel, type Scorer } from "../core/scoring/compile-model.ts";
import {
  DEMO_DEFAULTS,
  type DemoOptions,
  demoEnd,
  generateLeads,
  type LeadBundle,
} from "../demo/generate.ts";
import { REFERENCE_MODEL, REFERENCE_MODEL_DOCUMENT } from "../demo/reference-model.ts";
import { type BulkRow, type BulkTable, bulkInsert } from "../storage/bulk-insert.ts";
import type { Storage, VerdictOutcome } from "../storage/ports.ts";

export type DemoSeedReport = {
  readonly seeded: boolean;
  readonly accounts: number;
  readonly leads: number;
  readonly events: number;
  readonly scorecards: number;
  readonly deals: number;
  /** The instant the demo's history ends at (scores are computed as of then). */
  readonly asOf: Instant;
};

/** Evidence a rep would have gathered by the time a lead reached `stage` (the buyer's words included). */
const STAGE_EVIDENCE: Partial<
  Record<Stage, readonly [ElementId, EvidenceRecord["state"], string, string?][]>
> = {
  sal: [
    ["need", "claimed", "Our reps keep chasing leads that never buy; we want to know which ones matter."],
  ],
  sql: [
    ["need", "verified", "We lose about 6 hours per rep each week on leads that go nowhere."],
    ["budget", "claimed", "There is a tooling budget for the sales team this year.", "allocated"],
    ["authority", "claimed", "I run sales operations and I own this decision with our VP Sales."],
    ["timeline", "claimed", "We want something in place before next quarter's planning."],
  ],
  disqualified: [["need", "failed", "Honestly we are happy with how things work today."]],
  recycled: [["timeline", "claimed", "Not this year — maybe once the reorganisation is done."]],
};
const LATER: readonly Stage[] = ["opportunity", "won", "lost"];

function evidenceFor(stage: Stage, at: Instant, by: string): Scorecard["evidence"] {
  const base = STAGE_EVIDENCE[LATER.includes(stage) ? "sql" : stage];
  if (!base) return {};
  const entries = base.map(([element, state, quote, qualifier]) => {
    const verified = LATER.includes(stage) && state === "claimed" ? "verified" : state;
    const record: EvidenceRecord = {
      element,
      state: verified,
      quote,
      source: "call",
      recordedBy: by,
      recordedAt: at,
      ...(qualifier ? { qualifier } : {}),
    };
    return [element, record] as const;
  });
  return Object.fromEntries(entries);
}

type Rows = { [T in BulkTable]: BulkRow<T>[] };
const emptyRows = (): Rows => ({
  accounts: [],
  contacts: [],
  leads: [],
  lead_history: [],
  activities: [],
  deals: [],
  lead_scores: [],
  scorecards: [],
});

/** The rows of one demo lead (contact, lead, history, attempts, deal, score, scorecard). */
function leadRows(rows: Rows, b: LeadBundle, modelId: string, asOf: Instant, scorer: Scorer): boolean {
  const { contact: c, lead } = b;
  rows.contacts.push({
    id: c.id,
    account_id: c.accountId,
    email: c.email?.toLowerCase() ?? null,
    first_name: c.firstName,
    last_name: c.lastName,
    title: c.title,
    seniority: c.seniority,
    buying_role: c.buyingRole,
    phone: c.phone,
    email_status: c.emailStatus,
    unsubscribed: c.unsubscribed,
    attributes: c.attributes,
  });
  const last = b.stages[b.stages.length - 1];
  rows.leads.push({
    id: lead.id,
    contact_id: c.id,
    account_id: lead.accountId,
    source: lead.source,
    entry_path: lead.entryPath,
    owner_id: lead.ownerId,
    stage: lead.stage,
    stage_entered_at: lead.stageEnteredAt,
    reason: last?.reason ?? null,
    created_at: lead.createdAt,
  });
  let previous: Stage | null = null;
  for (const change of b.stages) {
    rows.lead_history.push({
      lead_id: lead.id,
      kind: "stage",
      actor: previous === null ? "demo-import" : (lead.ownerId ?? "marketing"),
      at: change.at,
      reason: previous === null ? "created" : change.reason,
      before: previous === null ? null : { stage: previous },
      after: { stage: change.stage },
    });
    previous = change.stage;
  }
  for (const a of b.activities)
    rows.activities.push({
      lead_id: a.leadId,
      type: a.type,
      outcome: a.outcome,
      occurred_at: a.occurredAt,
      actor: a.by,
      body: a.body,
    });
  const d = b.deal;
  if (d)
    rows.deals.push({
      id: d.id,
      account_id: d.accountId,
      lead_id: d.leadId,
      name: d.name,
      amount: d.amount,
      currency: d.currency,
      status: d.status,
      created_at: d.createdAt,
      close_date: d.closeDate,
      reason: d.reason,
    });
  const score = scorer.score({ account: b.account, contact: c, lead, events: b.events }, asOf);
  rows.lead_scores.push({
    lead_id: lead.id,
    model_id: modelId,
    fit: score.fit,
    engagement: score.engagement,
    grade: score.grade,
    explanation: score.explanation,
    computed_at: asOf,
  });
  const at = last?.at ?? lead.createdAt;
  const by = lead.ownerId ?? "sdr";
  const evidence = evidenceFor(lead.stage, at, by);
  if (Object.keys(evidence).length === 0) return false;
  const card: Scorecard = {
    framework: "bant",
    evidence,
    account: b.account,
    contact: { title: c.title, seniority: c.seniority, buyingRole: c.buyingRole },
  };
  const verdict = qualify(card, "bant", { now: at });
  const outcome: VerdictOutcome | null = verdict.outcome === "keep-qualifying" ? null : verdict.outcome;
  rows.scorecards.push({
    lead_id: lead.id,
    version: 1,
    framework: "bant",
    evidence,
    verdict_outcome: outcome,
    verdict: { outcome: verdict.outcome, failedLevel: verdict.failedLevel, explanation: verdict.explanation },
    created_by: by,
    created_at: at,
  });
  return true;
}

/**
 * Fills an empty database with the deterministic demo workspace: accounts across industries and
 * regions, contacts with buying roles, a year of leads with behaviour events, attempts and stage
 * history, closed deals, the published reference scoring model with every lead scored, and BANT
 * scorecards for the leads sales has worked. Does nothing when the database already has leads, so a
 * restart reuses the data. Written in chunks of 250 leads, each in one transaction of bulk inserts.
 */
export async function seedDemoWorkspace(
  storage: Storage,
  options: Partial<DemoOptions> = {},
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<DemoSeedReport> {
  const o: DemoOptions = { ...DEMO_DEFAULTS, ...options };
  const asOf = demoEnd(o);
  const existing = await storage.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM leads");
  if ((existing.rows[0]?.n ?? 0) > 0)
    return { seeded: false, accounts: 0, leads: 0, events: 0, scorecards: 0, deals: 0, asOf };

  const model = await storage.transaction(async (tx) => {
    const draft = await tx.scoringModels.createDraft({
      id: "demo-reference",
      name: REFERENCE_MODEL.name,
      document: REFERENCE_MODEL_DOCUMENT,
      createdBy: "demo",
      createdAt: o.start,
    });
    await tx.scoringModels.publish(draft.id, "demo", o.start);
    return tx.scoringModels.setDefault(draft.id);
  });
  const scorer = compileModel(REFERENCE_MODEL);
  const accounts = new Set<string>();
  let events = 0;
  let scorecards = 0;
  let deals = 0;
  let chunk: LeadBundle[] = [];
  let done = 0;
  const flush = async () => {
    const bundles = chunk;
    chunk = [];
    const rows = emptyRows();
    for (const b of bundles) {
      if (!accounts.has(b.account.id)) {
        const a = b.account;
        rows.accounts.push({
          id: a.id,
          name: a.name,
          domain: a.domain?.toLowerCase() ?? null,
          industry: a.industry,
          employees: a.employees,
          annual_revenue: a.annualRevenue,
          country: a.country,
          region: a.region,
          attributes: a.attributes,
        });
        accounts.add(a.id);
      }
      scorecards += Number(leadRows(rows, b, model.id, asOf, scorer));
      deals += Number(b.deal !== null);
      events += b.events.length;
    }
    // One transaction per chunk, parents before children (foreign keys).
    await storage.transaction(async (tx) => {
      for (const table of [
        "accounts",
        "contacts",
        "leads",
        "lead_history",
        "activities",
        "deals",
        "lead_scores",
        "scorecards",
      ] as const) {
        await bulkInsert(tx.sql, table, rows[table]);
      }
      const batch = bundles.flatMap((b) =>
        b.events.map((e) => ({
          key: `demo:${e.id}`,
          leadId: e.leadId,
          type: e.type,
          occurredAt: e.occurredAt,
          properties: e.properties,
        })),
      );
      if (batch.length > 0) await tx.events.ingest(batch);
    });
    done += bundles.length;
    onProgress(done, o.leads);
  };
  for (const b of generateLeads(o)) {
    chunk.push(b);
    if (chunk.length >= 250) await flush();
  }
  if (chunk.length > 0) await flush();
  return { seeded: true, accounts: accounts.size, leads: done, events, scorecards, deals, asOf };
}

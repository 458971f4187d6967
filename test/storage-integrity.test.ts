import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isWinnowError } from "../src/core/errors.ts";
import { migrate } from "../src/storage/migrate.ts";
import { loadMigrations } from "../src/storage/migrations/index.ts";
import type { Storage } from "../src/storage/ports.ts";
import { ENGINES, freshDatabase, freshStorage } from "./helpers/db.ts";

const T0 = "2026-03-02T09:00:00.000Z";

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (isWinnowError(error)) return error.code;
    throw error;
  }
  return "no error";
}

describe.each(ENGINES)("storage integrity on %s", (engine) => {
  let s: Storage;
  beforeAll(async () => {
    s = await freshStorage(engine);
  });
  afterAll(async () => {
    await s?.close();
  });

  async function newLead(email: string) {
    const account = await s.accounts.create({ name: "Acme", domain: `${email.split("@")[1]}` });
    const contact = await s.contacts.create({ email, accountId: account.id, firstName: "Ada" });
    return s.leads.create({ contactId: contact.id, accountId: account.id, createdAt: T0, ownerId: "sdr-1" });
  }

  it("applies migrations twice and from two clients at once, and refuses a changed one", async () => {
    const fresh = await freshDatabase(engine);
    try {
      const other = await fresh.open();
      const [a, b] = await Promise.all([migrate(fresh.db), migrate(other)]);
      const all = loadMigrations();
      const latest = Math.max(...all.map((m) => m.version));
      expect(a.applied.length + b.applied.length).toBe(all.length);
      expect(a.current).toBe(latest);
      expect(b.current).toBe(latest);
      const again = await migrate(fresh.db);
      expect(again.applied).toEqual([]);
      const rows = await fresh.db.query<{ n: number }>("SELECT count(*)::int AS n FROM schema_migrations");
      expect(rows.rows[0]?.n).toBe(all.length);
      // A migration edited after it was applied stops start-up instead of drifting silently.
      const changed = loadMigrations().map((m) => ({ ...m, checksum: `${m.checksum}x` }));
      expect(await codeOf(() => migrate(fresh.db, changed))).toBe("WINNOW_ERR_MIGRATION_MISMATCH");
    } finally {
      await fresh.close();
    }
  });

  it("rejects a reference to a missing record (foreign key)", async () => {
    expect(await codeOf(() => s.leads.create({ contactId: "nobody", createdAt: T0 }))).toBe(
      "WINNOW_ERR_REFERENCE_NOT_FOUND",
    );
    expect(await codeOf(() => s.contacts.create({ email: "x@nowhere.io", accountId: "missing" }))).toBe(
      "WINNOW_ERR_REFERENCE_NOT_FOUND",
    );
  });

  it("de-duplicates accounts by domain and contacts by email, case-insensitively", async () => {
    await s.accounts.create({ name: "Dup", domain: "Dup.example" });
    expect(await codeOf(() => s.accounts.create({ name: "Dup 2", domain: "dup.EXAMPLE " }))).toBe(
      "WINNOW_ERR_DUPLICATE",
    );
    expect((await s.accounts.findByDomain("DUP.example"))?.name).toBe("Dup");
  });

  it("catches a stale write with the version column", async () => {
    const account = await s.accounts.create({ name: "Stale Inc", domain: "stale.example" });
    const first = await s.accounts.update(account.id, account.version, { industry: "software" });
    expect(first.version).toBe(2);
    expect(await codeOf(() => s.accounts.update(account.id, account.version, { industry: "retail" }))).toBe(
      "WINNOW_ERR_STALE_WRITE",
    );
    expect((await s.accounts.get(account.id))?.industry).toBe("software");
    expect(await codeOf(() => s.accounts.update("gone", 1, { industry: "x" }))).toBe(
      "WINNOW_ERR_ACCOUNT_NOT_FOUND",
    );
  });

  it("ingests a retried batch of events without duplicates", async () => {
    const lead = await newLead("events@retry.example");
    const batch = [
      { key: "k-1", leadId: lead.id, type: "page_view", occurredAt: T0, properties: { path: "/pricing" } },
      { key: "k-2", leadId: lead.id, type: "demo_request", occurredAt: T0 },
      // The same event again (a retry); another event under "k-1" would be WINNOW_ERR_EVENT_KEY_CONFLICT.
      { key: "k-1", leadId: lead.id, type: "page_view", occurredAt: T0, properties: { path: "/pricing" } },
      { leadId: lead.id, type: "email_open", occurredAt: T0 },
    ];
    const first = await s.events.ingest(batch);
    expect(first.map((o) => o.status)).toEqual(["created", "created", "duplicate", "created"]);
    expect(first[2]?.id).toBe(first[0]?.id);
    const retry = await s.events.ingest(batch.slice(0, 3));
    expect(retry.map((o) => o.status)).toEqual(["duplicate", "duplicate", "duplicate"]);
    expect(retry.map((o) => o.id)).toEqual(first.slice(0, 3).map((o) => o.id));
    const stored = await s.events.listForLead(lead.id);
    expect(stored).toHaveLength(3);
    expect(stored.find((e) => e.idempotencyKey === "k-1")?.properties).toEqual({ path: "/pricing" });
  });

  it("rejects a batch naming an unknown lead and stores none of it", async () => {
    const lead = await newLead("events@unknown.example");
    try {
      await s.events.ingest([
        { key: "u-1", leadId: lead.id, type: "page_view", occurredAt: T0 },
        { key: "u-2", leadId: "missing", type: "page_view", occurredAt: T0 },
      ]);
      expect.unreachable();
    } catch (error) {
      expect(isWinnowError(error) && error.code).toBe("WINNOW_ERR_REFERENCE_NOT_FOUND");
      expect(isWinnowError(error) && error.issues[0]?.path).toBe("[1].leadId");
    }
    expect(await s.events.listForLead(lead.id)).toHaveLength(0);
  });

  it("rolls back everything in a transaction that fails", async () => {
    const code = await codeOf(() =>
      s.transaction(async (tx) => {
        const account = await tx.accounts.create({ name: "Half", domain: "half.example" });
        await tx.contacts.create({ email: "half@half.example", accountId: account.id });
        await tx.leads.create({ contactId: "missing", createdAt: T0 });
      }),
    );
    expect(code).toBe("WINNOW_ERR_REFERENCE_NOT_FOUND");
    expect(await s.accounts.findByDomain("half.example")).toBeNull();
    expect(await s.contacts.findByEmail("half@half.example")).toBeNull();
  });

  it("keeps history append-only", async () => {
    const lead = await newLead("history@append.example");
    const entry = await s.history.append({
      leadId: lead.id,
      kind: "stage",
      actor: "sdr-1",
      at: T0,
      reason: null,
      before: { stage: "new" },
      after: { stage: "mql" },
    });
    expect(
      await codeOf(() => s.sql.query("UPDATE lead_history SET actor = 'x' WHERE id = $1", [entry.id])),
    ).toBe("WINNOW_ERR_HISTORY_APPEND_ONLY");
    expect(await codeOf(() => s.sql.query("DELETE FROM lead_history WHERE id = $1", [entry.id]))).toBe(
      "WINNOW_ERR_HISTORY_APPEND_ONLY",
    );
    expect(await s.history.listForLead(lead.id)).toHaveLength(1);
  });

  it("versions scorecards and refuses a save based on an old version", async () => {
    const lead = await newLead("scorecard@versions.example");
    const input = {
      framework: "bant",
      evidence: { budget: { state: "claimed" } },
      verdictOutcome: null,
      createdBy: "sdr-1",
      createdAt: T0,
    };
    const v1 = await s.scorecards.save(lead.id, 0, input);
    const v2 = await s.scorecards.save(lead.id, 1, { ...input, verdictOutcome: "advance" });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(await codeOf(() => s.scorecards.save(lead.id, 1, input))).toBe("WINNOW_ERR_STALE_WRITE");
    expect(await codeOf(() => s.scorecards.save("missing", 0, input))).toBe("WINNOW_ERR_LEAD_NOT_FOUND");
    expect((await s.scorecards.latest(lead.id))?.verdictOutcome).toBe("advance");
  });

  it("keeps one default scoring model, and only a published one", async () => {
    const a = await s.scoringModels.createDraft({
      name: "default",
      document: { rules: [] },
      createdBy: "ops",
      createdAt: T0,
    });
    const b = await s.scoringModels.createDraft({
      name: "default",
      document: { rules: [1] },
      createdBy: "ops",
      createdAt: T0,
    });
    expect([a.version, b.version]).toEqual([1, 2]);
    expect(await codeOf(() => s.scoringModels.setDefault(a.id))).toBe("WINNOW_ERR_CONSTRAINT");
    await s.scoringModels.publish(a.id, "ops", T0);
    await s.scoringModels.publish(b.id, "ops", T0);
    await s.scoringModels.setDefault(a.id);
    await s.scoringModels.setDefault(b.id);
    expect((await s.scoringModels.getDefault())?.id).toBe(b.id);
    expect((await s.scoringModels.get(a.id))?.isDefault).toBe(false);
  });
});

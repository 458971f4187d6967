import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImportOptions, importCsv } from "../src/app/import/index.ts";
import { isWinnowError } from "../src/core/errors.ts";
import { openImportSession } from "../src/storage/import-session.ts";
import type { Storage } from "../src/storage/ports.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";

// The import's fast path (import-session.ts): foreign-key triggers off and, on PGlite, secondary
// indexes rebuilt, inside the import's transaction only; the import's own reference checks still
// refuse every row whose account or lead does not exist.

const NOW = "2026-03-02T09:00:00.000Z";
const csv = (text: string) => Readable.from([text]);
const opts = (extra: Partial<ImportOptions> & Pick<ImportOptions, "as">): ImportOptions => ({
  now: NOW,
  actor: "test",
  ...extra,
});
const LEAD_TABLES = ["accounts", "contacts", "leads", "lead_history"];

describe.each(ENGINES)("import session on %s", (engine) => {
  let s: Storage;
  beforeAll(async () => {
    s = await freshStorage(engine);
  });
  afterAll(async () => {
    await s?.close();
  });

  const indexes = async () =>
    (
      await s.sql.query<{ indexname: string; indexdef: string }>(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY($1::text[]) ORDER BY indexname",
        [LEAD_TABLES],
      )
    ).rows;

  /** A lead pointing at a contact that does not exist: the foreign key must refuse it. */
  const orphanRefused = async () => {
    try {
      await s.sql.query(
        "INSERT INTO leads (id, contact_id, stage_entered_at, created_at) VALUES ('orphan', 'no-such-contact', now(), now())",
      );
    } catch (error) {
      return isWinnowError(error) && error.code === "WINNOW_ERR_REFERENCE_NOT_FOUND";
    }
    return false;
  };

  it("turns foreign-key triggers off, and drops secondary indexes on PGlite only, for the transaction only", async () => {
    const before = await indexes();
    expect(before.map((i) => i.indexname)).toContain("leads_created");
    const seen = await s.transaction(async (tx) => {
      const session = await openImportSession(tx.sql, s.engine, {
        tables: LEAD_TABLES,
        skipForeignKeyTriggers: true,
        rebuildIndexes: true,
      });
      const role = await tx.sql.query<{ r: string }>(
        "SELECT current_setting('session_replication_role') AS r",
      );
      const during = await tx.sql.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = ANY($1::text[])",
        [LEAD_TABLES],
      );
      await session.finish();
      return { role: role.rows[0]?.r, indexes: during.rows[0]?.n, session };
    });
    if (engine === "pglite") {
      expect(seen.role).toBe("replica");
      expect(seen.session.foreignKeyTriggersOff).toBe(true);
      expect([...seen.session.rebuiltIndexes].sort()).toEqual([
        "contacts_account",
        "lead_history_lead",
        "lead_history_pkey",
        "lead_history_stage_at",
        "leads_account",
        "leads_created",
        "leads_owner",
        "leads_sla_due",
      ]);
      expect(seen.indexes).toBe(before.length - 8);
    } else {
      // The test server's role is a superuser: triggers off for the leads import's tables (see
      // import-fk-postgres.test.ts for when they stay on), indexes maintained.
      expect(seen.role).toBe("replica");
      expect(seen.session.foreignKeyTriggersOff).toBe(true);
      expect(seen.session.rebuiltIndexes).toEqual([]);
      expect(seen.indexes).toBe(before.length);
    }
    // After the transaction: the same indexes (same definitions), the history's primary key a
    // primary key again, and foreign keys enforced again.
    expect(await indexes()).toEqual(before);
    const key = await s.sql.query<{ contype: string }>(
      "SELECT contype FROM pg_constraint WHERE conname = 'lead_history_pkey' AND conrelid = 'lead_history'::regclass",
    );
    expect(key.rows).toEqual([{ contype: "p" }]);
    expect(await orphanRefused()).toBe(true);
  });

  it("maintains the indexes of tables that are not small, and imports with bulk mode off", async () => {
    const r = await importCsv(s, csv("email\nsmall@sizes.example"), opts({ as: "leads", bulkMode: false }));
    expect(r.counts["leads"]?.created).toBe(1);
    const rebuilt = await s.transaction(async (tx) => {
      const session = await openImportSession(tx.sql, s.engine, {
        tables: LEAD_TABLES,
        skipForeignKeyTriggers: false,
        rebuildIndexes: true,
        smallTableRows: 1, // every table holding a row counts as large
      });
      const role = await tx.sql.query<{ r: string }>(
        "SELECT current_setting('session_replication_role') AS r",
      );
      await session.finish();
      return { names: session.rebuiltIndexes, role: role.rows[0]?.r };
    });
    expect(rebuilt).toEqual({ names: [], role: "origin" });
  });

  it("keeps foreign-key triggers on when a written table has a trigger of its own", async () => {
    await s.sql.exec(
      "CREATE FUNCTION test_noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$;" +
        "CREATE TRIGGER test_noop BEFORE INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION test_noop();",
    );
    try {
      const off = await s.transaction(async (tx) => {
        const session = await openImportSession(tx.sql, s.engine, {
          tables: LEAD_TABLES,
          skipForeignKeyTriggers: true,
          rebuildIndexes: false,
        });
        return session.foreignKeyTriggersOff;
      });
      expect(off).toBe(false);
    } finally {
      await s.sql.exec("DROP TRIGGER test_noop ON contacts; DROP FUNCTION test_noop();");
    }
  });

  it("still refuses rows whose account or lead does not exist, and leaves indexes and foreign keys as they were", async () => {
    const before = await indexes();
    const leads = ["email,company,domain,stage", "ana@refs.example,Refs,refs.example,mql"].join("\n");
    const r = await importCsv(s, csv(leads), opts({ as: "leads" }));
    expect(r.counts["leads"]?.created).toBe(1);
    const deals = [
      "name,account_domain,contact_email",
      "Ok,refs.example,ana@refs.example",
      "Bad,nowhere.example,",
    ].join("\n");
    const e = await importCsv(s, csv(deals), opts({ as: "deals" })).catch((error: unknown) => error);
    expect(isWinnowError(e) && e.issues).toEqual([
      { path: "account_domain", line: 3, column: 2, message: "no account with domain nowhere.example" },
    ]);
    const events = [
      "type,occurred_at,lead_id,email",
      "visit,2026-03-01T10:00:00Z,no-such-lead,",
      "visit,2026-03-01T10:00:00Z,,nobody@refs.example",
    ].join("\n");
    const skipped = await importCsv(s, csv(events), opts({ as: "events", skipInvalid: true }));
    expect([
      skipped.counts["events"]?.created,
      skipped.issues.map((i) => [i.line, i.path, i.message]),
    ]).toEqual([
      0,
      [
        [2, "lead_id", "no lead no-such-lead"],
        [3, "email", "no lead for contact nobody@refs.example"],
      ],
    ]);
    const stored = await s.sql.query<{ n: number }>(
      "SELECT (SELECT count(*) FROM deals WHERE name IN ('Ok', 'Bad')) + (SELECT count(*) FROM events WHERE type = 'visit') AS n",
    );
    expect(stored.rows[0]?.n).toBe(0);
    // Every stored reference resolves (what the foreign keys would have checked).
    const dangling = await s.sql.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM leads l WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = l.contact_id))
            + (SELECT count(*) FROM leads l WHERE l.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = l.account_id))
            + (SELECT count(*) FROM contacts c WHERE c.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = c.account_id))
            + (SELECT count(*) FROM lead_history h WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = h.lead_id)) AS n`,
    );
    expect(dangling.rows[0]?.n).toBe(0);
    const dry = await importCsv(s, csv(leads.replace("ana@", "bo@")), opts({ as: "leads", dryRun: true }));
    expect(dry.written).toBe(false);
    expect(await indexes()).toEqual(before);
    expect(await orphanRefused()).toBe(true);
  });
});

import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImportOptions, importCsv } from "../src/app/import/index.ts";
import { isWinnowError } from "../src/core/errors.ts";
import { openImportSession } from "../src/storage/import-session.ts";
import { openStorage } from "../src/storage/open.ts";
import type { Storage } from "../src/storage/ports.ts";

// Import without the per-row foreign-key triggers on PostgreSQL (import-session.ts,
// docs/import.md#bulk-mode): what the triggers guarantee — no other connection can delete a
// referenced row or change its key before the import commits — must still hold, and a role that may
// not set session_replication_role keeps the triggers.

const ADMIN = process.env["WINNOW_TEST_DATABASE_URL"];
const LEAD_TABLES = ["accounts", "contacts", "leads", "lead_history"];
const NOW = "2026-03-02T09:00:00.000Z";
const opts = (extra: Partial<ImportOptions> & Pick<ImportOptions, "as">): ImportOptions => ({
  now: NOW,
  actor: "test",
  ...extra,
});

async function admin<T>(fn: (c: pg.Client) => Promise<T>, url = ADMIN): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A URL of the same server, `database` and user `user` (trust authentication on the test server). */
function urlOf(database: string, user?: string): string {
  const url = new URL(ADMIN as string);
  url.pathname = `/${database}`;
  if (user) url.username = user;
  return url.toString();
}

/** Polls `ready` until it holds (at most ~20 s: then the test fails with the step that never came). */
async function until(ready: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await ready()) return;
    await new Promise((ok) => setTimeout(ok, 20));
  }
  throw new Error(`never happened: ${ready.toString()}`);
}

/** The SQLSTATE of what `fn` threw (pg errors carry `code`), or null if it did not throw. */
async function sqlState(fn: () => Promise<unknown>): Promise<string | null> {
  try {
    await fn();
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? "?";
  }
}

describe.skipIf(!ADMIN)("imports on PostgreSQL without foreign-key triggers", () => {
  const tag = randomBytes(4).toString("hex");
  const database = `winnow_test_fk_${tag}`;
  const plain = `winnow_fk_plain_${tag}`; // may not set session_replication_role
  const granted = `winnow_fk_granted_${tag}`; // GRANT SET ON PARAMETER session_replication_role
  let s: Storage;
  let other: pg.Client; // a second connection to the same database
  let version = 0;

  beforeAll(async () => {
    await admin(async (c) => {
      await c.query(`CREATE DATABASE ${database}`);
      version = Number((await c.query("SHOW server_version_num")).rows[0].server_version_num);
      await c.query(`CREATE ROLE ${plain} LOGIN`);
      await c.query(`CREATE ROLE ${granted} LOGIN`);
      if (version >= 150000) await c.query(`GRANT SET ON PARAMETER session_replication_role TO ${granted}`);
    });
    s = await openStorage({ engine: "postgres", url: urlOf(database) });
    await admin(async (c) => {
      for (const role of [plain, granted]) {
        await c.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
        await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
        await c.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
      }
    }, urlOf(database));
    other = new pg.Client({ connectionString: urlOf(database) });
    await other.connect();
  });

  afterAll(async () => {
    await other?.end();
    await s?.close();
    await admin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      if (version >= 150000)
        await c.query(`REVOKE SET ON PARAMETER session_replication_role FROM ${granted}`);
      await c.query(`DROP ROLE IF EXISTS ${plain}`);
      await c.query(`DROP ROLE IF EXISTS ${granted}`);
    });
  });

  /** Whether another connection can take the lock a delete needs on account `id` right now. */
  const nowaitLock = (id: string) =>
    sqlState(() => other.query("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE NOWAIT", [id]));

  const dangling = async () =>
    (
      await other.query<{ n: number }>(
        `SELECT ((SELECT count(*) FROM leads l WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = l.contact_id))
              + (SELECT count(*) FROM leads l WHERE l.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = l.account_id))
              + (SELECT count(*) FROM contacts c WHERE c.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = c.account_id))
              + (SELECT count(*) FROM lead_history h WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = h.lead_id)))::int AS n`,
      )
    ).rows[0]?.n;

  it("ON CONFLICT DO UPDATE locks the row it conflicts with even when its WHERE skips the update", async () => {
    await other.query("INSERT INTO accounts (id, name, domain) VALUES ('oc1', 'OC', 'on-conflict.example')");
    const locked = await s.transaction(async (tx) => {
      const r = await tx.sql.query<{ n: number }>(
        `WITH up AS (
           INSERT INTO accounts AS a (id, name, domain) VALUES ('oc2', 'OC', 'on-conflict.example')
           ON CONFLICT (domain) DO UPDATE SET name = excluded.name WHERE false RETURNING 1
         ) SELECT count(*)::int AS n FROM up`,
      );
      expect(r.rows[0]?.n).toBe(0); // nothing updated...
      // ...but a delete (which needs the row's FOR UPDATE lock) cannot have it until the commit.
      return sqlState(() => other.query("SELECT 1 FROM accounts WHERE id = 'oc1' FOR UPDATE NOWAIT"));
    });
    expect(locked).toBe("55P03"); // lock_not_available
    expect(
      await sqlState(() => other.query("SELECT 1 FROM accounts WHERE id = 'oc1' FOR UPDATE NOWAIT")),
    ).toBe(null);
  });

  it("turns the triggers off for a superuser's imports of every kind", async () => {
    const off = (tables: string[]) =>
      s.transaction(async (tx) => {
        const session = await openImportSession(tx.sql, "postgres", {
          tables,
          skipForeignKeyTriggers: true,
          rebuildIndexes: true,
        });
        const role = await tx.sql.query<{ r: string }>(
          "SELECT current_setting('session_replication_role') AS r",
        );
        return [session.foreignKeyTriggersOff, role.rows[0]?.r, session.rebuiltIndexes.length];
      });
    expect(await off(LEAD_TABLES)).toEqual([true, "replica", 0]);
    expect(await off(["accounts"])).toEqual([true, "replica", 0]);
    // Contacts, deals and events imports lock what they look up (accounts, leads).
    expect(await off(["events"])).toEqual([true, "replica", 0]);
    expect(await off(["contacts"])).toEqual([true, "replica", 0]);
    expect(await off(["deals"])).toEqual([true, "replica", 0]);
  });

  it("a referenced account cannot be deleted while the import runs: the delete waits, then fails; nothing dangles", async () => {
    // Stored before the import: an account no contact refers to yet (the file names it by domain, so
    // the import upserts it), and a contact without a lead whose account the file does not name (the
    // import looks that account up through the contact and must lock it itself).
    await other.query(
      `INSERT INTO accounts (id, name, domain) VALUES ('acc-upserted', 'Upserted', 'upserted.example'), ('acc-kept', 'Kept', 'kept.example');
       INSERT INTO contacts (id, email, account_id) VALUES ('con-kept', 'kept@gmail.com', 'acc-kept')`,
    );
    let go: () => void = () => undefined;
    const gate = new Promise<void>((ok) => {
      go = ok;
    });
    async function* file() {
      // The first batch (2 rows), then two more, so that the first is written whatever the pipeline.
      yield "email,domain\nana@upserted.example,upserted.example\nkept@gmail.com,\n";
      yield "f1@fill.example,fill.example\nf2@fill.example,fill.example\nf3@fill.example,fill.example\nf4@fill.example,fill.example\n";
      await gate; // the import's transaction stays open here
      yield "zoe@later.example,later.example\n";
    }
    const importing = importCsv(s, Readable.from(file()), opts({ as: "leads", batchSize: 2 }));
    importing.catch(() => undefined);
    const deleter = new pg.Client({ connectionString: urlOf(database) });
    await deleter.connect();
    try {
      // Both accounts end up locked by the import's transaction (a FOR UPDATE NOWAIT, what a delete
      // needs, is refused) ...
      await until(async () => (await nowaitLock("acc-upserted")) === "55P03");
      await until(async () => (await nowaitLock("acc-kept")) === "55P03");
      // ... so a delete of the upserted one waits for the import's transaction ...
      const deleting = sqlState(() => deleter.query("DELETE FROM accounts WHERE id = 'acc-upserted'"));
      await until(async () => {
        const r = await other.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND query LIKE 'DELETE FROM accounts%'",
          [database],
        );
        return (r.rows[0]?.n ?? 0) > 0;
      });
      go();
      const report = await importing;
      expect(report.counts["leads"]?.created).toBe(7);
      // ... and fails once the import has committed: the new contact and lead refer to it.
      expect(await deleting).toBe("23503"); // foreign_key_violation
    } finally {
      go();
      await deleter.end();
    }
    const r = await other.query<{ email: string; account: string | null }>(
      "SELECT c.email, l.account_id AS account FROM leads l JOIN contacts c ON c.id = l.contact_id WHERE c.email IN ('ana@upserted.example', 'kept@gmail.com') ORDER BY c.email",
    );
    expect(r.rows).toEqual([
      { email: "ana@upserted.example", account: "acc-upserted" },
      { email: "kept@gmail.com", account: "acc-kept" },
    ]);
    expect(await dangling()).toBe(0);
  });

  it("a stored account and contact deleted by a transaction the import waits for are not referenced afterwards", async () => {
    // The import finds both stored, then its upserts wait for the deleting transaction; once that
    // commits they are gone, and the rows must refer to what the import writes instead (or the import
    // fail whole): never to the ids it saw before.
    await other.query(
      `INSERT INTO accounts (id, name, domain) VALUES ('acc-gone', 'Gone', 'gone.example');
       INSERT INTO contacts (id, email, account_id) VALUES ('con-gone', 'gone@gone.example', 'acc-gone')`,
    );
    const deleter = new pg.Client({ connectionString: urlOf(database) });
    await deleter.connect();
    try {
      await deleter.query("BEGIN");
      await deleter.query("DELETE FROM contacts WHERE id = 'con-gone'");
      await deleter.query("DELETE FROM accounts WHERE id = 'acc-gone'");
      const importing = importCsv(
        s,
        Readable.from(["email,domain\ngone@gone.example,gone.example\n"]),
        opts({ as: "leads" }),
      );
      importing.catch(() => undefined);
      // The import waits for the deleting transaction's row locks...
      await until(async () => {
        const r = await other.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND pid <> $2",
          [database, (await deleter.query("SELECT pg_backend_pid() AS pid")).rows[0].pid],
        );
        return (r.rows[0]?.n ?? 0) > 0;
      });
      await deleter.query("COMMIT");
      const outcome = await importing.then(
        (report) => report.counts["leads"]?.created,
        (error: unknown) => (isWinnowError(error) ? error.code : String(error)),
      );
      // Written whole (the ids the import wrote) or not at all (as the triggers would make it).
      expect([1, "WINNOW_ERR_REFERENCE_NOT_FOUND", "WINNOW_ERR_DUPLICATE"]).toContain(outcome);
    } finally {
      await deleter.end();
    }
    const r = await other.query<{ contact: string; account: string | null }>(
      "SELECT l.contact_id AS contact, l.account_id AS account FROM leads l JOIN contacts c ON c.id = l.contact_id WHERE c.email = 'gone@gone.example'",
    );
    for (const x of r.rows) expect([x.contact, x.account]).not.toContain("acc-gone");
    expect(r.rows.map((x) => x.contact)).not.toContain("con-gone");
    expect(await dangling()).toBe(0);
  });

  it("an events import locks the leads it refers to, and never refers to one deleted meanwhile", async () => {
    await other.query(
      `INSERT INTO contacts (id, email) VALUES ('con-ev', 'ev@events.example'), ('con-ev-gone', 'gone@events.example');
       INSERT INTO leads (id, contact_id, stage_entered_at, created_at)
       VALUES ('lead-ev', 'con-ev', now(), now()), ('lead-ev2', 'con-ev', now(), now() - interval '1 day'),
              ('lead-ev-gone', 'con-ev-gone', now(), now())`,
    );
    const danglingEvents = async () =>
      (
        await other.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM events e WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = e.lead_id)",
        )
      ).rows[0]?.n;
    // 1. While the import runs, the leads it found by id and by email are locked.
    let go: () => void = () => undefined;
    const gate = new Promise<void>((ok) => {
      go = ok;
    });
    async function* file() {
      yield "type,occurred_at,lead_id,email\nvisit,2026-03-01T10:00:00Z,lead-ev2,\nvisit,2026-03-01T11:00:00Z,,ev@events.example\n";
      yield "visit,2026-03-01T12:00:00Z,lead-ev,\n";
      await gate;
      yield "visit,2026-03-01T13:00:00Z,lead-ev,\n";
    }
    const importing = importCsv(s, Readable.from(file()), opts({ as: "events", batchSize: 2 }));
    importing.catch(() => undefined);
    const leadLock = (id: string) =>
      sqlState(() => other.query("SELECT 1 FROM leads WHERE id = $1 FOR UPDATE NOWAIT", [id]));
    try {
      await until(async () => (await leadLock("lead-ev2")) === "55P03");
      await until(async () => (await leadLock("lead-ev")) === "55P03"); // found by email
    } finally {
      go();
    }
    expect((await importing).counts["events"]?.created).toBe(4);
    // 2. A lead deleted by a transaction the import waits for: the import waits, then does not find it.
    const deleter = new pg.Client({ connectionString: urlOf(database) });
    await deleter.connect();
    try {
      await deleter.query("BEGIN");
      await deleter.query("DELETE FROM leads WHERE id = 'lead-ev-gone'");
      const pid = (await deleter.query("SELECT pg_backend_pid() AS pid")).rows[0].pid;
      const late = importCsv(
        s,
        Readable.from(["type,occurred_at,lead_id\nvisit,2026-03-01T10:00:00Z,lead-ev-gone\n"]),
        opts({ as: "events" }),
      );
      late.catch(() => undefined);
      await until(async () => {
        const r = await other.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND pid <> $2",
          [database, pid],
        );
        return (r.rows[0]?.n ?? 0) > 0;
      });
      await deleter.query("COMMIT");
      const e = await late.then(
        () => null,
        (error: unknown) => error,
      );
      expect(isWinnowError(e) && e.issues).toEqual([
        { path: "lead_id", line: 2, column: 3, message: "no lead lead-ev-gone" },
      ]);
    } finally {
      await deleter.end();
    }
    expect(await danglingEvents()).toBe(0);
  });

  it("contacts and deals imports lock the accounts and leads they refer to while they run", async () => {
    await other.query(
      `INSERT INTO accounts (id, name, domain) VALUES ('acc-c1', 'C1', 'c1.example'), ('acc-c2', 'C2', 'c2.example'), ('acc-d', 'D', 'd.example');
       INSERT INTO contacts (id, email) VALUES ('con-c2', 'known@c2.example'), ('con-d', 'buyer@d.example');
       INSERT INTO leads (id, contact_id, stage_entered_at, created_at) VALUES ('lead-d', 'con-d', now(), now())`,
    );
    const locked = (table: string, id: string) =>
      sqlState(() => other.query(`SELECT 1 FROM ${table} WHERE id = $1 FOR UPDATE NOWAIT`, [id]));
    const whileImporting = async (
      as: "contacts" | "deals",
      head: string,
      rows: string,
      check: () => Promise<void>,
    ) => {
      let go: () => void = () => undefined;
      const gate = new Promise<void>((ok) => {
        go = ok;
      });
      async function* file() {
        yield `${head}\n${rows}`;
        await gate;
      }
      const importing = importCsv(s, Readable.from(file()), opts({ as, batchSize: 1 }));
      importing.catch(() => undefined);
      try {
        await check();
      } finally {
        go();
      }
      return importing;
    };
    // A new contact gets its account from the lookup, a stored one from the upsert's join.
    const contacts = await whileImporting(
      "contacts",
      "email,account_domain",
      "new@c1.example,c1.example\nknown@c2.example,c2.example\nfill@c1.example,\n",
      async () => {
        await until(async () => (await locked("accounts", "acc-c1")) === "55P03");
        await until(async () => (await locked("accounts", "acc-c2")) === "55P03");
      },
    );
    expect(contacts.counts["contacts"]).toEqual({ created: 2, updated: 1, skipped: 0 });
    const deals = await whileImporting(
      "deals",
      "name,account_domain,contact_email",
      "Big,d.example,buyer@d.example\nFill,,\n",
      async () => {
        await until(async () => (await locked("accounts", "acc-d")) === "55P03");
        await until(async () => (await locked("leads", "lead-d")) === "55P03");
      },
    );
    expect(deals.counts["deals"]?.created).toBe(2);
    const refs = await other.query<{ ref: string }>(
      `SELECT c.email || '>' || c.account_id AS ref FROM contacts c WHERE c.email IN ('new@c1.example', 'known@c2.example')
       UNION ALL SELECT d.name || '>' || d.account_id || '>' || d.lead_id FROM deals d WHERE d.name = 'Big' ORDER BY 1`,
    );
    expect(refs.rows.map((r) => r.ref)).toEqual([
      "Big>acc-d>lead-d",
      "known@c2.example>acc-c2",
      "new@c1.example>acc-c1",
    ]);
  });

  it("a role that may not set session_replication_role imports with the triggers; one granted SET on it without", async () => {
    const as = async (role: string) => {
      const storage = await openStorage(
        { engine: "postgres", url: urlOf(database, role) },
        { migrate: false },
      );
      try {
        const off = await storage.transaction(async (tx) => {
          const session = await openImportSession(tx.sql, "postgres", {
            tables: LEAD_TABLES,
            skipForeignKeyTriggers: true,
            rebuildIndexes: false,
          });
          return session.foreignKeyTriggersOff;
        });
        const report = await importCsv(
          storage,
          Readable.from([
            `email,domain\nwho@${role.replaceAll("_", "-")}.example,${role.replaceAll("_", "-")}.example\n`,
          ]),
          opts({ as: "leads" }),
        );
        return { off, created: report.counts["leads"]?.created };
      } finally {
        await storage.close();
      }
    };
    expect(await as(plain)).toEqual({ off: false, created: 1 });
    if (version >= 150000) expect(await as(granted)).toEqual({ off: true, created: 1 });
    expect(await dangling()).toBe(0);
    // The foreign keys are enforced again after the imports.
    const orphan = await s.sql
      .query(
        "INSERT INTO leads (id, contact_id, stage_entered_at, created_at) VALUES ('orphan', 'nobody', now(), now())",
      )
      .catch((error: unknown) => error);
    expect(isWinnowError(orphan) && orphan.code).toBe("WINNOW_ERR_REFERENCE_NOT_FOUND");
  });
});

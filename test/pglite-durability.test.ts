// The embedded engine's data folder after a crash: a process killed (SIGKILL, no close, so no
// shutdown checkpoint) right after an import's commit finds every row on reopening, one killed in
// the middle of an import finds none, and in both cases every index of the written tables is
// complete and consistent (amcheck's bt_index_check with heapallindexed: each heap row has its
// index entry). PGlite runs with fsync off, wal_level minimal: the indexes an import rebuilds are
// written without WAL and must be in the files when the commit is (src/storage/pglite/engine-settings.ts).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { amcheck } from "@electric-sql/pglite/contrib/amcheck";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgliteStartParams } from "../src/storage/pglite/engine-settings.ts";
import { migratedPgliteFolder } from "./helpers/db.ts";

const ROOT = resolve(import.meta.dirname, "..");
const LEAD_TABLES = ["accounts", "contacts", "leads", "lead_history"];
const ROWS = 6000;
/** Indexes an import on a small database drops and builds again (import-session.ts): two secondary ones and a primary key. */
const REBUILT = ["leads_created", "lead_history_lead", "lead_history_pkey"];

/** Leads of 10 per company, all new: the import takes its bulk path (COPY, indexes rebuilt). */
function leadsCsv(rows: number): string {
  const lines = ["email,first_name,last_name,title,company,domain,employees,source,stage,created_at"];
  for (let i = 0; i < rows; i++) {
    const c = Math.floor(i / 10);
    const day = String(1 + (i % 28)).padStart(2, "0");
    lines.push(
      `lead${i}@company${c}.example,First${i},Last${i},CEO,Company ${c},company${c}.example,${10 + c},webinar,${i % 3 === 0 ? "mql" : "new"},2026-02-${day}T10:00:00Z`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Runs the child until it says "ready", then kills it with SIGKILL. */
function runAndKill(folder: string, csv: string, mode: "after-commit" | "mid-import"): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ["bin/run-ts.js", "test/helpers/pglite-crash-child.ts", folder, csv, mode],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    let killed = false;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (!killed && out.includes("ready")) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL" && killed) done();
      else fail(new Error(`child ended with ${code ?? signal} before being killed: ${err}`));
    });
  });
}

/** Reopens the folder as the app does (same start parameters) with amcheck loaded. */
async function reopened(folder: string) {
  const db = await PGlite.create(folder, { startParams: pgliteStartParams(), extensions: { amcheck } });
  await db.exec("CREATE EXTENSION IF NOT EXISTS amcheck");
  const indexes = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ANY($1::text[]) ORDER BY 1`,
    [LEAD_TABLES],
  );
  const files = await db.query<{ name: string; path: string }>(
    `SELECT c.relname AS name, pg_relation_filepath(c.oid) AS path FROM pg_class c WHERE c.relname = ANY($1::text[])`,
    [REBUILT],
  );
  const counts: Record<string, number> = {};
  for (const t of LEAD_TABLES) {
    const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`);
    counts[t] = r.rows[0]?.n ?? -1;
  }
  return {
    db,
    indexes: indexes.rows.map((r) => r.name),
    counts,
    files: Object.fromEntries(files.rows.map((r) => [r.name, r.path])),
  };
}

/** bt_index_check(heapallindexed) on every btree index of the lead tables; throws on the first bad one. */
async function checkIndexes(db: PGlite, names: readonly string[]): Promise<void> {
  for (const name of names) await db.query("SELECT bt_index_check($1::regclass, true)", [name]);
}

describe("PGlite data folder after a crash", () => {
  let dir: string;
  let csv: string;
  let migratedIndexes: string[];
  let migratedFiles: Record<string, string>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "winnow-pglite-crash-"));
    csv = join(dir, "leads.csv");
    writeFileSync(csv, leadsCsv(ROWS));
    await migratedPgliteFolder(join(dir, "fresh"));
    const fresh = await reopened(join(dir, "fresh"));
    migratedIndexes = fresh.indexes;
    migratedFiles = fresh.files;
    await fresh.db.close();
    expect(migratedIndexes.length).toBeGreaterThanOrEqual(14);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("killed right after an import's commit: every row and every index entry is there", async () => {
    const folder = join(dir, "after-commit");
    await migratedPgliteFolder(folder);
    await runAndKill(folder, csv, "after-commit");
    const { db, indexes, counts, files } = await reopened(folder);
    try {
      expect(counts).toEqual({ accounts: ROWS / 10, contacts: ROWS, leads: ROWS, lead_history: ROWS });
      expect(indexes).toEqual(migratedIndexes);
      // Rebuilt in the import: new files, written without WAL.
      for (const name of REBUILT) expect(files[name]).not.toBe(migratedFiles[name]);
      await checkIndexes(db, indexes);
      // Reads through the rebuilt indexes find the rows (an index scan, not the heap).
      await db.exec("SET enable_seqscan = off; SET enable_bitmapscan = off");
      const byAccount = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM leads WHERE account_id = (SELECT id FROM accounts WHERE domain = 'company7.example')",
      );
      expect(byAccount.rows[0]?.n).toBe(10);
      const mql = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM leads WHERE stage = 'mql' AND sla_due_at IS NOT NULL",
      );
      expect(mql.rows[0]?.n).toBe(ROWS / 3);
    } finally {
      await db.close();
    }
  }, 120_000);

  it("the check finds an index file that lost its last page (what a missed write at commit leaves)", async () => {
    const folder = join(dir, "after-commit");
    const first = await reopened(folder);
    const index = "leads_created";
    const path = first.files[index];
    await first.db.close();
    if (!path) throw new Error(`no file for ${index}`);
    const file = join(folder, path);
    truncateSync(file, statSync(file).size - 8192);
    const { db } = await reopened(folder);
    try {
      await expect(checkIndexes(db, [index])).rejects.toThrow();
    } finally {
      await db.close();
    }
  }, 120_000);

  it("killed in the middle of an import: none of it, the dropped indexes back and consistent", async () => {
    const folder = join(dir, "mid-import");
    await migratedPgliteFolder(folder);
    await runAndKill(folder, csv, "mid-import");
    const { db, indexes, counts } = await reopened(folder);
    try {
      expect(counts).toEqual({ accounts: 0, contacts: 0, leads: 0, lead_history: 0 });
      expect(indexes).toEqual(migratedIndexes);
      await checkIndexes(db, indexes);
      // The defaults the import gave lead_history for its transaction went with it.
      const defaults = await db.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns
         WHERE table_name = 'lead_history' AND column_default IS NOT NULL`,
      );
      expect(defaults.rows).toEqual([]);
      // The folder still takes writes through every index.
      await db.exec(
        "INSERT INTO accounts (id, name, domain) VALUES ('a-after-crash', 'After', 'after.example')",
      );
      await checkIndexes(db, indexes);
    } finally {
      await db.close();
    }
  }, 120_000);
});

// The full rescore's engine-level settings: PGlite's small buffer pool (its memory is this
// process's), and no JIT for the page statements on PostgreSQL.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { rescoreAll } from "../src/app/rescore-all.ts";
import { REFERENCE_MODEL_DOCUMENT } from "../src/demo/reference-model.ts";
import { PGLITE_SETTINGS } from "../src/storage/pglite/engine-settings.ts";
import { openPglite } from "../src/storage/pglite/open-pglite.ts";
import type { SqlClient, Storage, StoredScoringModel } from "../src/storage/ports.ts";
import { createStorage } from "../src/storage/storage.ts";
import { ENGINES, freshStorage, migratedPgliteFolder } from "./helpers/db.ts";

describe("PGlite engine settings", () => {
  it("a folder database and an in-memory one start with the small buffer pool", async () => {
    const want = Object.entries(PGLITE_SETTINGS);
    expect(want).toContainEqual(["shared_buffers", "16MB"]);
    const dir = mkdtempSync(join(tmpdir(), "winnow-pglite-settings-"));
    try {
      // A folder made from the migrated template, then opened again as the CLI and server do.
      await migratedPgliteFolder(join(dir, "db"));
      const memory = join(inject("pgliteTemplates"), "empty.tar.gz");
      for (const db of [
        await openPglite(join(dir, "db")),
        await openPglite("memory://", { template: memory }),
      ]) {
        try {
          for (const [name, value] of want) {
            const r = await db.query<Record<string, string>>(`SHOW ${name}`);
            expect(r.rows[0]?.[name]).toBe(value);
          }
          // initdb's postgresql.conf still applies for everything not set on the command line.
          const tz = await db.query<{ TimeZone: string }>("SHOW timezone");
          expect(tz.rows[0]?.TimeZone).toBe("UTC");
        } finally {
          await db.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Every statement of `sql`, and the JIT setting in force when the page write ran. */
function watched(sql: SqlClient, seen: { jit: string[]; texts: string[] }, engine: string): SqlClient {
  return {
    query: async (text, params, options) => {
      seen.texts.push(text);
      if (engine === "postgres" && text.includes("INSERT INTO lead_scores")) {
        const r = await sql.query<{ jit: string }>("SHOW jit");
        seen.jit.push(String(r.rows[0]?.jit));
      }
      return sql.query(text, params, options);
    },
    exec: (text) => {
      seen.texts.push(text);
      return sql.exec(text);
    },
    transaction: (fn) => sql.transaction((tx) => fn(watched(tx, seen, engine))),
  };
}

describe.each(ENGINES)("full rescore statements on %s", (engine) => {
  let storage: Storage;
  let model: StoredScoringModel;
  const LEADS = 120;
  const at = "2026-06-01T00:00:00.000Z";
  beforeAll(async () => {
    storage = await freshStorage(engine);
    await storage.sql.query(
      `INSERT INTO contacts (id) SELECT 'c' || lpad(g::text, 5, '0') FROM generate_series(1, $1::int) g`,
      [LEADS],
    );
    await storage.sql.query(
      `INSERT INTO leads (id, contact_id, stage_entered_at, created_at)
       SELECT 'l' || lpad(g::text, 5, '0'), 'c' || lpad(g::text, 5, '0'), $2::timestamptz, $2::timestamptz
       FROM generate_series(1, $1::int) g`,
      [LEADS, at],
    );
    const draft = await storage.scoringModels.createDraft({
      name: "reference",
      document: { ...REFERENCE_MODEL_DOCUMENT, id: "reference", name: "reference" },
      createdBy: "test",
      createdAt: at,
    });
    model = await storage.scoringModels.publish(draft.id, "test", at);
  });
  afterAll(async () => {
    await storage?.close();
  });

  it("writes every new score with its history entry; on PostgreSQL the page write runs without JIT", async () => {
    const seen = { jit: [] as string[], texts: [] as string[] };
    const db = storage.sql as SqlClient & { close(): Promise<void> };
    const counted = createStorage({ ...watched(db, seen, engine), engine, close: () => db.close() });
    const progress: number[] = [];
    const r = await rescoreAll(counted, model, {
      now: at,
      pageSize: 50,
      onProgress: (n) => void progress.push(n),
    });
    expect(r.written).toBe(LEADS);
    expect(progress).toEqual([50, 100, 120]);
    const history = await storage.sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM lead_history WHERE kind = 'score'",
    );
    expect(history.rows[0]?.n).toBe(LEADS);
    if (engine === "postgres") expect(seen.jit).toEqual(["off", "off", "off"]);
    else expect(seen.texts.some((t) => /\bjit\b/.test(t))).toBe(false);
  });
});

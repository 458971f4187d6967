import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import type { Storage } from "../src/storage/ports.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The Unix milliseconds in a version 7 id's first 48 bits. */
const msOf = (id: string) => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe.each(ENGINES)("stored event ids on %s", (engine) => {
  let storage: Storage;
  let leads: string[] = [];
  let n = 0;
  const group = (count: number) =>
    storage.events.ingest(
      Array.from({ length: count }, () => {
        const i = n++;
        return {
          key: i % 3 === 0 ? null : `ids-${i}`,
          leadId: leads[i % leads.length]!,
          type: "page_view",
          occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
          properties: { i },
        };
      }),
    );

  beforeAll(async () => {
    storage = await freshStorage(engine);
    await seedDemoWorkspace(storage, { leads: 5, accounts: 2 });
    leads = (await storage.sql.query<{ id: string }>("SELECT id FROM leads ORDER BY id")).rows.map(
      (r) => r.id,
    );
  }, 60_000);
  afterAll(async () => {
    await storage?.close();
  });

  it("are version 7 ids of the time they were stored, later groups sorting after earlier ones", async () => {
    const t0 = Date.now();
    const first = await group(10);
    await new Promise((resolve) => setTimeout(resolve, 3));
    const second = await group(10);
    const t1 = Date.now();
    for (const o of [...first, ...second]) {
      expect(o.status).toBe("created");
      expect(o.id).toMatch(V7);
      expect(msOf(o.id)).toBeGreaterThanOrEqual(t0);
      expect(msOf(o.id)).toBeLessThanOrEqual(t1);
    }
    const lastOfFirst = first.map((o) => o.id).sort()[first.length - 1]!;
    for (const o of second) expect(o.id > lastOfFirst).toBe(true);
    // What is stored is what was answered, each event once, with or without a key.
    const stored = await storage.sql.query<{ id: string }>(
      "SELECT id FROM events WHERE id = ANY($1::text[])",
      [[...first, ...second].map((o) => o.id)],
    );
    expect(stored.rows).toHaveLength(20);
  });

  it("a retried key answers the id stored the first time", async () => {
    const key = `retry-${Date.now()}`;
    const e = {
      key,
      leadId: leads[0]!,
      type: "email_click",
      occurredAt: "2026-01-02T00:00:00.000Z",
      properties: {},
    };
    const [a] = await storage.events.ingest([e]);
    await new Promise((resolve) => setTimeout(resolve, 3));
    const [b] = await storage.events.ingest([e]);
    expect(a?.status).toBe("created");
    expect(b).toEqual({ index: 0, id: a?.id, status: "duplicate" });
  });
});

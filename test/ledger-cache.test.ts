import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspace } from "../src/app/demo-workspace.ts";
import { rescoreLeads } from "../src/app/rescore-leads.ts";
import { createLedgerCache } from "../src/storage/ledger-cache.ts";
import type { SqlClient, SqlRow, Storage } from "../src/storage/ports.ts";
import { type LedgerLead, readLedgerLeads } from "../src/storage/rescore-pages.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";

const LEADS = 40;

/** What a whole read gives, in a comparable form: events by id in time order (same-instant events by id). */
const view = (leads: readonly LedgerLead[]) =>
  new Map(
    leads.map(({ lead, previous }) => [
      lead.lead.id,
      {
        previous,
        facts: { ...lead, events: undefined },
        events: [...lead.events].sort((x, y) => x.atMs - y.atMs || (x.id < y.id ? -1 : 1)),
      },
    ]),
  );

describe.each(ENGINES)("ledger cache of the after-ingest rescore on %s", (engine) => {
  let storage: Storage;
  let ids: string[] = [];
  let t0 = 0;
  let n = 0;
  // Events spread over the leads, times out of order (a client's clock), some at one instant.
  const ingest = (count: number, leads = ids) =>
    storage.events.ingest(
      Array.from({ length: count }, () => {
        const i = n++;
        return {
          key: `t-${i}`,
          leadId: leads[i % leads.length]!,
          type: ["pricing_page_view", "email_click", "page_view"][i % 3]!,
          occurredAt: new Date(t0 + ((i * 7919) % 5000) * 1000).toISOString(),
          properties: { path: `/p/${i % 4}` },
        };
      }),
    );
  const counting = (sql: SqlClient) => {
    const texts: string[] = [];
    const client: SqlClient = {
      query: <R extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]) => {
        texts.push(text);
        return sql.query<R>(text, params);
      },
      exec: (text) => sql.exec(text),
      transaction: (fn) => sql.transaction(fn),
    };
    return { client, texts };
  };

  beforeAll(async () => {
    storage = await freshStorage(engine);
    t0 = Date.parse((await seedDemoWorkspace(storage, { leads: LEADS, accounts: 10 })).asOf) - 86_400_000;
    ids = (await storage.sql.query<{ id: string }>("SELECT id FROM leads ORDER BY id")).rows.map((r) => r.id);
  }, 120_000);
  afterAll(async () => {
    await storage?.close();
  });

  it("gives every lead exactly its stored ledger, facts and score, run after run, with one statement a run", async () => {
    const { client, texts } = counting(storage.sql);
    const cache = createLedgerCache(client);
    for (let run = 0; run < 4; run++) {
      if (run > 0) await ingest(150, ids.slice(0, 30));
      texts.length = 0;
      const got = await cache.read(ids);
      expect(texts).toHaveLength(1);
      expect(view(got)).toEqual(view(await readLedgerLeads(storage.sql, ids)));
    }
    expect(cache.size().leads).toBe(LEADS);
    // Leads that do not exist are left out, as by a whole read.
    expect(await cache.read(["no-such-lead"])).toEqual([]);
  });

  it("reads a lead whole when an event it has not seen was received long before its last check (the count differs)", async () => {
    const { client, texts } = counting(storage.sql);
    const cache = createLedgerCache(client);
    const lead = ids[3]!;
    await cache.read(ids);
    // As a long import transaction would store it: received (its transaction began) an hour ago.
    await storage.sql.query(
      "INSERT INTO events (id, lead_id, type, occurred_at, properties, received_at) VALUES ($1, $2, 'demo_request', $3, '{}', now() - interval '1 hour')",
      [randomUUID(), lead, new Date(t0).toISOString()],
    );
    await ingest(20, [lead, ids[4]!]);
    texts.length = 0;
    const got = await cache.read([lead, ids[4]!]);
    // The recent events came with the first statement, then the lead was read whole.
    expect(texts).toHaveLength(2);
    expect(view(got)).toEqual(view(await readLedgerLeads(storage.sql, [lead, ids[4]!])));
    expect(got.find((l) => l.lead.lead.id === lead)?.lead.events.some((e) => e.type === "demo_request")).toBe(
      true,
    );
  });

  it("keeps at most maxEvents events (least recently used leads go), and stays exact", async () => {
    const cache = createLedgerCache(storage.sql, { maxEvents: 60 });
    for (let run = 0; run < 3; run++) {
      await ingest(40, ids.slice(run * 10, run * 10 + 10));
      const some = ids.slice(run * 10, run * 10 + 10);
      expect(view(await cache.read(some))).toEqual(view(await readLedgerLeads(storage.sql, some)));
      expect(cache.size().events).toBeLessThanOrEqual(60);
    }
  });

  it("scores as the whole read does (rescoreLeads with the cache as its reader)", async () => {
    const cache = createLedgerCache(storage.sql);
    const scorers = new Map();
    const at = (k: number) => new Date(t0 + 86_400_000 + k * 1000).toISOString();
    await rescoreLeads(storage, ids, at(0), scorers, cache.read);
    await ingest(90);
    const cached = await rescoreLeads(storage, ids, at(1), scorers, cache.read);
    const whole = await rescoreLeads(storage, ids, at(2), scorers);
    expect(cached.map((c) => ({ ...c.after, computedAt: null }))).toEqual(
      whole.map((c) => ({ ...c.after, computedAt: null })),
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storage } from "../src/storage/ports.ts";
import { freshStorage } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";

type Deal = {
  id: string;
  name: string;
  status: string;
  version: number;
  leadId: string | null;
  reason: string | null;
};

describe.each(ENGINES)("deals, accounts and contacts as lists (%s)", (engine) => {
  let storage: Storage;
  let t: TestApi;
  const lead: Record<"alice" | "bob", string> = { alice: "", bob: "" };
  beforeAll(async () => {
    storage = await freshStorage(engine);
    t = await startTestApi(storage);
    for (const owner of ["alice", "bob"] as const) {
      const res = await t.app.inject({
        method: "POST",
        url: "/v1/leads",
        headers: t.as(t.keys.manager),
        payload: {
          contact: { email: `${owner}-buyer@${owner}corp.example`, firstName: "Pat", lastName: owner },
          account: { name: `${owner} Corp`, domain: `${owner}corp.example`, industry: "software" },
          ownerId: owner,
        },
      });
      expect(res.statusCode).toBe(201);
      lead[owner] = res.json().lead.id;
    }
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
  });
  const call = (method: "GET" | "POST" | "PATCH", url: string, key: string, payload?: object) =>
    t.app.inject({ method, url, headers: t.as(key), ...(payload ? { payload } : {}) });

  it("opens deals, lists them newest first with filters and cursors", async () => {
    const made: Deal[] = [];
    for (let i = 0; i < 5; i++) {
      const owner = i % 2 ? "bob" : "alice";
      const res = await call("POST", "/v1/deals", t.keys.manager, {
        name: `Deal ${i} ${owner}`,
        leadId: lead[owner],
        amount: 1000 * (i + 1),
        currency: "EUR",
        createdAt: `2026-03-0${i + 1}T09:00:00Z`,
      });
      expect(res.statusCode, res.body).toBe(201);
      made.push(res.json());
    }
    expect(made[0]).toMatchObject({ status: "open", currency: "EUR", version: 1 });
    // The deal's account defaults to its lead's.
    const aliceLead = (await call("GET", `/v1/leads/${lead.alice}`, t.keys.manager)).json();
    expect((made[0] as Deal & { accountId: string }).accountId).toBe(aliceLead.lead.accountId);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call("GET", `/v1/deals?limit=2${cursor ? `&cursor=${cursor}` : ""}`, t.keys.manager);
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().data.map((d: Deal) => d.name));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual(["Deal 4 alice", "Deal 3 bob", "Deal 2 alice", "Deal 1 bob", "Deal 0 alice"]);
    const bobs = (await call("GET", "/v1/deals?ownerId=bob", t.keys.manager)).json().data;
    expect(bobs.map((d: Deal) => d.name)).toEqual(["Deal 3 bob", "Deal 1 bob"]);
    const search = (await call("GET", "/v1/deals?q=deal%202", t.keys.manager)).json().data;
    expect(search.map((d: Deal) => d.name)).toEqual(["Deal 2 alice"]);
    const bad = await call("GET", "/v1/deals?status=maybe", t.keys.manager);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().issues[0].path).toBe("query.status.0");
    expect((await call("GET", "/v1/deals?cursor=zzz", t.keys.manager)).statusCode).toBe(400);
  });

  it("keeps reps to deals of their own leads and ingest keys out", async () => {
    const mine = (await call("GET", "/v1/deals", t.keys.alice)).json().data;
    expect(mine.map((d: Deal) => d.name)).toEqual(["Deal 4 alice", "Deal 2 alice", "Deal 0 alice"]);
    expect((await call("GET", "/v1/deals?ownerId=bob", t.keys.alice)).statusCode).toBe(403);
    const bobsDeal = (await call("GET", "/v1/deals", t.keys.bob)).json().data[0] as Deal;
    expect((await call("GET", `/v1/deals/${bobsDeal.id}`, t.keys.alice)).statusCode).toBe(404);
    expect((await call("GET", `/v1/deals/${bobsDeal.id}`, t.keys.bob)).statusCode).toBe(200);
    const patch = await call("PATCH", `/v1/deals/${bobsDeal.id}`, t.keys.alice, {
      expectedVersion: 1,
      name: "x",
    });
    expect(patch.statusCode).toBe(404);
    const onBobsLead = await call("POST", "/v1/deals", t.keys.alice, { name: "sneaky", leadId: lead.bob });
    expect(onBobsLead.statusCode).toBe(404);
    const noLead = await call("POST", "/v1/deals", t.keys.alice, { name: "floating" });
    expect(noLead.statusCode).toBe(403);
    const own = await call("POST", "/v1/deals", t.keys.alice, { name: "Alice's own", leadId: lead.alice });
    expect(own.statusCode).toBe(201);
    for (const url of ["/v1/deals", `/v1/deals/${bobsDeal.id}`, "/v1/accounts", "/v1/contacts"])
      expect((await call("GET", url, t.keys.ingest)).statusCode).toBe(403);
    expect((await call("POST", "/v1/deals", t.keys.ingest, { name: "x" })).statusCode).toBe(403);
    const stillFive = (await call("GET", "/v1/deals?ownerId=bob", t.keys.manager)).json().data;
    expect(stillFive).toHaveLength(2);
  });

  it("edits with optimistic concurrency and refuses bad references", async () => {
    const deal = (await call("GET", "/v1/deals?q=deal%200", t.keys.manager)).json().data[0] as Deal;
    const ok = await call("PATCH", `/v1/deals/${deal.id}`, t.keys.alice, {
      expectedVersion: 1,
      amount: 4242,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ amount: 4242, version: 2 });
    const stale = await call("PATCH", `/v1/deals/${deal.id}`, t.keys.manager, {
      expectedVersion: 1,
      amount: 1,
    });
    expect(stale.statusCode).toBe(409);
    const badAccount = await call("PATCH", `/v1/deals/${deal.id}`, t.keys.manager, {
      expectedVersion: 2,
      accountId: "no-such-account",
    });
    expect(badAccount.statusCode).toBe(422);
    const badCurrency = await call("POST", "/v1/deals", t.keys.manager, { name: "x", currency: "euro" });
    expect(badCurrency.statusCode).toBe(422);
    expect(badCurrency.json().issues[0].path).toBe("body.currency");
    expect((await call("GET", `/v1/deals/${deal.id}`, t.keys.manager)).json()).toMatchObject({
      amount: 4242,
      version: 2,
    });
  });

  it("closes won or lost (a reason when lost) and moves an opportunity lead with it", async () => {
    // Bob's lead is an opportunity (put there directly: the lifecycle's own gates are tested elsewhere).
    await storage.sql.query("UPDATE leads SET stage = 'opportunity' WHERE id = $1", [lead.bob]);
    const deal = (await call("GET", "/v1/deals?ownerId=bob&q=deal%203", t.keys.manager)).json()
      .data[0] as Deal;
    const noReason = await call("POST", `/v1/deals/${deal.id}/close`, t.keys.bob, {
      expectedVersion: 1,
      outcome: "lost",
    });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json().code).toBe("WINNOW_ERR_REASON_REQUIRED");
    const lost = await call("POST", `/v1/deals/${deal.id}/close`, t.keys.bob, {
      expectedVersion: 1,
      outcome: "lost",
      reason: "budget",
    });
    expect(lost.statusCode, lost.body).toBe(200);
    expect(lost.json().deal).toMatchObject({ status: "lost", reason: "budget", version: 2 });
    expect(lost.json().lead).toMatchObject({ id: lead.bob, stage: "lost" });
    const again = await call("POST", `/v1/deals/${deal.id}/close`, t.keys.bob, {
      expectedVersion: 2,
      outcome: "won",
    });
    expect(again.statusCode).toBe(409);
    const other = (await call("GET", "/v1/deals?status=open&ownerId=alice", t.keys.manager)).json()
      .data[0] as Deal;
    const won = await call("POST", `/v1/deals/${other.id}/close`, t.keys.manager, {
      expectedVersion: other.version,
      outcome: "won",
      amount: 9000,
    });
    expect(won.statusCode).toBe(200);
    expect(won.json().deal).toMatchObject({ status: "won", amount: 9000 });
    expect(won.json().lead.stage).toBe("new"); // not an opportunity: the lead stays where it is
    const closed = (await call("GET", "/v1/deals?status=won,lost", t.keys.manager)).json().data;
    expect(closed.map((d: Deal) => d.status).sort()).toEqual(["lost", "won"]);
  });

  it("lists accounts and contacts with search and cursors", async () => {
    for (let i = 0; i < 3; i++)
      expect(
        (await call("POST", "/v1/accounts", t.keys.manager, { name: `Zeta ${i}`, industry: "retail" }))
          .statusCode,
      ).toBe(201);
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call("GET", `/v1/accounts?limit=2${cursor ? `&cursor=${cursor}` : ""}`, t.keys.alice);
      expect(res.statusCode).toBe(200);
      names.push(...res.json().data.map((a: { name: string }) => a.name));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(names).toEqual(["alice Corp", "bob Corp", "Zeta 0", "Zeta 1", "Zeta 2"]);
    const retail = (await call("GET", "/v1/accounts?industry=retail&q=zeta%201", t.keys.manager)).json().data;
    expect(retail.map((a: { name: string }) => a.name)).toEqual(["Zeta 1"]);
    const byDomain = (await call("GET", "/v1/accounts?q=bobcorp", t.keys.manager)).json().data;
    expect(byDomain).toHaveLength(1);
    const contacts = (await call("GET", "/v1/contacts?q=pat%20bob", t.keys.manager)).json();
    expect(contacts.data.map((c: { email: string }) => c.email)).toEqual(["bob-buyer@bobcorp.example"]);
    const ofAccount = (await call("GET", `/v1/contacts?accountId=${byDomain[0].id}`, t.keys.manager)).json()
      .data;
    expect(ofAccount).toHaveLength(1);
    const wrongCursor = await call(
      "GET",
      `/v1/contacts?cursor=${encodeURIComponent("eyJrIjoiZGVhbCJ9")}`,
      t.keys.manager,
    );
    expect(wrongCursor.statusCode).toBe(400);
  });
});

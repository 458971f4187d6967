import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storage } from "../src/storage/ports.ts";
import { freshStorage } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";

describe.each(ENGINES)("REST resources (%s)", (engine) => {
  let storage: Storage;
  let t: TestApi;
  const leadOf: Record<string, string> = {};
  beforeAll(async () => {
    storage = await freshStorage(engine);
    t = await startTestApi(storage);
    // Five leads: alice owns two, bob two, one unassigned.
    const owners = ["alice", "bob", "alice", "bob", null];
    for (const [i, ownerId] of owners.entries()) {
      const res = await t.app.inject({
        method: "POST",
        url: "/v1/leads",
        headers: t.as(t.keys.ingest),
        payload: {
          contact: { email: `p${i}@acme${i % 2}.example`, firstName: `P${i}`, seniority: "director" },
          account: { name: `Acme ${i % 2}`, domain: `acme${i % 2}.example`, industry: "software" },
          source: i % 2 ? "webinar" : "organic",
          ownerId,
          createdAt: `2026-0${i + 1}-01T10:00:00Z`,
        },
      });
      expect(res.statusCode).toBe(201);
      leadOf[`l${i}`] = res.json().lead.id;
    }
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
  });

  const get = (url: string, key: string) => t.app.inject({ url, headers: t.as(key) });

  it("captures leads, matching the account by domain and the contact by email", async () => {
    const again = await t.app.inject({
      method: "POST",
      url: "/v1/leads",
      headers: t.as(t.keys.ingest),
      payload: {
        contact: { email: "p0@acme0.example" },
        account: { name: "Acme 0 Inc", domain: "ACME0.example" },
      },
    });
    expect(again.statusCode).toBe(201);
    expect(again.json().created).toEqual({ account: false, contact: false });
    expect(again.json().lead).toMatchObject({ stage: "new", entryPath: "standard", version: 1 });
    const bad = await t.app.inject({
      method: "POST",
      url: "/v1/leads",
      headers: t.as(t.keys.ingest),
      payload: { contact: { email: "nope" }, entryPath: "x" },
    });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .issues.map((i: { path: string }) => i.path)
        .sort(),
    ).toEqual(["body.contact.email", "body.entryPath"]);
  });

  it("tells any key who it is (GET /v1/me)", async () => {
    const me = (await get("/v1/me", t.keys.ingest)).json();
    expect(me).toMatchObject({
      name: "ingest",
      role: "ingest",
      subject: null,
      permissions: ["events:write", "leads:write"],
    });
    expect((await get("/v1/me", t.keys.alice)).json()).toMatchObject({ role: "rep", subject: "alice" });
    expect((await t.app.inject({ url: "/v1/me" })).statusCode).toBe(401);
  });

  it("keeps ingest keys write-only", async () => {
    for (const url of [
      "/v1/leads",
      `/v1/leads/${leadOf["l0"]}`,
      "/v1/reports/funnel",
      "/v1/scoring-models",
    ]) {
      const res = await get(url, t.keys.ingest);
      expect(res.statusCode, url).toBe(403);
    }
    const patch = await t.app.inject({
      method: "PATCH",
      url: `/v1/leads/${leadOf["l0"]}`,
      headers: t.as(t.keys.ingest),
      payload: { expectedVersion: 1, source: "x" },
    });
    expect(patch.statusCode).toBe(403);
  });

  it("shows a rep only their own leads", async () => {
    const list = (await get("/v1/leads", t.keys.alice)).json();
    expect(list.data.map((i: { lead: { ownerId: string } }) => i.lead.ownerId)).toEqual(["alice", "alice"]);
    expect((await get(`/v1/leads/${leadOf["l0"]}`, t.keys.alice)).statusCode).toBe(200);
    const other = await get(`/v1/leads/${leadOf["l1"]}`, t.keys.alice);
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe("WINNOW_ERR_LEAD_NOT_FOUND");
    expect((await get(`/v1/leads/${leadOf["l1"]}/events`, t.keys.alice)).statusCode).toBe(404);
    expect((await get("/v1/leads?ownerId=bob", t.keys.alice)).statusCode).toBe(403);
    const handOff = await t.app.inject({
      method: "PATCH",
      url: `/v1/leads/${leadOf["l0"]}`,
      headers: t.as(t.keys.alice),
      payload: { expectedVersion: 1, ownerId: "bob" },
    });
    expect(handOff.statusCode).toBe(403);
    expect((await get("/v1/reports/funnel", t.keys.alice)).statusCode).toBe(403);
  });

  it("filters, sorts and pages the lead list with cursors", async () => {
    const all = (await get("/v1/leads?sort=createdAt&direction=asc&limit=500", t.keys.manager)).json().data;
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/leads?sort=createdAt&direction=asc&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page: { data: { lead: { id: string } }[]; nextCursor: string | null } = (
        await get(url, t.keys.manager)
      ).json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      pages.push(...page.data.map((i: { lead: { id: string } }) => i.lead.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all.map((i: { lead: { id: string } }) => i.lead.id));
    expect(new Set(pages).size).toBe(pages.length);
    const webinar = (await get("/v1/leads?source=webinar&ownerId=bob", t.keys.manager)).json().data;
    expect(webinar).toHaveLength(2);
    const repeated = (await get("/v1/leads?ownerId=none&stage=new&stage=mql", t.keys.manager)).json().data;
    const unassigned = (await get("/v1/leads?ownerId=none&stage=new,mql", t.keys.manager)).json().data;
    expect(repeated).toEqual(unassigned);
    expect(unassigned.map((i: { lead: { id: string } }) => i.lead.id)).toContain(leadOf["l4"]);
    expect(unassigned.every((i: { lead: { ownerId: string | null } }) => i.lead.ownerId === null)).toBe(true);
    const search = (await get("/v1/leads?q=p3%40", t.keys.manager)).json().data;
    expect(search.map((i: { email: string }) => i.email)).toEqual(["p3@acme1.example"]);
    const bad = await get("/v1/leads?stage=hot&limit=9999&sort=colour", t.keys.manager);
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .issues.map((i: { path: string }) => i.path)
        .sort(),
    ).toEqual(["query.limit", "query.sort", "query.stage.0"]);
    const cursorOfOtherSort = await get("/v1/leads?sort=fit&cursor=abc", t.keys.manager);
    expect(cursorOfOtherSort.statusCode).toBe(400);
  });

  it("ingests events durably and idempotently, single and batched", async () => {
    const ev = {
      key: "evt-1",
      leadId: leadOf["l0"],
      type: "pricing_page_view",
      occurredAt: "2026-02-01T10:00:00Z",
      properties: { path: "/pricing" },
    };
    const first = await t.app.inject({
      method: "POST",
      url: "/v1/events",
      headers: t.as(t.keys.ingest),
      payload: ev,
    });
    const retry = await t.app.inject({
      method: "POST",
      url: "/v1/events",
      headers: t.as(t.keys.ingest),
      payload: ev,
    });
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual({ ...first.json(), status: "duplicate" });
    const batch = await t.app.inject({
      method: "POST",
      url: "/v1/events/batch",
      headers: t.as(t.keys.ingest),
      payload: {
        events: [
          ev,
          { ...ev, key: "evt-2" },
          { ...ev, key: "evt-2" },
          { ...ev, key: undefined, type: "email_open" },
        ],
      },
    });
    expect(batch.json()).toMatchObject({ created: 2, duplicates: 2 });
    const broken = await t.app.inject({
      method: "POST",
      url: "/v1/events/batch",
      headers: t.as(t.keys.ingest),
      payload: {
        events: [
          { ...ev, key: "evt-3" },
          { ...ev, key: "evt-4", leadId: "missing" },
        ],
      },
    });
    expect(broken.statusCode).toBe(422);
    expect(broken.json().issues).toEqual([
      { path: "body.events.1.leadId", message: "lead missing does not exist" },
    ]);
    const events = (await get(`/v1/leads/${leadOf["l0"]}/events`, t.keys.alice)).json().data;
    expect(events.map((e: { idempotencyKey: string | null }) => e.idempotencyKey).sort()).toEqual([
      "evt-1",
      "evt-2",
      null,
    ]);
    const invalid = await t.app.inject({
      method: "POST",
      url: "/v1/events",
      headers: t.as(t.keys.ingest),
      payload: { ...ev, occurredAt: "yesterday" },
    });
    expect(invalid.json().issues[0].path).toBe("body.occurredAt");
    expect(
      (await t.app.inject({ method: "POST", url: "/v1/events", headers: t.as(t.keys.alice), payload: ev }))
        .statusCode,
    ).toBe(403);
  });

  it("edits with optimistic concurrency: a stale version answers 409", async () => {
    const id = leadOf["l2"];
    const ok = await t.app.inject({
      method: "PATCH",
      url: `/v1/leads/${id}`,
      headers: t.as(t.keys.alice),
      payload: { expectedVersion: 1, source: "referral" },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ source: "referral", version: 2 });
    const stale = await t.app.inject({
      method: "PATCH",
      url: `/v1/leads/${id}`,
      headers: t.as(t.keys.alice),
      payload: { expectedVersion: 1, source: "event" },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("WINNOW_ERR_STALE_WRITE");
    const moved = await t.app.inject({
      method: "PATCH",
      url: `/v1/leads/${id}`,
      headers: t.as(t.keys.manager),
      payload: { expectedVersion: 2, ownerId: "bob" },
    });
    expect(moved.json(), moved.body).toMatchObject({ ownerId: "bob" });
    const detail = (await get(`/v1/leads/${id}`, t.keys.bob)).json();
    expect(
      detail.history.map((h: { kind: string; before: unknown; after: unknown }) => [
        h.kind,
        h.before,
        h.after,
      ]),
    ).toContainEqual(["owner", { ownerId: "alice" }, { ownerId: "bob" }]);
  });

  it("creates, reads and edits accounts and contacts", async () => {
    const acc = await t.app.inject({
      method: "POST",
      url: "/v1/accounts",
      headers: t.as(t.keys.manager),
      payload: { name: "Globex", domain: "globex.example", employees: 1200 },
    });
    expect(acc.statusCode).toBe(201);
    const { id, version } = acc.json();
    expect((await get(`/v1/accounts/${id}`, t.keys.alice)).json().name).toBe("Globex");
    const edited = await t.app.inject({
      method: "PATCH",
      url: `/v1/accounts/${id}`,
      headers: t.as(t.keys.manager),
      payload: { expectedVersion: version, region: "EMEA" },
    });
    expect(edited.json()).toMatchObject({ region: "EMEA", version: version + 1 });
    expect((await get("/v1/accounts/nope", t.keys.manager)).json().code).toBe("WINNOW_ERR_ACCOUNT_NOT_FOUND");
    const con = await t.app.inject({
      method: "POST",
      url: "/v1/contacts",
      headers: t.as(t.keys.manager),
      payload: { accountId: id, email: "cfo@globex.example", buyingRole: "economic_buyer" },
    });
    expect(con.statusCode).toBe(201);
    expect((await get(`/v1/contacts/${con.json().id}`, t.keys.manager)).json().buyingRole).toBe(
      "economic_buyer",
    );
    const dangling = await t.app.inject({
      method: "POST",
      url: "/v1/contacts",
      headers: t.as(t.keys.manager),
      payload: { accountId: "nope", email: "x@y.example" },
    });
    expect(dangling.statusCode).toBe(422);
    expect((await get("/v1/contacts/nope", t.keys.manager)).statusCode).toBe(404);
  });

  it("logs activities on visible leads only", async () => {
    const url = `/v1/leads/${leadOf["l0"]}/activities`;
    const res = await t.app.inject({
      method: "POST",
      url,
      headers: t.as(t.keys.alice),
      payload: { type: "call", outcome: "no_answer", occurredAt: "2026-02-02T09:00:00Z" },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ by: "alice", type: "call", outcome: "no_answer" });
    expect((await get(url, t.keys.alice)).json().data).toHaveLength(1);
    const theirs = await t.app.inject({
      method: "POST",
      url,
      headers: t.as(t.keys.bob),
      payload: { type: "note", occurredAt: "2026-02-02T09:00:00Z", body: "hi" },
    });
    expect(theirs.statusCode).toBe(404);
  });

  it("reports the funnel, time in stage, rejection reasons and SLA breaches", async () => {
    const funnel = await get(
      "/v1/reports/funnel?from=2025-01-01T00:00:00Z&to=2027-01-01T00:00:00Z",
      t.keys.manager,
    );
    expect(funnel.statusCode).toBe(200);
    expect(funnel.json().steps[0]).toMatchObject({ stage: "new" });
    for (const r of ["time-in-stage", "rejection-reasons", "sla-breaches"]) {
      const res = await get(`/v1/reports/${r}`, t.keys.manager);
      expect(res.statusCode, r).toBe(200);
      expect(Array.isArray(res.json().data)).toBe(true);
    }
    const bad = await get(
      "/v1/reports/funnel?from=2027-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
      t.keys.manager,
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.json().issues[0].path).toBe("query.from");
  });

  it("drafts, validates and publishes scoring models", async () => {
    const bad = await t.app.inject({
      method: "POST",
      url: "/v1/scoring-models",
      headers: t.as(t.keys.manager),
      payload: { yaml: "id: m1\nname: X\nversion: 1\ncolour: red\n" },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().issues[0]).toMatchObject({ path: "body.yaml.colour", line: 4 });
    const draft = await t.app.inject({
      method: "POST",
      url: "/v1/scoring-models",
      headers: t.as(t.keys.manager),
      payload: { document: { id: "m1", name: "Main", version: 1 } },
    });
    expect(draft.statusCode).toBe(201);
    expect(draft.json()).toMatchObject({ name: "Main", status: "draft", version: 1 });
    const published = await t.app.inject({
      method: "POST",
      url: `/v1/scoring-models/${draft.json().id}/publish`,
      headers: t.as(t.keys.manager),
    });
    expect(published.json()).toMatchObject({ status: "published", publishedBy: "manager" });
    const def = await t.app.inject({
      method: "POST",
      url: `/v1/scoring-models/${draft.json().id}/default`,
      headers: t.as(t.keys.manager),
    });
    expect(def.json().isDefault).toBe(true);
    expect((await get("/v1/scoring-models", t.keys.alice)).json().data).toHaveLength(1);
    expect(
      (
        await t.app.inject({
          method: "POST",
          url: "/v1/scoring-models",
          headers: t.as(t.keys.alice),
          payload: { document: {} },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await t.app.inject({
          method: "POST",
          url: "/v1/scoring-models/nope/publish",
          headers: t.as(t.keys.manager),
        })
      ).statusCode,
    ).toBe(404);
  });
});

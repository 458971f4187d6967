import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../src/app/auth/password.ts";
import { changeUser } from "../src/app/auth/user-admin.ts";
import { sessionCookie } from "../src/http/auth/session-token.ts";
import { openStorage } from "../src/storage/open.ts";
import type { Storage } from "../src/storage/ports.ts";
import { sqlUserRepository } from "../src/storage/users-repo.ts";
import { winnow } from "./helpers/cli.ts";
import { freshStorage, migratedPgliteFolder } from "./helpers/db.ts";
import { ENGINES, startTestApi, type TestApi } from "./helpers/http.ts";

// Cheap scrypt so the suite stays quick; the parameters travel inside each hash.
const SCRYPT = { N: 1024, r: 8, p: 1 };
const PASSWORD = "correct horse battery";

type Session = { cookie: string; csrf: string; setCookie: string };

describe("passwords", () => {
  it("hash with a per-password salt and verify only the right password", async () => {
    const a = await hashPassword(PASSWORD, SCRYPT);
    const b = await hashPassword(PASSWORD, SCRYPT);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(PASSWORD, a)).toBe(true);
    expect(await verifyPassword("correct horse battery!", a)).toBe(false);
    expect(await verifyPassword(PASSWORD, "scrypt$1099511627776$8$1$AAAA$BBBB")).toBe(false);
  });
  it("mark the cookie Secure when asked (https)", () => {
    expect(sessionCookie("x".repeat(43), true)).toContain("; Secure");
    expect(sessionCookie("x".repeat(43), false)).not.toContain("Secure");
  });
});

describe.each(ENGINES)("user accounts and sessions (%s)", (engine) => {
  let storage: Storage;
  let t: TestApi;
  let clock = Date.parse("2026-06-01T09:00:00Z");
  const ids = { ada: "", alice: "", mo: "" };
  const leadOf: string[] = [];

  beforeAll(async () => {
    storage = await freshStorage(engine);
    t = await startTestApi(storage, {}, { now: () => new Date(clock), scrypt: SCRYPT });
    const make = async (body: Record<string, unknown>) => {
      const res = await t.app.inject({
        method: "POST",
        url: "/v1/users",
        headers: t.as(t.keys.admin),
        payload: body,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    ids.ada = (
      await make({ email: "Ada@Example.com", displayName: "Ada", role: "admin", password: PASSWORD })
    ).id;
    ids.alice = (
      await make({
        email: "alice@example.com",
        displayName: "Alice",
        role: "rep",
        ownerId: "alice",
        password: PASSWORD,
      })
    ).id;
    ids.mo = (
      await make({ email: "mo@example.com", displayName: "Mo", role: "manager", password: PASSWORD })
    ).id;
    for (const [i, ownerId] of ["alice", "bob", "alice"].entries()) {
      const res = await t.app.inject({
        method: "POST",
        url: "/v1/leads",
        headers: t.as(t.keys.ingest),
        payload: {
          contact: { email: `p${i}@acme.example` },
          account: { name: "Acme", domain: "acme.example" },
          ownerId,
        },
      });
      expect(res.statusCode).toBe(201);
      leadOf[i] = res.json().lead.id;
    }
  });
  afterAll(async () => {
    await t.close();
    await storage.close();
  });

  async function signIn(email: string, password = PASSWORD): Promise<Session> {
    const res = await t.app.inject({ method: "POST", url: "/v1/sessions", payload: { email, password } });
    expect(res.statusCode, res.body).toBe(201);
    const setCookie = String(res.headers["set-cookie"]);
    return { setCookie, cookie: setCookie.split(";")[0] as string, csrf: res.json().csrfToken };
  }
  const withCookie = (s: Session, csrf?: string) => ({
    cookie: s.cookie,
    ...(csrf ? { "x-winnow-csrf": csrf } : {}),
  });

  it("signs in with the right password (email in any case) and sets a locked-down cookie", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/sessions",
      payload: { email: "  ada@EXAMPLE.com ", password: PASSWORD },
    });
    expect(res.statusCode).toBe(201);
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/^winnow_session=[\w-]{43}; /);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/");
    expect(cookie).toContain("Max-Age=43200");
    expect(cookie).not.toContain("Secure"); // plain http here
    expect(res.json()).toMatchObject({
      name: "Ada",
      role: "admin",
      subject: null,
      user: { email: "Ada@Example.com" },
    });
    // The token is stored hashed only.
    const token = cookie.slice("winnow_session=".length, cookie.indexOf(";"));
    const { rows } = await storage.sql.query<{ token_hash: string }>("SELECT token_hash FROM user_sessions");
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.token_hash.includes(token))).toBe(false);

    const me = await t.app.inject({ url: "/v1/me", headers: { cookie: cookie.split(";")[0] as string } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      role: "admin",
      name: "Ada",
      user: { id: ids.ada, csrfToken: res.json().csrfToken },
    });
  });

  it("refuses a wrong password and an unknown email with the same answer", async () => {
    const wrong = await t.app.inject({
      method: "POST",
      url: "/v1/sessions",
      payload: { email: "mo@example.com", password: "nope nope nope" },
    });
    const unknown = await t.app.inject({
      method: "POST",
      url: "/v1/sessions",
      payload: { email: "nobody@example.com", password: "nope nope nope" },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().code).toBe("WINNOW_ERR_SIGN_IN_FAILED");
    const { instance: _a, ...w } = wrong.json();
    const { instance: _b, ...u } = unknown.json();
    expect(w).toEqual(u);
    expect(wrong.headers["set-cookie"]).toBeUndefined();
    await storage.sql.query("DELETE FROM sign_in_failures");
  });

  it("locks an email after five failures, even for the right password, until 15 minutes pass", async () => {
    const attempt = (password: string) =>
      t.app.inject({ method: "POST", url: "/v1/sessions", payload: { email: "mo@example.com", password } });
    for (let i = 0; i < 4; i++) expect((await attempt("wrong password")).statusCode).toBe(401);
    const fifth = await attempt("wrong password");
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json().code).toBe("WINNOW_ERR_SIGN_IN_LOCKED");
    expect(fifth.headers["retry-after"]).toBe("900");
    const right = await attempt(PASSWORD);
    expect(right.statusCode).toBe(429);
    // An unknown email locks the same way, so the lock reveals nothing.
    for (let i = 0; i < 4; i++)
      await t.app.inject({
        method: "POST",
        url: "/v1/sessions",
        payload: { email: "ghost@example.com", password: "x" },
      });
    expect(
      (
        await t.app.inject({
          method: "POST",
          url: "/v1/sessions",
          payload: { email: "ghost@example.com", password: "x" },
        })
      ).statusCode,
    ).toBe(429);
    clock += 15 * 60_000 + 1000;
    expect((await attempt(PASSWORD)).statusCode).toBe(201);
    expect(
      await storage.sql.query("SELECT 1 FROM sign_in_failures WHERE email = 'mo@example.com'"),
    ).toMatchObject({
      rows: [],
    });
  });

  it("refuses cookie requests that change data without the session's CSRF token", async () => {
    const s = await signIn("ada@example.com");
    const body = { email: "csrf@example.com", displayName: "C", role: "manager", password: PASSWORD };
    const none = await t.app.inject({
      method: "POST",
      url: "/v1/users",
      headers: withCookie(s),
      payload: body,
    });
    expect(none.statusCode).toBe(403);
    expect(none.json().code).toBe("WINNOW_ERR_CSRF");
    const other = await signIn("mo@example.com");
    const wrong = await t.app.inject({
      method: "POST",
      url: "/v1/users",
      headers: withCookie(s, other.csrf),
      payload: body,
    });
    expect(wrong.json().code).toBe("WINNOW_ERR_CSRF");
    expect((await t.app.inject({ url: "/v1/users?limit=1", headers: { cookie: s.cookie } })).statusCode).toBe(
      200,
    );
    const ok = await t.app.inject({
      method: "POST",
      url: "/v1/users",
      headers: withCookie(s, s.csrf),
      payload: body,
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(
      (await storage.sql.query("SELECT 1 FROM users WHERE email = 'csrf@example.com'")).rows,
    ).toHaveLength(1);
    // Bearer keys never need it.
    const key = await t.app.inject({
      method: "PATCH",
      url: `/v1/users/${ok.json().id}`,
      headers: t.as(t.keys.admin),
      payload: { displayName: "Cee" },
    });
    expect(key.statusCode).toBe(200);
  });

  it("keeps a rep user to their own leads and out of admin routes", async () => {
    const s = await signIn("alice@example.com");
    const list = await t.app.inject({ url: "/v1/leads", headers: { cookie: s.cookie } });
    expect(list.statusCode).toBe(200);
    const owners = list.json().data.map((i: { lead: { ownerId: string } }) => i.lead.ownerId);
    expect(owners).toEqual(["alice", "alice"]);
    expect(
      (await t.app.inject({ url: `/v1/leads/${leadOf[1]}`, headers: { cookie: s.cookie } })).statusCode,
    ).toBe(404);
    expect(
      (await t.app.inject({ url: `/v1/leads/${leadOf[0]}`, headers: { cookie: s.cookie } })).statusCode,
    ).toBe(200);
    const users = await t.app.inject({ url: "/v1/users", headers: { cookie: s.cookie } });
    expect(users.statusCode).toBe(403);
    expect(users.json().detail).toContain("rep user");
    const create = await t.app.inject({
      method: "POST",
      url: "/v1/users",
      headers: withCookie(s, s.csrf),
      payload: { email: "x@example.com", displayName: "X", role: "admin", password: PASSWORD },
    });
    expect(create.statusCode).toBe(403);
    const mgr = await signIn("mo@example.com");
    expect((await t.app.inject({ url: "/v1/users", headers: { cookie: mgr.cookie } })).statusCode).toBe(403);
    const all = await t.app.inject({ url: "/v1/leads", headers: { cookie: mgr.cookie } });
    expect(all.json().data).toHaveLength(3);
  });

  it("refuses a disabled user's session and sign-in, and lets them back when enabled", async () => {
    const s = await signIn("alice@example.com");
    const off = await t.app.inject({
      method: "PATCH",
      url: `/v1/users/${ids.alice}`,
      headers: t.as(t.keys.admin),
      payload: { disabled: true },
    });
    expect(off.statusCode).toBe(200);
    expect(off.json().disabledAt).not.toBeNull();
    expect((await t.app.inject({ url: "/v1/me", headers: { cookie: s.cookie } })).statusCode).toBe(401);
    const again = await t.app.inject({
      method: "POST",
      url: "/v1/sessions",
      payload: { email: "alice@example.com", password: PASSWORD },
    });
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe("WINNOW_ERR_SIGN_IN_FAILED");
    await t.app.inject({
      method: "PATCH",
      url: `/v1/users/${ids.alice}`,
      headers: t.as(t.keys.admin),
      payload: { disabled: false },
    });
    await storage.sql.query("DELETE FROM sign_in_failures");
    await signIn("alice@example.com");
  });

  it("refuses an expired session and ends a session on sign-out", async () => {
    const s = await signIn("mo@example.com");
    expect((await t.app.inject({ url: "/v1/me", headers: { cookie: s.cookie } })).statusCode).toBe(200);
    clock += 12 * 60 * 60_000 + 1000;
    const expired = await t.app.inject({ url: "/v1/me", headers: { cookie: s.cookie } });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe("WINNOW_ERR_UNAUTHORIZED");

    const s2 = await signIn("mo@example.com");
    expect(
      (await t.app.inject({ method: "DELETE", url: "/v1/sessions", headers: withCookie(s2) })).statusCode,
    ).toBe(403);
    const out = await t.app.inject({
      method: "DELETE",
      url: "/v1/sessions",
      headers: withCookie(s2, s2.csrf),
    });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers["set-cookie"])).toMatch(/^winnow_session=; .*Max-Age=0/);
    expect((await t.app.inject({ url: "/v1/me", headers: { cookie: s2.cookie } })).statusCode).toBe(401);
    // A made-up cookie is no better.
    expect(
      (await t.app.inject({ url: "/v1/me", headers: { cookie: `winnow_session=${"a".repeat(43)}` } }))
        .statusCode,
    ).toBe(401);
  });

  it("invites a user with a one-time token and resets passwords, signing the user out", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/users",
      headers: t.as(t.keys.admin),
      payload: { email: "bob@example.com", displayName: "Bob", role: "rep", ownerId: "bob" },
    });
    expect(res.statusCode).toBe(201);
    const { invite, id } = res.json();
    expect(invite.token).toMatch(/^[\w-]{43}$/);
    expect(res.json().hasPassword).toBe(false);
    const listed = await t.app.inject({ url: "/v1/users", headers: t.as(t.keys.admin) });
    expect(listed.body).not.toContain(invite.token);
    expect(listed.body).not.toContain("scrypt$");
    const accepted = await t.app.inject({
      method: "POST",
      url: "/v1/sessions/invite",
      payload: { token: invite.token, password: "bobs new password" },
    });
    expect(accepted.statusCode, accepted.body).toBe(201);
    expect(accepted.json()).toMatchObject({ role: "rep", subject: "bob" });
    const reused = await t.app.inject({
      method: "POST",
      url: "/v1/sessions/invite",
      payload: { token: invite.token, password: "another password" },
    });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().code).toBe("WINNOW_ERR_INVITE_INVALID");

    const s = await signIn("bob@example.com", "bobs new password");
    const reset = await t.app.inject({
      method: "POST",
      url: `/v1/users/${id}/password`,
      headers: t.as(t.keys.admin),
      payload: { password: "short" },
    });
    expect(reset.statusCode).toBe(422);
    expect(reset.json().issues[0].path).toBe("body.password");
    const set = await t.app.inject({
      method: "POST",
      url: `/v1/users/${id}/password`,
      headers: t.as(t.keys.admin),
      payload: { password: "bobs reset password" },
    });
    expect(set.statusCode).toBe(200);
    expect(set.json().invite).toBeNull();
    expect((await t.app.inject({ url: "/v1/me", headers: { cookie: s.cookie } })).statusCode).toBe(401);
    await signIn("bob@example.com", "bobs reset password");

    // An empty reset issues a one-time token; redeemed twice at once, it works once.
    const again = await t.app.inject({
      method: "POST",
      url: `/v1/users/${id}/password`,
      headers: t.as(t.keys.admin),
      payload: {},
    });
    expect(again.json()).toMatchObject({ hasPassword: false, invite: { token: expect.any(String) } });
    const redeem = (password: string) =>
      t.app.inject({
        method: "POST",
        url: "/v1/sessions/invite",
        payload: { token: again.json().invite.token, password },
      });
    const both = await Promise.all([redeem("first new password"), redeem("second new password")]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 400]);
  });

  it("lets a signed-in user change their own password: current one checked (counts toward the lockout), other sessions end", async () => {
    const made = await t.app.inject({
      method: "POST",
      url: "/v1/users",
      headers: t.as(t.keys.admin),
      payload: { email: "pat@example.com", displayName: "Pat", role: "manager", password: PASSWORD },
    });
    expect(made.statusCode, made.body).toBe(201);
    const here = await signIn("pat@example.com");
    const other = await signIn("pat@example.com");
    const change = (s: Session | null, body: Record<string, unknown>, csrf = s?.csrf) =>
      t.app.inject({
        method: "PUT",
        url: "/v1/me/password",
        headers: s ? withCookie(s, csrf) : t.as(t.keys.manager),
        payload: body,
      });
    const NEW = "a brand new passphrase";
    // API keys have no password; cookie writes need the CSRF header.
    expect((await change(null, { currentPassword: PASSWORD, newPassword: NEW })).statusCode).toBe(403);
    const noCsrf = await change(here, { currentPassword: PASSWORD, newPassword: NEW }, "");
    expect(noCsrf.json().code).toBe("WINNOW_ERR_CSRF");
    const short = await change(here, { currentPassword: PASSWORD, newPassword: "short" });
    expect(short.statusCode).toBe(422);
    // A wrong current password is refused without signing the user out, and counts toward the lockout.
    const wrong = await change(here, { currentPassword: "not my password", newPassword: NEW });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().issues).toEqual([
      { path: "body.currentPassword", message: "is not your current password" },
    ]);
    expect((await t.app.inject({ url: "/v1/me", headers: withCookie(here) })).statusCode).toBe(200);
    for (let i = 0; i < 3; i++)
      expect((await change(here, { currentPassword: "nope nope", newPassword: NEW })).statusCode).toBe(422);
    const fifth = await change(here, { currentPassword: "nope nope", newPassword: NEW });
    expect(fifth.statusCode).toBe(429);
    expect(fifth.headers["retry-after"]).toBe("900");
    expect((await change(here, { currentPassword: PASSWORD, newPassword: NEW })).statusCode).toBe(429);
    clock += 15 * 60_000 + 1000;

    const done = await change(here, { currentPassword: PASSWORD, newPassword: NEW });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ endedSessions: 1 });
    expect((await t.app.inject({ url: "/v1/me", headers: withCookie(here) })).statusCode).toBe(200);
    expect((await t.app.inject({ url: "/v1/me", headers: withCookie(other) })).statusCode).toBe(401);
    const old = await t.app.inject({
      method: "POST",
      url: "/v1/sessions",
      payload: { email: "pat@example.com", password: PASSWORD },
    });
    expect(old.statusCode).toBe(401);
    await signIn("pat@example.com", NEW);
  });

  it("validates users: taken email (any case), rep without owner id, last enabled admin", async () => {
    const dup = await t.app.inject({
      method: "POST",
      url: "/v1/users",
      headers: t.as(t.keys.admin),
      payload: { email: "ADA@example.com", displayName: "Ada 2", role: "admin", password: PASSWORD },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe("WINNOW_ERR_EMAIL_TAKEN");
    const rep = await t.app.inject({
      method: "POST",
      url: "/v1/users",
      headers: t.as(t.keys.admin),
      payload: { email: "r@example.com", displayName: "R", role: "rep", password: PASSWORD },
    });
    expect(rep.statusCode).toBe(422);
    expect(rep.json().issues[0].path).toBe("body.ownerId");
    const bad = await t.app.inject({
      method: "POST",
      url: "/v1/users",
      headers: t.as(t.keys.admin),
      payload: { email: "not-an-email", displayName: "R", role: "manager", password: PASSWORD },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().issues[0].path).toBe("email");
    const last = await t.app.inject({
      method: "PATCH",
      url: `/v1/users/${ids.ada}`,
      headers: t.as(t.keys.admin),
      payload: { role: "manager" },
    });
    expect(last.statusCode).toBe(409);
    expect(last.json().code).toBe("WINNOW_ERR_LAST_ADMIN");
    expect(
      (await t.app.inject({ url: `/v1/users/${ids.ada}`, headers: t.as(t.keys.admin) })).json().role,
    ).toBe("admin");
  });

  it("two admins demoted at the same moment: exactly one change goes through, an admin remains", async () => {
    const second = await t.app.inject({
      method: "POST",
      url: "/v1/users",
      headers: t.as(t.keys.admin),
      payload: { email: "grace@example.com", displayName: "Grace", role: "admin", password: PASSWORD },
    });
    expect(second.statusCode).toBe(201);
    const demote = (id: string) =>
      t.app.inject({
        method: "PATCH",
        url: `/v1/users/${id}`,
        headers: t.as(t.keys.admin),
        payload: { disabled: true },
      });
    const answers = await Promise.all([demote(ids.ada!), demote(second.json().id)]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    // The same race straight at the use case, where the requests' own queries do not space the two
    // apart: both read the admins before either writes.
    const third = await t.app.inject({
      method: "POST",
      url: "/v1/users",
      headers: t.as(t.keys.admin),
      payload: { email: "hopper@example.com", displayName: "Hopper", role: "admin", password: PASSWORD },
    });
    const remaining = answers[0]!.statusCode === 200 ? second.json().id : ids.ada!;
    const users = sqlUserRepository(storage.sql);
    const clockNow = { now: new Date(clock), ids: () => "x" };
    const raced = await Promise.allSettled([
      changeUser(users, remaining, { disabled: true }, clockNow),
      changeUser(users, third.json().id, { disabled: true }, clockNow),
    ]);
    expect(raced.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const admins = (
      (await t.app.inject({ url: "/v1/users", headers: t.as(t.keys.admin) })).json().data as {
        role: string;
        disabledAt: string | null;
      }[]
    ).filter((u) => u.role === "admin" && u.disabledAt === null);
    expect(admins).toHaveLength(1);
  });
});

describe("winnow users (embedded database)", () => {
  const dir = mkdtempSync(join(tmpdir(), "winnow-users-"));
  const db = join(dir, ".winnow");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("adds the first admin, lists, resets a password and disables from the command line", {
    timeout: 120_000,
  }, async () => {
    await migratedPgliteFolder(db);
    const added = await winnow([
      "users",
      "add",
      "--email",
      "Root@Example.com",
      "--role",
      "admin",
      "--json",
      "--db",
      db,
    ]);
    expect(added.code, added.stderr).toBe(0);
    const admin = JSON.parse(added.stdout);
    expect(admin).toMatchObject({ email: "Root@Example.com", role: "admin", hasPassword: true });
    expect(admin.password).toMatch(/^[\w-]{16}$/);
    const rep = await winnow(["users", "add", "--email", "r@example.com", "--role", "rep", "--db", db]);
    expect(rep.code).toBe(2);
    expect(rep.stderr).toContain("--owner");
    const invited = await winnow([
      "users",
      "add",
      "--email",
      "r@example.com",
      "--role",
      "rep",
      "--owner",
      "rep-9",
      "--invite",
      "--db",
      db,
    ]);
    expect(invited.code, invited.stderr).toBe(0);
    expect(invited.stdout).toMatch(/invite token: [\w-]{43}/);
    const dup = await winnow([
      "users",
      "add",
      "--email",
      "root@example.com",
      "--role",
      "manager",
      "--db",
      db,
    ]);
    expect(dup.code).toBe(5);
    const listed = await winnow(["users", "list", "--db", db]);
    expect(listed.stdout).toContain("Root@Example.com");
    expect(listed.stdout).toMatch(/r@example\.com .*owner id rep-9.*invite pending/);
    expect(listed.stdout).not.toContain(admin.password);
    const last = await winnow(["users", "disable", "root@example.com", "--db", db]);
    expect(last.code).toBe(5);
    expect(last.stderr).toContain("no enabled admin");
    const reset = await winnow([
      "users",
      "password",
      "r@example.com",
      "--password",
      "a long password",
      "--db",
      db,
    ]);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).not.toContain("a long password");
    const off = await winnow(["users", "disable", "r@example.com", "--json", "--db", db]);
    expect(JSON.parse(off.stdout).disabledAt).not.toBeNull();
    const missing = await winnow(["users", "password", "nobody@example.com", "--db", db]);
    expect(missing.code).toBe(4);
    // The password printed for the admin really signs in.
    const storage = await openStorage({ engine: "pglite", dataDir: db });
    try {
      const t = await startTestApi(storage);
      const res = await t.app.inject({
        method: "POST",
        url: "/v1/sessions",
        payload: { email: "root@example.com", password: admin.password },
      });
      expect(res.statusCode, res.body).toBe(201);
      await t.close();
    } finally {
      await storage.close();
    }
  });
});

describe("sign-in rate limit", () => {
  it("lets one address try 30 sign-ins a minute when the server's rate limit is on", async () => {
    const storage = await freshStorage("pglite");
    const t = await startTestApi(storage, { rateLimit: { max: 1000, windowMs: 1000 } }, { scrypt: SCRYPT });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 31; i++) {
        const res = await t.app.inject({
          method: "POST",
          url: "/v1/sessions",
          payload: { email: `guess${i}@example.com`, password: "guess guess" },
        });
        codes.push(res.statusCode);
      }
      expect(codes.slice(0, 30).every((c) => c === 401)).toBe(true);
      expect(codes[30]).toBe(429);
      // Other routes keep the server-wide limit.
      expect((await t.app.inject({ url: "/v1/me", headers: t.as(t.keys.admin) })).statusCode).toBe(200);
    } finally {
      await t.close();
      await storage.close();
    }
  });
});

describe("winnow serve --log", () => {
  it("logs sign-in requests without passwords, session tokens or CSRF tokens", {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "winnow-users-log-"));
    const db = join(dir, ".winnow");
    const password = "a password for the log test";
    await migratedPgliteFolder(db);
    const added = await winnow([
      "users",
      "add",
      "--email",
      "log@example.com",
      "--role",
      "admin",
      "--password",
      password,
      "--db",
      db,
    ]);
    expect(added.code, added.stderr).toBe(0);
    const child = spawn(
      process.execPath,
      [resolve(import.meta.dirname, "../bin/winnow.js"), "serve", "--log", "--port", "0", "--db", db],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (d) => {
      out += String(d);
    });
    child.stderr.on("data", (d) => {
      out += String(d);
    });
    try {
      const url = await new Promise<string>((ok, fail) => {
        const timer = setInterval(() => {
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m?.[1]) {
            clearInterval(timer);
            ok(m[1]);
          } else if (child.exitCode !== null) {
            clearInterval(timer);
            fail(new Error(out));
          }
        }, 100);
      });
      const res = await fetch(`${url}/v1/sessions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "log@example.com", password }),
      });
      expect(res.status).toBe(201);
      const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] as string;
      const { csrfToken } = (await res.json()) as { csrfToken: string };
      expect((await fetch(`${url}/v1/me`, { headers: { cookie } })).status).toBe(200);
      const bye = await fetch(`${url}/v1/sessions`, {
        method: "DELETE",
        headers: { cookie, "x-winnow-csrf": csrfToken },
      });
      expect(bye.status).toBe(204);
      await new Promise((r) => setTimeout(r, 300));
      expect(out).toContain('"url":"/v1/sessions"');
      expect(out).not.toContain(password);
      expect(out).not.toContain(cookie.slice("winnow_session=".length));
      expect(out).not.toContain(csrfToken);
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

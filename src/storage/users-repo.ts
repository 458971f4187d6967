import type { Instant } from "../core/records.ts";
import { type ApiSql, instant, optionalInstant } from "./api-sql.ts";
import type { SignInThrottle, UserPatch, UserRecord, UserRepository } from "./users-ports.ts";

type Row = {
  id: string;
  email: string;
  display_name: string;
  role: string;
  owner_id: string | null;
  disabled_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
  has_password: boolean;
  invite_expires: Date | string | null;
};

/** The public columns of `users` (never the hashes), optionally qualified by a table alias. */
function columns(t = ""): string {
  const q = t ? `${t}.` : "";
  return `${q}id, ${q}email, ${q}display_name, ${q}role, ${q}owner_id, ${q}disabled_at, ${q}created_at, ${q}updated_at, ${q}password_hash IS NOT NULL AS has_password, ${q}invite_expires`;
}
const COLUMNS = columns();

function toUser(r: Row): UserRecord {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    role: r.role,
    ownerId: r.owner_id,
    disabledAt: optionalInstant(r.disabled_at),
    createdAt: instant(r.created_at),
    updatedAt: instant(r.updated_at),
    hasPassword: r.has_password,
    inviteExpires: optionalInstant(r.invite_expires),
  };
}

/** Patch fields → columns (only these can be set; values always go as parameters). */
const PATCH_COLUMNS = {
  displayName: "display_name",
  role: "role",
  ownerId: "owner_id",
  disabledAt: "disabled_at",
  passwordHash: "password_hash",
  inviteHash: "invite_hash",
  inviteExpires: "invite_expires",
} as const satisfies Record<keyof UserPatch, string>;

type ThrottleRow = { failures: number; last_failure: Date | string; locked_until: Date | string | null };

/** Users, sessions and sign-in failures in SQL (PGlite or PostgreSQL). */
async function updateUser(
  sql: ApiSql,
  id: string,
  patch: UserPatch,
  at: Instant,
): Promise<UserRecord | null> {
  const sets: string[] = [];
  const params: unknown[] = [id, at];
  for (const [field, column] of Object.entries(PATCH_COLUMNS)) {
    const value = patch[field as keyof UserPatch];
    if (value === undefined) continue;
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  }
  const { rows } = await sql.query<Row>(
    `UPDATE users SET ${[...sets, "updated_at = $2"].join(", ")} WHERE id = $1 RETURNING ${COLUMNS}`,
    params,
  );
  return rows[0] ? toUser(rows[0]) : null;
}

export function sqlUserRepository(sql: ApiSql): UserRepository {
  return {
    async create(u) {
      const { rows } = await sql.query<Row>(
        `INSERT INTO users (id, email, display_name, role, owner_id, password_hash, invite_hash, invite_expires, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
         ON CONFLICT ((lower(email))) DO NOTHING RETURNING ${COLUMNS}`,
        [
          u.id,
          u.email,
          u.displayName,
          u.role,
          u.ownerId,
          u.passwordHash,
          u.inviteHash,
          u.inviteExpires,
          u.createdAt,
        ],
      );
      return rows[0] ? toUser(rows[0]) : null;
    },
    async get(id) {
      const { rows } = await sql.query<Row>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
      return rows[0] ? toUser(rows[0]) : null;
    },
    async findByEmail(email) {
      const { rows } = await sql.query<Row & { password_hash: string | null }>(
        `SELECT ${COLUMNS}, password_hash FROM users WHERE lower(email) = lower($1)`,
        [email],
      );
      const r = rows[0];
      return r ? { user: toUser(r), passwordHash: r.password_hash } : null;
    },
    async findByInvite(inviteHash, at) {
      const { rows } = await sql.query<Row>(
        `SELECT ${COLUMNS} FROM users WHERE invite_hash = $1 AND invite_expires > $2`,
        [inviteHash, at],
      );
      return rows[0] ? toUser(rows[0]) : null;
    },
    async list() {
      const { rows } = await sql.query<Row>(`SELECT ${COLUMNS} FROM users ORDER BY lower(email), id`);
      return rows.map(toUser);
    },
    async count() {
      const { rows } = await sql.query<{ n: number | string }>("SELECT count(*) AS n FROM users");
      return Number(rows[0]?.n ?? 0);
    },
    update: (id, patch, at) => updateUser(sql, id, patch, at),
    updateKeepingAnAdmin(id, patch, at) {
      return sql.transaction(async (tx) => {
        // One lock for every change of who the admins are: the count below cannot go stale.
        await tx.query("SELECT pg_advisory_xact_lock(hashtext('winnow.users.admins'))");
        const { rows } = await tx.query<{ n: number | string }>(
          "SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1",
          [id],
        );
        if (Number(rows[0]?.n ?? 0) === 0) return "last-admin" as const;
        return updateUser(tx, id, patch, at);
      });
    },
    async redeemInvite(inviteHash, passwordHash, at) {
      const { rows } = await sql.query<Row>(
        `UPDATE users SET password_hash = $2, invite_hash = NULL, invite_expires = NULL, updated_at = $3
         WHERE invite_hash = $1 AND invite_expires > $3 AND disabled_at IS NULL RETURNING ${COLUMNS}`,
        [inviteHash, passwordHash, at],
      );
      return rows[0] ? toUser(rows[0]) : null;
    },

    async createSession(s) {
      await sql.query(
        "INSERT INTO user_sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        [s.tokenHash, s.userId, s.createdAt, s.expiresAt],
      );
    },
    async sessionUser(tokenHash, at) {
      const { rows } = await sql.query<Row>(
        `SELECT ${columns("u")}
         FROM user_sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2`,
        [tokenHash, at],
      );
      return rows[0] ? toUser(rows[0]) : null;
    },
    async deleteSession(tokenHash) {
      await sql.query("DELETE FROM user_sessions WHERE token_hash = $1", [tokenHash]);
    },
    async deleteSessionsOf(userId) {
      const { rowCount } = await sql.query("DELETE FROM user_sessions WHERE user_id = $1", [userId]);
      return rowCount;
    },
    async changePassword(userId, passwordHash, keepTokenHash, at) {
      return sql.transaction(async (tx) => {
        const { rowCount } = await tx.query(
          "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1 AND disabled_at IS NULL",
          [userId, passwordHash, at],
        );
        if (rowCount === 0) return null;
        const ended = await tx.query("DELETE FROM user_sessions WHERE user_id = $1 AND token_hash <> $2", [
          userId,
          keepTokenHash,
        ]);
        return ended.rowCount;
      });
    },
    async purgeExpiredSessions(at) {
      const { rowCount } = await sql.query("DELETE FROM user_sessions WHERE expires_at <= $1", [at]);
      return rowCount;
    },

    async throttle(email) {
      const { rows } = await sql.query<ThrottleRow>(
        "SELECT failures, last_failure, locked_until FROM sign_in_failures WHERE email = $1",
        [email.toLowerCase()],
      );
      const r = rows[0];
      return r ? { failures: r.failures, lockedUntil: optionalInstant(r.locked_until) } : null;
    },
    async recordFailure(email, at, policy) {
      const key = email.toLowerCase();
      return sql.transaction(async (tx): Promise<SignInThrottle> => {
        const { rows } = await tx.query<ThrottleRow>(
          "SELECT failures, last_failure, locked_until FROM sign_in_failures WHERE email = $1 FOR UPDATE",
          [key],
        );
        const now = Date.parse(at);
        const prev = rows[0];
        // A lock that ran out, or failures long ago, start the count again.
        const stale =
          !prev ||
          now - Date.parse(instant(prev.last_failure)) > policy.windowMs ||
          (prev.locked_until !== null && Date.parse(instant(prev.locked_until)) <= now);
        const failures = stale ? 1 : prev.failures + 1;
        const lockedUntil: Instant | null =
          failures >= policy.maxFailures ? new Date(now + policy.lockMs).toISOString() : null;
        await tx.query(
          `INSERT INTO sign_in_failures (email, failures, last_failure, locked_until) VALUES ($1, $2, $3, $4)
           ON CONFLICT (email) DO UPDATE SET failures = $2, last_failure = $3, locked_until = $4`,
          [key, failures, at, lockedUntil],
        );
        return { failures, lockedUntil };
      });
    },
    async clearFailures(email) {
      await sql.query("DELETE FROM sign_in_failures WHERE email = $1", [email.toLowerCase()]);
    },
  };
}

-- User accounts for the web app: people sign in with email and password and get a session cookie.
-- API keys (0100) stay for programs. Only hashes of secrets are stored: passwords as scrypt
-- (salt and cost parameters inside the encoded hash), session and invite tokens as SHA-256.

CREATE TABLE IF NOT EXISTS users (
  id             text PRIMARY KEY,
  -- stored as typed; unique without regard to case (users_email_lower)
  email          text NOT NULL,
  display_name   text NOT NULL,
  role           text NOT NULL CHECK (role IN ('admin', 'manager', 'rep')),
  -- the owner id a rep acts as (leads.owner_id); null for other roles
  owner_id       text,
  -- `scrypt$N$r$p$salt$hash` (base64url); null until an invited user sets a password
  password_hash  text,
  -- SHA-256 of a one-time invite / reset token, with its expiry
  invite_hash    text UNIQUE,
  invite_expires timestamptz,
  disabled_at    timestamptz,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  CHECK (role <> 'rep' OR owner_id IS NOT NULL)
);
CREATE UNIQUE INDEX IF NOT EXISTS users_email_lower ON users (lower(email));

CREATE TABLE IF NOT EXISTS user_sessions (
  -- SHA-256 of the random token in the cookie; the token itself is never stored
  token_hash  text PRIMARY KEY,
  user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS user_sessions_user ON user_sessions (user_id);
CREATE INDEX IF NOT EXISTS user_sessions_expiry ON user_sessions (expires_at);

-- Failed sign-ins per email (lower-cased), whether or not a user has that email, so that the
-- lockout does not reveal which emails exist.
CREATE TABLE IF NOT EXISTS sign_in_failures (
  email         text PRIMARY KEY,
  failures      integer NOT NULL,
  last_failure  timestamptz NOT NULL,
  locked_until  timestamptz
);

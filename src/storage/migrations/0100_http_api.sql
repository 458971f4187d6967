-- HTTP API: API keys (hashed), webhook subscriptions and their delivery log, idempotency keys.

CREATE TABLE IF NOT EXISTS api_keys (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('admin', 'manager', 'rep', 'ingest')),
  -- the owner id a rep key acts as (leads.owner_id); null for other roles
  subject     text,
  key_hash    text NOT NULL UNIQUE,
  hint        text NOT NULL,
  created_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);

CREATE TABLE IF NOT EXISTS webhook_subscriptions (
  id          text PRIMARY KEY,
  url         text NOT NULL,
  events      text[] NOT NULL,
  -- kept in clear: it signs every delivery (HMAC), so it cannot be a one-way hash
  secret      text NOT NULL,
  description text,
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id              text PRIMARY KEY,
  subscription_id text NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  event           text NOT NULL,
  payload         text NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_status     integer,
  last_error      text,
  created_at      timestamptz NOT NULL,
  delivered_at    timestamptz
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_subscription ON webhook_deliveries (subscription_id, created_at DESC);

CREATE TABLE IF NOT EXISTS idempotency_keys (
  scope         text NOT NULL,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  status        integer,
  response      text,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (scope, key)
);

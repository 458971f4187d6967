-- Winnow's first schema: the funnel's records, append-only history, SLA breaches, and the tables the
-- scoring engine writes (models, current scores). Ids are text (client-supplied or random UUIDs).
-- Every mutable record has a `version` for optimistic concurrency.

CREATE TABLE accounts (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  name text NOT NULL,
  domain text UNIQUE CHECK (domain IS NULL OR domain = lower(domain)),
  industry text,
  employees integer CHECK (employees IS NULL OR employees >= 0),
  annual_revenue double precision CHECK (annual_revenue IS NULL OR annual_revenue >= 0),
  country text,
  region text,
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE contacts (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  account_id text REFERENCES accounts(id),
  email text UNIQUE CHECK (email IS NULL OR email = lower(email)),
  first_name text,
  last_name text,
  title text,
  seniority text CHECK (seniority IN ('intern', 'individual', 'manager', 'director', 'vp', 'c_level', 'owner')),
  buying_role text CHECK (buying_role IN ('economic_buyer', 'champion', 'influencer', 'user', 'gatekeeper', 'blocker')),
  phone text,
  email_status text NOT NULL DEFAULT 'unknown' CHECK (email_status IN ('unknown', 'valid', 'bounced')),
  unsubscribed boolean NOT NULL DEFAULT false,
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_account ON contacts (account_id);

CREATE TABLE leads (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  contact_id text NOT NULL REFERENCES contacts(id),
  account_id text REFERENCES accounts(id),
  source text,
  entry_path text NOT NULL DEFAULT 'standard' CHECK (entry_path IN ('standard', 'pql', 'cql')),
  owner_id text,
  stage text NOT NULL DEFAULT 'new'
    CHECK (stage IN ('new', 'mql', 'sal', 'sql', 'opportunity', 'won', 'lost', 'recycled', 'disqualified')),
  stage_entered_at timestamptz NOT NULL,
  reason text,
  re_entry jsonb,
  sla_due_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX leads_contact ON leads (contact_id);
CREATE INDEX leads_account ON leads (account_id);
CREATE INDEX leads_owner_stage ON leads (owner_id, stage);
CREATE INDEX leads_created ON leads (created_at, id);
CREATE INDEX leads_sla_due ON leads (stage, sla_due_at) WHERE sla_due_at IS NOT NULL;

CREATE TABLE events (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  lead_id text NOT NULL REFERENCES leads(id),
  type text NOT NULL,
  occurred_at timestamptz NOT NULL,
  properties jsonb NOT NULL DEFAULT '{}'::jsonb,
  idempotency_key text UNIQUE,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_lead_time ON events (lead_id, occurred_at);

CREATE TABLE activities (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  lead_id text NOT NULL REFERENCES leads(id),
  type text NOT NULL CHECK (type IN ('call', 'email', 'message', 'meeting', 'note')),
  outcome text CHECK (outcome IN ('connected', 'no_answer', 'voicemail', 'bounced', 'replied', 'sent', 'wrong_number')),
  occurred_at timestamptz NOT NULL,
  actor text NOT NULL,
  body text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activities_lead_time ON activities (lead_id, occurred_at);

-- Each save is a new immutable version; (lead_id, version) unique makes a concurrent save fail.
CREATE TABLE scorecards (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  lead_id text NOT NULL REFERENCES leads(id),
  version integer NOT NULL CHECK (version >= 1),
  framework text NOT NULL,
  evidence jsonb NOT NULL,
  verdict_outcome text CHECK (verdict_outcome IN ('advance', 'nurture', 'disqualify-contact', 'disqualify')),
  verdict jsonb,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (lead_id, version)
);

CREATE TABLE deals (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  account_id text REFERENCES accounts(id),
  lead_id text REFERENCES leads(id),
  name text NOT NULL,
  amount double precision CHECK (amount IS NULL OR amount >= 0),
  currency text NOT NULL DEFAULT 'USD',
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
  created_at timestamptz NOT NULL,
  close_date timestamptz,
  reason text,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deals_lead ON deals (lead_id);
CREATE INDEX deals_account ON deals (account_id);

-- Append-only: stage changes, score changes, evidence edits, owner changes (who, when, why, before/after).
CREATE TABLE lead_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  lead_id text NOT NULL REFERENCES leads(id),
  kind text NOT NULL CHECK (kind IN ('stage', 'score', 'evidence', 'owner')),
  actor text NOT NULL,
  at timestamptz NOT NULL,
  reason text,
  before jsonb,
  after jsonb
);
CREATE INDEX lead_history_lead ON lead_history (lead_id, at, id);
CREATE INDEX lead_history_kind_at ON lead_history (kind, at);

CREATE FUNCTION winnow_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'history is append-only (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER lead_history_append_only BEFORE UPDATE OR DELETE ON lead_history
  FOR EACH ROW EXECUTE FUNCTION winnow_append_only();

CREATE TABLE sla_breaches (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  lead_id text NOT NULL REFERENCES leads(id),
  sla text NOT NULL,
  owner_id text,
  due_at timestamptz NOT NULL,
  detected_at timestamptz NOT NULL,
  overdue_seconds integer NOT NULL CHECK (overdue_seconds >= 0),
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  UNIQUE (lead_id, sla, due_at)
);
CREATE INDEX sla_breaches_detected ON sla_breaches (detected_at);
CREATE INDEX sla_breaches_owner ON sla_breaches (owner_id, detected_at);

CREATE TABLE scoring_models (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  name text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
  is_default boolean NOT NULL DEFAULT false,
  document jsonb NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  published_by text,
  published_at timestamptz,
  UNIQUE (name, version),
  CHECK (NOT is_default OR status = 'published'),
  CHECK ((status = 'published') = (published_at IS NOT NULL))
);
CREATE UNIQUE INDEX scoring_models_one_default ON scoring_models (is_default) WHERE is_default;

-- The current score of each lead; past scores live in lead_history (kind 'score').
CREATE TABLE lead_scores (
  lead_id text PRIMARY KEY REFERENCES leads(id),
  model_id text REFERENCES scoring_models(id),
  fit double precision NOT NULL,
  engagement double precision NOT NULL,
  grade text,
  explanation jsonb,
  computed_at timestamptz NOT NULL
);
CREATE INDEX lead_scores_rank ON lead_scores ((fit + engagement) DESC);

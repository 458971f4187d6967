-- Workspace settings edited from the app: the ICP, the SLA policy, custom frameworks and custom
-- discovery questions. One row per section, versioned for optimistic concurrency (a write names the
-- version it read); every write is also kept, append-only, with who made it and when.

CREATE TABLE workspace_settings (
  section    text PRIMARY KEY CHECK (section IN ('icp', 'sla', 'frameworks', 'questions')),
  version    integer NOT NULL CHECK (version >= 1),
  -- The section as validated by the core (null: not set, the server's defaults apply).
  value      jsonb,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL
);

CREATE TABLE workspace_settings_history (
  section    text NOT NULL,
  version    integer NOT NULL,
  value      jsonb,
  changed_at timestamptz NOT NULL,
  changed_by text NOT NULL,
  why        text,
  PRIMARY KEY (section, version)
);

CREATE TRIGGER workspace_settings_history_append_only BEFORE UPDATE OR DELETE ON workspace_settings_history
  FOR EACH ROW EXECUTE FUNCTION winnow_append_only();

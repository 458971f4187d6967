-- Full rescores (after a scoring model is published as, or made, the default): one row per job,
-- with its progress, so that the API and the CLI can report processed / total while it runs.
CREATE TABLE rescore_jobs (
  id text PRIMARY KEY,
  model_id text NOT NULL REFERENCES scoring_models(id),
  state text NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  processed integer NOT NULL DEFAULT 0 CHECK (processed >= 0),
  total integer NOT NULL CHECK (total >= 0),
  -- Threshold crossings the rescore caused (each announced as lead.threshold_crossed).
  crossings integer NOT NULL DEFAULT 0 CHECK (crossings >= 0),
  error text,
  created_by text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE INDEX rescore_jobs_model ON rescore_jobs (model_id, started_at DESC);

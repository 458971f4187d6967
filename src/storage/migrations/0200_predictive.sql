-- Predictive scoring: models learned from the workspace's own won and lost deals, and the
-- probability each open lead was given by a model (with its top reasons). One model is active at a
-- time; older ones are kept (status 'retired') so that past predictions stay explainable.

CREATE TABLE predictive_models (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  version integer NOT NULL UNIQUE CHECK (version >= 1),
  learner text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
  -- The versioned model file (format "winnow-model") as written by the model core.
  model jsonb NOT NULL,
  -- Rows, won/lost counts, held-out AUC / log loss / Brier, reliability, lift, importance.
  metrics jsonb NOT NULL,
  trained_at timestamptz NOT NULL,
  trained_by text NOT NULL
);
CREATE UNIQUE INDEX predictive_models_one_active ON predictive_models (status) WHERE status = 'active';

CREATE TABLE lead_predictions (
  lead_id text NOT NULL REFERENCES leads(id),
  model_id text NOT NULL REFERENCES predictive_models(id),
  probability double precision NOT NULL CHECK (probability >= 0 AND probability <= 1),
  reasons jsonb NOT NULL DEFAULT '[]'::jsonb,
  computed_at timestamptz NOT NULL,
  PRIMARY KEY (lead_id, model_id)
);
CREATE INDEX lead_predictions_model ON lead_predictions (model_id, probability DESC);

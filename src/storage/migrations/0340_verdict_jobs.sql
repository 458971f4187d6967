-- Re-judging stored scorecard verdicts after the ICP or the custom frameworks change in Settings
-- is a job of the same kind as a full rescore: the same table, state and processed / total.
-- kind 'scores' rows name the scoring model; kind 'verdicts' rows name the settings section and
-- version that was saved instead.
ALTER TABLE rescore_jobs ADD COLUMN kind text NOT NULL DEFAULT 'scores' CHECK (kind IN ('scores', 'verdicts'));
ALTER TABLE rescore_jobs ALTER COLUMN model_id DROP NOT NULL;
ALTER TABLE rescore_jobs ADD COLUMN settings_section text;
ALTER TABLE rescore_jobs ADD COLUMN settings_version integer;
ALTER TABLE rescore_jobs ADD CONSTRAINT rescore_jobs_kind_target CHECK (
  (kind = 'scores' AND model_id IS NOT NULL)
  OR (kind = 'verdicts' AND model_id IS NULL AND settings_section IS NOT NULL AND settings_version IS NOT NULL)
);
CREATE INDEX rescore_jobs_kind ON rescore_jobs (kind, started_at DESC);

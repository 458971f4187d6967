-- Background jobs (rows of rescore_jobs) record when the process working on them last said it was
-- alive. A running job whose heartbeat is stale belongs to a process that stopped and is failed by
-- the next sweep; a job another live server is running is left alone (before this, every server
-- start failed all running score jobs, and verdict jobs cut off by a stop stayed running forever).
ALTER TABLE rescore_jobs ADD COLUMN heartbeat_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX rescore_jobs_running ON rescore_jobs (heartbeat_at) WHERE state = 'running';

-- The order of a job's changes: bumped in the transaction of every change of the job (its row, its tasks,
-- its media item's results). Redis keeps the version of the snapshot it holds and takes only a newer one.
ALTER TABLE jobs ADD COLUMN version bigint NOT NULL DEFAULT 0;

-- The reconciler looks at recently changed jobs.
CREATE INDEX jobs_updated_at_idx ON jobs (updated_at);

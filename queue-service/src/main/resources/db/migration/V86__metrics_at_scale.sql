-- Issue 14, section 4: GET /api/queue/metrics stays flat as the jobs grow (docs/performance.md).
--
-- The figures of the finished jobs (completed or failed, with a completed_at) are kept per hour in job_metric_hours:
-- per (owner, project, hour) and per (owner, hour) over every project (by_project false, project_id NULL), and in
-- each for the job itself (operation '') and for every operation it asked for. A row holds counts, the sum and
-- count of the durations, and their min and max. MetricsStore reads those rows instead of the jobs, and
-- MetricHourCompactor (every second) keeps them, from what the triggers below append. The triggers only append (no
-- figure is updated by the transaction that finishes a job, so concurrent finishes never wait for each other):
--   * job_metric_entered: a job that became counted (finished), or whose counted fields changed. Its figures are
--     added to its hour when compacted, read from the job and its tasks as they are then.
--   * job_metric_stale_hours: an hour that a counted job left (retry, redo of a failed job, deletion, another
--     completed_at or duration), or whose tasks changed after it finished. A min or max cannot be undone by a
--     running value, so the compactor computes such an (owner, hour) anew from its jobs, for every project.
-- A reader takes the kept rows of the hours that are not stale and computes from the jobs the stale hours, the
-- jobs entered but not compacted yet, and the first, partial hour of its time range; one statement, one snapshot,
-- so it answers exactly what the aggregation over every job would.
--
-- Every change of a job and of its tasks runs under the job's lock (JobStore.lockJob), so a task's change and its
-- job's finishing never pass each other unseen: whichever commits second sees the other.

CREATE TABLE job_metric_hours (
    owner          text        NOT NULL,
    by_project     boolean     NOT NULL,
    project_id     text,
    hour           timestamptz NOT NULL,
    operation      text        NOT NULL,
    completed      bigint      NOT NULL,
    failed         bigint      NOT NULL,
    duration_sum   bigint      NOT NULL,
    duration_count bigint      NOT NULL,
    min_ms         bigint,
    max_ms         bigint,
    CONSTRAINT job_metric_hours_key UNIQUE NULLS NOT DISTINCT (owner, by_project, project_id, hour, operation)
);
-- an admin's range reads every owner's hours
CREATE INDEX job_metric_hours_hour_idx ON job_metric_hours (by_project, hour);

CREATE TABLE job_metric_entered (
    job_id uuid NOT NULL
);
CREATE TABLE job_metric_stale_hours (
    owner      text        NOT NULL,
    project_id text,
    hour       timestamptz NOT NULL
);

-- The finished jobs of one hour: a stale hour computed anew (an owner's), and a range's first, partial hour (an
-- owner's, or every owner's for an admin).
CREATE INDEX jobs_owner_finished_idx ON jobs (owner, completed_at) WHERE status IN ('completed', 'failed');
CREATE INDEX jobs_finished_idx ON jobs (completed_at) WHERE status IN ('completed', 'failed');

-- What makes a job's figures: whether it counts, where (owner, project, hour) and with what.
CREATE FUNCTION job_metric_counted(status text, completed_at timestamptz) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT status IN ('completed', 'failed') AND completed_at IS NOT NULL $$;

CREATE FUNCTION jobs_metric_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_metric_entered (job_id)
    SELECT id FROM new_rows WHERE job_metric_counted(status, completed_at);
    RETURN NULL;
END $$;
CREATE FUNCTION jobs_metric_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_metric_stale_hours (owner, project_id, hour)
    SELECT DISTINCT owner, project_id, date_trunc('hour', completed_at, 'UTC') FROM old_rows
    WHERE job_metric_counted(status, completed_at);
    RETURN NULL;
END $$;
CREATE FUNCTION jobs_metric_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH changed AS (
        SELECT o.owner, o.project_id, o.completed_at, job_metric_counted(o.status, o.completed_at) AS was_counted,
               n.id, job_metric_counted(n.status, n.completed_at) AS counted
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (n.owner, n.project_id, n.status, n.completed_at, n.duration_ms, n.operations)
              IS DISTINCT FROM (o.owner, o.project_id, o.status, o.completed_at, o.duration_ms, o.operations)),
    left_hours AS (INSERT INTO job_metric_stale_hours (owner, project_id, hour)
                   SELECT DISTINCT owner, project_id, date_trunc('hour', completed_at, 'UTC') FROM changed
                   WHERE was_counted)
    INSERT INTO job_metric_entered (job_id) SELECT id FROM changed WHERE counted;
    RETURN NULL;
END $$;
CREATE TRIGGER jobs_metric_inserted AFTER INSERT ON jobs REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_metric_inserted();
CREATE TRIGGER jobs_metric_deleted AFTER DELETE ON jobs REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_metric_deleted();
CREATE TRIGGER jobs_metric_updated AFTER UPDATE ON jobs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_metric_updated();

-- A task's outcome and duration make its operations' figures: a change of them after the job finished (a late
-- outcome of the other task, a reset for a new run, a deletion) makes the job's hour stale.
-- The insert and delete triggers name their one transition table alike, so that one function serves both.
CREATE FUNCTION tasks_metric_added_or_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_metric_stale_hours (owner, project_id, hour)
    SELECT DISTINCT j.owner, j.project_id, date_trunc('hour', j.completed_at, 'UTC') FROM jobs j
    WHERE j.id IN (SELECT job_id FROM changed_rows) AND job_metric_counted(j.status, j.completed_at);
    RETURN NULL;
END $$;
CREATE FUNCTION tasks_metric_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_metric_stale_hours (owner, project_id, hour)
    SELECT DISTINCT j.owner, j.project_id, date_trunc('hour', j.completed_at, 'UTC') FROM jobs j
    WHERE j.id IN (SELECT n.job_id FROM new_rows n JOIN old_rows o ON o.job_id = n.job_id AND o.worker = n.worker
                   WHERE (n.status, n.duration_ms) IS DISTINCT FROM (o.status, o.duration_ms))
      AND job_metric_counted(j.status, j.completed_at);
    RETURN NULL;
END $$;
CREATE TRIGGER tasks_metric_inserted AFTER INSERT ON tasks REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tasks_metric_added_or_removed();
CREATE TRIGGER tasks_metric_deleted AFTER DELETE ON tasks REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tasks_metric_added_or_removed();
CREATE TRIGGER tasks_metric_updated AFTER UPDATE ON tasks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tasks_metric_updated();

-- The backfill: every hour with finished jobs is stale, so the compactor's first pass computes them all, with the
-- same statement that keeps them afterwards (the figures of an operation come from Operation's worker in Java,
-- which this file would otherwise have to copy). Until then the readers compute them from the jobs, as before.
INSERT INTO job_metric_stale_hours (owner, project_id, hour)
SELECT DISTINCT owner, project_id, date_trunc('hour', completed_at, 'UTC') FROM jobs
WHERE job_metric_counted(status, completed_at);

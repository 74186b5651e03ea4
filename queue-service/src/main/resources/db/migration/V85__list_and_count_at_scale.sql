-- Issue 14, section 4: the list, its count and the stats stay flat as the jobs grow (docs/performance.md).

-- 1. The list ordered by file size reads an index instead of joining and sorting every row: the size is copied onto
-- the job (a media item's size never changes), set on insert by a trigger, so every path that creates a job
-- (upload, enqueue, redo, batches) fills it without knowing.
ALTER TABLE jobs ADD COLUMN file_size bigint;
UPDATE jobs j SET file_size = m.file_size FROM media_items m WHERE m.id = j.media_item_id;
ALTER TABLE jobs ALTER COLUMN file_size SET NOT NULL;

CREATE FUNCTION jobs_copy_file_size() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT file_size INTO NEW.file_size FROM media_items WHERE id = NEW.media_item_id;
    RETURN NEW;
END $$;
CREATE TRIGGER jobs_copy_file_size BEFORE INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_copy_file_size();

-- 2. One index per order of GET /api/queue/items, for a user (owner first) and for an admin, so a page is the first
-- rows of an index scan. The ties are broken by id, ascending in both directions: priority (200 values, so
-- thousands of jobs share one) has an index per direction; queued_at and file_size are nearly unique, and an
-- incremental sort orders their few ties (jobs_owner_queued_at_idx and jobs_queued_at_idx exist already).
CREATE INDEX jobs_owner_priority_idx ON jobs (owner, priority, id);
CREATE INDEX jobs_owner_priority_desc_idx ON jobs (owner, priority DESC, id);
CREATE INDEX jobs_priority_idx ON jobs (priority, id);
CREATE INDEX jobs_priority_desc_idx ON jobs (priority DESC, id);
CREATE INDEX jobs_owner_file_size_idx ON jobs (owner, file_size);
CREATE INDEX jobs_file_size_idx ON jobs (file_size);

-- 3. Job counts per (owner, project, status), kept as the jobs change, for the list's count and the stats, which
-- counted every row of the caller's jobs on each request. The triggers only append deltas (no row is updated, so
-- concurrent transactions never wait for each other or deadlock on a counter); JobCountCompactor folds them into
-- job_counts every second in one statement. A reader sums both in one statement, so it sees one snapshot: exactly
-- count(*) of the jobs it can see.
CREATE TABLE job_counts (
    owner      text    NOT NULL,
    project_id text,
    status     text    NOT NULL,
    n          bigint  NOT NULL,
    CONSTRAINT job_counts_key UNIQUE NULLS NOT DISTINCT (owner, project_id, status)
);
CREATE TABLE job_count_deltas (
    owner      text    NOT NULL,
    project_id text,
    status     text    NOT NULL,
    delta      bigint  NOT NULL
);
INSERT INTO job_counts (owner, project_id, status, n)
SELECT owner, project_id, status, count(*) FROM jobs GROUP BY owner, project_id, status;

CREATE FUNCTION jobs_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_count_deltas (owner, project_id, status, delta)
    SELECT owner, project_id, status, count(*) FROM new_rows GROUP BY owner, project_id, status;
    RETURN NULL;
END $$;
CREATE FUNCTION jobs_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_count_deltas (owner, project_id, status, delta)
    SELECT owner, project_id, status, -count(*) FROM old_rows GROUP BY owner, project_id, status;
    RETURN NULL;
END $$;
CREATE FUNCTION jobs_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_count_deltas (owner, project_id, status, delta)
    SELECT owner, project_id, status, sum(delta) FROM (
        SELECT n.owner, n.project_id, n.status, 1 AS delta FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.owner, n.project_id, n.status) IS DISTINCT FROM (o.owner, o.project_id, o.status)
        UNION ALL
        SELECT o.owner, o.project_id, o.status, -1 FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.owner, n.project_id, n.status) IS DISTINCT FROM (o.owner, o.project_id, o.status)) changed
    GROUP BY owner, project_id, status;
    RETURN NULL;
END $$;
CREATE TRIGGER jobs_count_inserted AFTER INSERT ON jobs REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_count_inserted();
CREATE TRIGGER jobs_count_deleted AFTER DELETE ON jobs REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_count_deleted();
CREATE TRIGGER jobs_count_updated AFTER UPDATE ON jobs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_count_updated();

CREATE TABLE media_items (
    id                uuid PRIMARY KEY,
    owner             text        NOT NULL,
    original_filename text,
    media_type        text        NOT NULL CHECK (media_type IN ('photo', 'video')),
    file_size         bigint      NOT NULL CHECK (file_size >= 0),
    sha256            text,
    input_path        text        NOT NULL,
    output_dir        text        NOT NULL,
    created_at        timestamptz NOT NULL
);
CREATE INDEX media_items_owner_idx ON media_items (owner, created_at);

CREATE TABLE jobs (
    id            uuid PRIMARY KEY,
    media_item_id uuid        NOT NULL REFERENCES media_items (id),
    owner         text        NOT NULL,
    status        text        NOT NULL
        CHECK (status IN ('pending', 'queued', 'processing', 'completed', 'failed', 'cancelled')),
    run           integer     NOT NULL DEFAULT 1,
    priority      integer     NOT NULL CHECK (priority BETWEEN 1 AND 200),
    attempts      integer     NOT NULL DEFAULT 0,
    max_attempts  integer     NOT NULL,
    last_error    text,
    operations    text        NOT NULL,
    project_id    text,
    batch_id      text,
    queued_at     timestamptz NOT NULL,
    started_at    timestamptz,
    completed_at  timestamptz,
    duration_ms   bigint,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_owner_status_priority_idx ON jobs (owner, status, priority, queued_at);
CREATE INDEX jobs_owner_queued_at_idx ON jobs (owner, queued_at);
CREATE INDEX jobs_status_priority_idx ON jobs (status, priority, queued_at);
CREATE INDEX jobs_queued_at_idx ON jobs (queued_at);
CREATE INDEX jobs_project_status_idx ON jobs (project_id, status) WHERE project_id IS NOT NULL;
CREATE INDEX jobs_media_item_idx ON jobs (media_item_id);

-- One row per (job, worker kind). No foreign key: task events may arrive before job.submitted.
CREATE TABLE tasks (
    job_id      uuid        NOT NULL,
    worker      text        NOT NULL CHECK (worker IN ('image', 'vision')),
    run         integer     NOT NULL,
    attempt     integer     NOT NULL DEFAULT 0,
    status      text        NOT NULL
        CHECK (status IN ('queued', 'started', 'progress', 'failed', 'retrying', 'succeeded', 'dead', 'cancelled')),
    progress    integer     NOT NULL DEFAULT 0,
    last_error  text,
    -- (attempt * 10 + rank) of the event that wrote last_error, so a late older error never overwrites a newer one
    error_rank  integer     NOT NULL DEFAULT 0,
    worker_id   text,
    started_at  timestamptz,
    finished_at timestamptz,
    duration_ms bigint,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, worker)
);

-- No foreign key either: task.succeeded may arrive before job.submitted.
CREATE TABLE results (
    media_item_id uuid        NOT NULL,
    name          text        NOT NULL,
    width         integer     NOT NULL,
    height        integer     NOT NULL,
    bytes         bigint      NOT NULL,
    model         text,
    job_id        uuid        NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (media_item_id, name)
);
CREATE INDEX results_job_idx ON results (job_id);

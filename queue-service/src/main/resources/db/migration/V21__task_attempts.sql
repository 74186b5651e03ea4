-- attempts_log of CONTRACT.md section 3: one row per attempt of a task, written from its events
-- (and by the lease sweeper for an attempt that went silent). Within one attempt the outcome of
-- the highest rank wins, so the row does not depend on the order in which events arrive:
-- failed 1 < retrying 2 < cancelled 3 < dead 4 < lost 5 < succeeded 6.
CREATE TABLE task_attempts (
    job_id       uuid        NOT NULL,
    worker       text        NOT NULL CHECK (worker IN ('image', 'vision')),
    run          integer     NOT NULL,
    attempt      integer     NOT NULL,
    started_at   timestamptz,
    ended_at     timestamptz,
    outcome      text CHECK (outcome IN ('succeeded', 'failed', 'retrying', 'dead', 'cancelled', 'lost')),
    outcome_rank integer     NOT NULL DEFAULT 0,
    error        text,
    PRIMARY KEY (job_id, worker, run, attempt)
);

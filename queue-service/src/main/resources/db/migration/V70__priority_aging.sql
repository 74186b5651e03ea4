-- Priority aging (MEDIAFLOW_PRIORITY_AGING): a task that waits in its queue longer than that is published again
-- one AMQP priority higher, repeatedly, up to the top. One row per waiting task of the job's current run that
-- was aged at least once: the AMQP priority of its latest copy and when that copy was sent. Rows of jobs that
-- are no longer waiting are removed by the ager itself.
CREATE TABLE task_aging (
    job_id  uuid        NOT NULL,
    worker  text        NOT NULL CHECK (worker IN ('image', 'vision')),
    run     integer     NOT NULL,
    level   integer     NOT NULL CHECK (level BETWEEN 1 AND 10),
    aged_at timestamptz NOT NULL,
    PRIMARY KEY (job_id, worker, run)
);

-- The AMQP priority an outbox row is to be sent with when it is not the job's own (an aged copy); null: the
-- priority rule's.
ALTER TABLE task_outbox ADD COLUMN amqp_priority integer;

-- Task messages written in the same transaction as the job change that calls for them (retry,
-- enqueue, replay, a lease republish) and published after the commit by OutboxPublisher, which
-- deletes a row only once the broker confirmed it. A rolled-back change publishes nothing; a
-- committed one is published however long the broker stays away.
CREATE TABLE task_outbox (
    id         bigserial   PRIMARY KEY,
    job_id     uuid        NOT NULL,
    task       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

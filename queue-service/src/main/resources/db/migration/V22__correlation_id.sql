-- The correlation id of the request that created a job (the upload, or an enqueue): the gateway's
-- job.submitted carries it, and every later task of the job is sent with it unless a request of its
-- own (a retry, a replay) asked for the work. task_outbox keeps the id a task message is to be sent
-- with, as its X-Correlation-Id header. Both may be null: jobs from before, scheduled work without one.
ALTER TABLE jobs ADD COLUMN correlation_id text;
ALTER TABLE task_outbox ADD COLUMN correlation_id text;

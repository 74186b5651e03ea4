-- bench/scale-load.sql: bench/scale.sh's loader. Adds :n jobs (psql -v n=100000 -v first=0) with their media items,
-- tasks and results to the database queue-service migrated, as the API would have written them:
--   20 owners (alice 25 %, bob 15 %, user03..user20 the rest), about 30 projects each (10 % of jobs in none);
--   photos 85 % (100 KB to 25 MB, log-uniform), videos 15 % (1 MB to 2 GB), the priority rule of docs/api.md
--   (photos 1..100, videos 101..200, smaller first); operations thumbnail,blur,low-quality, 20 % with depth too
--   (then a vision task as well);
--   queued_at spread over 35 days; completed 93.5 %, failed 3 %, cancelled 2.9 %, and the live part: queued 0.5 %,
--   processing 0.01 %, pending 0.09 %, all of the live ones within the last 20 minutes (a real backlog is recent:
--   older waiting work would be republished by the lease sweeper);
--   per finished job its tasks (succeeded, failed or cancelled, with started/finished times and durations of
--   0.2-20 s for photos and 2-120 s for videos) and per completed job its result rows (three variants, depth when
--   asked for). Not loaded: task_attempts (read only for one item's attempts_log, by primary key).
-- :first numbers the rows, so a second call adds more without repeating a name. setseed makes each call the same.
\set ON_ERROR_STOP on
SET synchronous_commit = off;
SELECT setseed(0.14);

BEGIN;
CREATE TEMP TABLE gen AS
SELECT i,
       gen_random_uuid() AS media_id,
       gen_random_uuid() AS job_id,
       CASE WHEN o < 0.25 THEN 'alice' WHEN o < 0.40 THEN 'bob'
            ELSE 'user' || lpad((3 + floor((o - 0.40) / 0.60 * 18))::int::text, 2, '0') END AS owner,
       CASE WHEN p < 0.10 THEN NULL ELSE 'project-' || floor(random() * 30)::int END AS project_id,
       CASE WHEN random() < 0.5 THEN 'batch-' || floor(random() * 5000)::int END AS batch_id,
       mt < 0.85 AS photo,
       CASE WHEN mt < 0.85 THEN round(exp(ln(100e3) + random() * (ln(25e6) - ln(100e3))))
            ELSE round(exp(ln(1e6) + random() * (ln(2e9) - ln(1e6)))) END::bigint AS file_size,
       CASE WHEN random() < 0.2 THEN 'thumbnail,blur,low-quality,depth' ELSE 'thumbnail,blur,low-quality' END AS operations,
       CASE WHEN s < 0.935 THEN 'completed' WHEN s < 0.965 THEN 'failed' WHEN s < 0.994 THEN 'cancelled'
            WHEN s < 0.999 THEN 'queued' WHEN s < 0.9991 THEN 'processing' ELSE 'pending' END AS status,
       random() AS r1, random() AS r2
FROM (SELECT i, random() AS o, random() AS p, random() AS mt, random() AS s
      FROM generate_series(:first + 1, :first + :n) AS i) src;

ALTER TABLE gen ADD COLUMN queued_at timestamptz, ADD COLUMN started_at timestamptz,
    ADD COLUMN completed_at timestamptz, ADD COLUMN duration_ms bigint, ADD COLUMN priority int;
UPDATE gen SET
    queued_at = CASE WHEN status IN ('queued', 'processing', 'pending') THEN now() - r1 * interval '20 minutes'
                     ELSE now() - interval '20 minutes' - r1 * interval '35 days' END,
    duration_ms = CASE WHEN photo THEN 200 + (r2 * 19800)::bigint ELSE 2000 + (r2 * 118000)::bigint END,
    -- the priority rule: log of the size within the type's range, smaller first
    priority = CASE WHEN photo THEN 1 + least(99, floor((ln(file_size) - ln(100e3)) / (ln(25e6) - ln(100e3)) * 100))::int
                    ELSE 101 + least(99, floor((ln(file_size) - ln(1e6)) / (ln(2e9) - ln(1e6)) * 100))::int END;
UPDATE gen SET
    started_at = CASE WHEN status IN ('queued', 'pending') THEN NULL
                      WHEN status = 'cancelled' AND r2 < 0.5 THEN NULL
                      ELSE queued_at + (r1 * 5000)::int * interval '1 ms' END;
UPDATE gen SET
    completed_at = CASE WHEN status IN ('completed', 'failed') THEN started_at + duration_ms * interval '1 ms'
                        WHEN status = 'cancelled' THEN queued_at + interval '1 minute' END,
    duration_ms = CASE WHEN status IN ('completed', 'failed') THEN duration_ms END;

INSERT INTO media_items (id, owner, original_filename, media_type, file_size, sha256, input_path, output_dir, created_at)
SELECT media_id, owner, CASE WHEN photo THEN 'IMG_' || i || '.jpg' ELSE 'VID_' || i || '.mp4' END,
       CASE WHEN photo THEN 'photo' ELSE 'video' END, file_size, md5(i::text) || md5(media_id::text),
       'uploads/' || owner || '/' || media_id || CASE WHEN photo THEN '.jpg' ELSE '.mp4' END,
       'processed/' || owner || '/' || media_id, queued_at
FROM gen;

INSERT INTO jobs (id, media_item_id, owner, status, run, priority, attempts, max_attempts, last_error, operations,
                  project_id, batch_id, queued_at, started_at, completed_at, duration_ms, updated_at, version)
SELECT job_id, media_id, owner, status, 1, priority,
       CASE WHEN status = 'failed' THEN 3 WHEN started_at IS NULL THEN 0 ELSE 1 END, 3,
       CASE WHEN status = 'failed' THEN 'decode failed: corrupt JPEG data' END, operations, project_id, batch_id,
       queued_at, started_at, completed_at, duration_ms, coalesce(completed_at, started_at, queued_at), 3
FROM gen;

INSERT INTO tasks (job_id, worker, run, attempt, status, progress, last_error, worker_id, started_at, finished_at,
                   duration_ms, updated_at)
SELECT job_id, w.worker, 1, CASE WHEN status = 'failed' THEN 3 WHEN started_at IS NULL THEN 0 ELSE 1 END,
       CASE status WHEN 'completed' THEN 'succeeded' WHEN 'failed' THEN 'dead' WHEN 'cancelled' THEN 'cancelled'
                   WHEN 'processing' THEN 'started' ELSE 'queued' END,
       CASE WHEN status = 'completed' THEN 100 ELSE 0 END,
       CASE WHEN status = 'failed' THEN 'decode failed: corrupt JPEG data' END,
       CASE WHEN started_at IS NOT NULL THEN w.worker || '-worker-1' END,
       started_at, CASE WHEN status IN ('completed', 'failed') THEN completed_at END,
       CASE WHEN status IN ('completed', 'failed') THEN duration_ms END,
       -- a running task's lease is counted from its last event: now
       CASE WHEN status = 'processing' THEN now() ELSE coalesce(completed_at, started_at, queued_at) END
FROM gen CROSS JOIN LATERAL (SELECT 'image' AS worker
                             UNION ALL SELECT 'vision' WHERE gen.operations LIKE '%depth') w
WHERE status <> 'pending';

INSERT INTO results (media_item_id, name, width, height, bytes, model, job_id, created_at)
SELECT media_id, v.name, v.w, v.h, greatest(1000, file_size / v.d), v.model, job_id, completed_at
FROM gen CROSS JOIN LATERAL (VALUES ('thumbnail', 320, 240, 200, NULL), ('blur', 640, 480, 60, NULL),
                                    ('low-quality', 1280, 960, 40, NULL), ('depth', 1280, 960, 20, 'depth-anything-v2-small')) v(name, w, h, d, model)
WHERE status = 'completed' AND (v.name <> 'depth' OR operations LIKE '%depth');

COMMIT;
DROP TABLE gen;
ANALYZE media_items;
ANALYZE jobs;
ANALYZE tasks;
ANALYZE results;

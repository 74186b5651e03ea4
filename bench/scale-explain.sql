-- bench/scale-explain.sql: the statements behind GET /api/queue/items, /stats and /metrics?timeRange=30d, as
-- queue-service sends them (JobStore.listItems, countItems, countByStatus, MetricsStore.stats), with the parameters
-- written in; run by bench/scale.sh with EXPLAIN (ANALYZE, BUFFERS) after each load. :items, :prio, :size,
-- :count_alice and :stats_alice are psql variables the script sets to the statements of the code that runs (before
-- migration V85: the size from media_items and count(*) over jobs; after: jobs.file_size and the kept counts).
\set ON_ERROR_STOP on
\pset pager off
\echo '### items, alice, orderBy=priority ASC (the default), page 1'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :items WHERE true AND j.owner = 'alice' ORDER BY :prio ASC, j.id LIMIT 50 OFFSET 0;
\echo '### items, alice, orderBy=file_size DESC, page 1'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :items WHERE true AND j.owner = 'alice' ORDER BY :size DESC, j.id LIMIT 50 OFFSET 0;
\echo '### items, alice, status=failed, orderBy=queued_at DESC'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :items WHERE true AND j.owner = 'alice' AND j.status = 'failed' ORDER BY j.queued_at DESC, j.id LIMIT 50 OFFSET 0;
\echo '### items, admin, orderBy=queued_at DESC, offset 10000'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :items WHERE true ORDER BY j.queued_at DESC, j.id LIMIT 50 OFFSET 10000;
\echo '### the count of items, alice (every list answer has it)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :count_alice;
\echo '### stats, alice'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :stats_alice;
\echo '### metrics?timeRange=30d, alice'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) WITH finished AS (SELECT id, status, duration_ms, completed_at, operations FROM jobs WHERE status IN ('completed', 'failed') AND completed_at IS NOT NULL AND owner = 'alice' AND completed_at >= now() - interval '30 days'), per_operation AS (SELECT op.name AS operation, COALESCE(t.status = 'succeeded', f.status = 'completed') AS succeeded, t.duration_ms FROM finished f CROSS JOIN LATERAL unnest(string_to_array(f.operations, ',')) AS op(name) LEFT JOIN tasks t ON t.job_id = f.id AND t.worker = CASE op.name WHEN 'thumbnail' THEN 'image' WHEN 'blur' THEN 'image' WHEN 'low-quality' THEN 'image' WHEN 'depth' THEN 'vision' END) SELECT 'total' AS part, NULL::timestamptz AS hour, NULL::text AS operation, count(*) FILTER (WHERE status = 'completed') AS completed, count(*) FILTER (WHERE NOT status = 'completed') AS failed, COALESCE(count(*) FILTER (WHERE status = 'completed')::float8 / NULLIF(count(*), 0), 0) AS success_rate, round(avg(duration_ms))::bigint AS avg_ms, min(duration_ms) AS min_ms, max(duration_ms) AS max_ms FROM finished UNION ALL SELECT 'hour', date_trunc('hour', completed_at, 'UTC'), NULL, count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE NOT status = 'completed'), 0, round(avg(duration_ms))::bigint, min(duration_ms), max(duration_ms) FROM finished GROUP BY 2 UNION ALL SELECT 'operation', NULL, operation, count(*) FILTER (WHERE succeeded), count(*) FILTER (WHERE NOT succeeded), 0, round(avg(duration_ms))::bigint, min(duration_ms), max(duration_ms) FROM per_operation GROUP BY 3;

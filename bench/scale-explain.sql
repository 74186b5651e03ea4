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
\echo '### items, admin, orderBy=queued_at DESC, offset 100000'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :items WHERE true ORDER BY j.queued_at DESC, j.id LIMIT 50 OFFSET 100000;
-- Keyset pages (after=): the statements JobStore.listItems sends with a cursor, at the same depths as the offset
-- pages above; the cursor is the item before the page (LIMIT 51: the reader asks for one more to know if a next exists).
-- Descending (the id breaks ties ascending): the rest of the key's ties and the keys after it, merged.
-- Ascending: one row comparison on the index's columns.
SELECT j.queued_at AS after_key, j.id AS after_id FROM jobs j ORDER BY j.queued_at DESC, j.id LIMIT 1 OFFSET 9999 \gset
\echo '### items, admin, orderBy=queued_at DESC, after the 10000th (keyset cursor)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM ((:items WHERE true AND j.queued_at = :'after_key' AND j.id > :'after_id' ORDER BY j.id LIMIT 51 + 0) UNION ALL (:items WHERE true AND j.queued_at < :'after_key' ORDER BY j.queued_at DESC, j.id LIMIT 51 + 0)) page ORDER BY queued_at DESC, id LIMIT 51 OFFSET 0;
SELECT j.queued_at AS after_key, j.id AS after_id FROM jobs j ORDER BY j.queued_at DESC, j.id LIMIT 1 OFFSET 99999 \gset
\echo '### items, admin, orderBy=queued_at DESC, after the 100000th (keyset cursor)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM ((:items WHERE true AND j.queued_at = :'after_key' AND j.id > :'after_id' ORDER BY j.id LIMIT 51 + 0) UNION ALL (:items WHERE true AND j.queued_at < :'after_key' ORDER BY j.queued_at DESC, j.id LIMIT 51 + 0)) page ORDER BY queued_at DESC, id LIMIT 51 OFFSET 0;
\echo '### items, alice, orderBy=priority ASC, offset 10000'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :items WHERE true AND j.owner = 'alice' ORDER BY :prio ASC, j.id LIMIT 50 OFFSET 10000;
SELECT j.priority AS after_key, j.id AS after_id FROM jobs j WHERE j.owner = 'alice' ORDER BY j.priority ASC, j.id LIMIT 1 OFFSET 9999 \gset
\echo '### items, alice, orderBy=priority ASC, after the 10000th (keyset cursor)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :items WHERE true AND j.owner = 'alice' AND (j.priority, j.id) > (:'after_key', :'after_id') ORDER BY j.priority ASC, j.id LIMIT 51 OFFSET 0;
\echo '### items, alice, orderBy=priority DESC, offset 10000'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :items WHERE true AND j.owner = 'alice' ORDER BY :prio DESC, j.id LIMIT 50 OFFSET 10000;
SELECT j.priority AS after_key, j.id AS after_id FROM jobs j WHERE j.owner = 'alice' ORDER BY j.priority DESC, j.id LIMIT 1 OFFSET 9999 \gset
\echo '### items, alice, orderBy=priority DESC, after the 10000th (keyset cursor)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM ((:items WHERE true AND j.owner = 'alice' AND j.priority = :'after_key' AND j.id > :'after_id' ORDER BY j.id LIMIT 51 + 0) UNION ALL (:items WHERE true AND j.owner = 'alice' AND j.priority < :'after_key' ORDER BY j.priority DESC, j.id LIMIT 51 + 0)) page ORDER BY priority DESC, id LIMIT 51 OFFSET 0;
\echo '### items, alice, status=completed, orderBy=file_size DESC, offset 10000'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) :items WHERE true AND j.owner = 'alice' AND j.status = 'completed' ORDER BY :size DESC, j.id LIMIT 50 OFFSET 10000;
SELECT :size AS after_key, j.id AS after_id FROM jobs j JOIN media_items m ON m.id = j.media_item_id WHERE j.owner = 'alice' AND j.status = 'completed' ORDER BY :size DESC, j.id LIMIT 1 OFFSET 9999 \gset
\echo '### items, alice, status=completed, orderBy=file_size DESC, after the 10000th (keyset cursor)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM ((:items WHERE true AND j.owner = 'alice' AND j.status = 'completed' AND :size = :'after_key' AND j.id > :'after_id' ORDER BY j.id LIMIT 51 + 0) UNION ALL (:items WHERE true AND j.owner = 'alice' AND j.status = 'completed' AND :size < :'after_key' ORDER BY :size DESC, j.id LIMIT 51 + 0)) page ORDER BY file_size DESC, id LIMIT 51 OFFSET 0;

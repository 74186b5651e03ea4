# bench/scale.sh: sourced by bench/run. Cost as the work grows (issue 14, section 4).
# scale: the stack on its own database (BENCH_SCALE_DB, default mediaflow_scale, dropped and made anew each run; the
#   other benchmarks keep theirs) with MEDIAFLOW_RATE_LIMIT raised for the clients. Three parts (BENCH_SCALE_PARTS,
#   default "database consumers queue"), each printing its table when done:
#   queue: the image worker paused, a backlog of BENCH_SCALE_BACKLOG (10000) jobs of photos of 1024 px (about 140 KB,
#     AMQP priority 6; BENCH_SCALE_DISTINCT photos uploaded, by default one per job, each with bytes of its own, then
#     enqueued again as new jobs until the backlog is full), the worker resumed; then the time from
#     upload to started_at of a new 64 px photo of bob (about 1.5 KB, AMQP priority 8), three times, with MEDIAFLOW_PRIORITY_AGING=0 and then with the default aging (1m) once the
#     backlog has aged (capped at BENCH_SCALE_PROBE_CAP seconds, default 300); the image queue and the status events
#     queue-service has not applied yet are purged afterwards.
#   consumers: image-worker photos/s on the same BENCH_SCALE_PHOTOS (80) photos of 768 px (force=true, 3 variants)
#     at MEDIAFLOW_CONSUMERS=1, 2 and 4 (only the image worker restarted between them).
#   item: see scale_item below (not in the default parts).
#   database: bench/scale-load.sql fills 100,000 and then 1,000,000 jobs (media items, tasks, results); with
#     BENCH_SCALE_BEFORE_JAR (queue-service's jar of the code before a change) both sides in one run: that jar at
#     100k and 1M, then this tree's on the same 1M database (its migrations run there) and on a new one of 100k; at each size
#     p50/p99 of GET /api/queue/items (each order, each status, a deep page), /stats and /metrics?timeRange=30d from
#     4 connections (BENCH_SCALE_REQUESTS per route, default 300, at most BENCH_SCALE_SECONDS, default 15, per
#     route), as alice (a user: her 25 % of the rows) and as admin (every row); and the EXPLAIN (ANALYZE, BUFFERS)
#     plans of the statements behind them (bench/scale-explain.sql, and bench/scale-explain-metrics.sql once
#     migration V86 ran) in data/bench/scale-plans-ROWS.txt. With V86 a size is measured once MetricHourCompactor
#     folded what the load (or the migration's backfill) marked. BENCH_SCALE_ONLY (a regular expression, e.g.
#     'metrics') measures only the routes that match it.

SCALE_DB="${BENCH_SCALE_DB:-mediaflow_scale}"
SCALE_ADMIN_KEY="${BENCH_ADMIN_KEY:-dev-admin-key}"
# the new photo comes from another user than the backlog's (alice's), as on a shared instance
SCALE_PROBE_KEY="${BENCH_PROBE_KEY:-dev-bob-key}"

scale_psql() { PGPASSWORD="${POSTGRES_PASSWORD:-mediaflow}" psql -h 127.0.0.1 -U "${POSTGRES_USER:-mediaflow}" "$@"; }

# a fresh database for this run (the stack's migrations fill in the schema when queue-service starts)
scale_fresh_db() {
  if scale_psql -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    scale_psql -d postgres -qc "DROP DATABASE IF EXISTS \"$SCALE_DB\" WITH (FORCE)" >&2
  fi
}

scale_restart() { # SERVICE [VAR=VALUE...]: that service alone again, with those settings (the rest stays up)
  local s=$1 pid
  shift
  pid=$(service_pid "$s")
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ]; do sleep 0.5; done
  env "$@" MEDIAFLOW_QUIET=1 MEDIAFLOW_START_TIMEOUT="${MEDIAFLOW_START_TIMEOUT:-900}" scripts/local up >&2
}

scale_workers() { # stop|start
  curl -fsS -X POST -H "X-API-Key: $SCALE_ADMIN_KEY" "$BASE/api/queue/worker/$1" >/dev/null
}

scale_queue() {
  local backlog=${BENCH_SCALE_BACKLOG:-10000} cap=${BENCH_SCALE_PROBE_CAP:-300} project r la i
  local distinct=${BENCH_SCALE_DISTINCT:-$backlog}
  project="backlog-$(date +%s)"
  scale_new_database
  scale_restart queue-service MEDIAFLOW_PRIORITY_AGING=0
  scale_workers stop
  la=$(load)
  say "queue: a backlog of $backlog jobs of $distinct photos (1024 px) with the image worker paused"
  r=$(java bench/ScaleClient.java backlog "$BASE" "$KEY" 8 "$backlog" 1024 "$project" "$distinct")
  SCALE_ROWS+=("| backlog: $(field "$r" jobs) jobs of $(field "$r" distinct) photos of 1024 px (AMQP 6), worker paused | $(field "$r" seconds) s to submit | $(scale_waiting) | $la |")
  scale_workers start
  sleep 5
  for i in 1 2 3; do
    la=$(load)
    r=$(timeout "$cap" java bench/ScaleClient.java probe "$BASE" "$SCALE_PROBE_KEY" 64 "probe-$i" || echo "to_start_ms=over_${cap}s")
    SCALE_ROWS+=("| aging off: new 64 px photo ($(field "$r" bytes) bytes, priority $(field "$r" priority)), probe $i | $(field "$r" to_start_ms) ms | $(scale_waiting) | $la |")
  done
  scale_restart queue-service
  say "queue: aging on (1m); waiting 90 s so that the backlog ages"
  sleep 90
  la=$(load)
  r=$(timeout "$cap" java bench/ScaleClient.java probe "$BASE" "$SCALE_PROBE_KEY" 64 "probe-aged" || echo "to_start_ms=over_${cap}s")
  SCALE_ROWS+=("| aging 1m, backlog waiting 90 s+: new 64 px photo, probe | $(field "$r" to_start_ms) ms | $(scale_waiting) | $la |")
  # the backlog's jobs stay in this run's database (the database part starts from a new one); their messages go
  rabbitmqctl -q purge_queue mediaflow.image.tasks >/dev/null 2>&1 || say "could not purge mediaflow.image.tasks"
  # and so do the status events queue-service has not applied yet: left, the next stack (on another database)
  # would spend minutes applying them (58,000 after one run)
  say "queue: $(rabbitmqctl -q list_queues name messages 2>/dev/null | awk '$1 == "mediaflow.queue-service.events" {print $2}') status events not applied yet, purged"
  rabbitmqctl -q purge_queue mediaflow.queue-service.events >/dev/null 2>&1 \
    || say "could not purge mediaflow.queue-service.events"
  echo
  echo "### scale: the queue ($CORES cores; commit $REVISION)"
  echo
  echo "| the queue | upload to started_at | image queue then | load average before |"
  echo "| --- | ---: | --- | --- |"
  printf '%s\n' "${SCALE_ROWS[@]}"
}

scale_waiting() { # the image queue's depth now
  rabbitmqctl -q list_queues name messages 2>/dev/null | awk '$1 == "mediaflow.image.tasks" {print $2 " waiting"}'
}

scale_new_database() { # queue-service on a new, empty database (the jobs of the part before gone)
  kill "$(service_pid queue-service)" 2>/dev/null || true
  sleep 3
  scale_fresh_db
  if [ -n "${SCALE_JAR:-}" ] && [ -f "$OUT/queue-service-this-tree.jar" ]; then cp "$OUT/queue-service-this-tree.jar" "$SCALE_JAR"; fi
  scale_restart queue-service
}

scale_consumers() {
  local n r la
  scale_new_database
  for n in 1 2 4; do
    scale_restart image-worker MEDIAFLOW_CONSUMERS=$n
    la=$(load)
    r=$(java bench/ScaleClient.java throughput "$BASE" "$KEY" 4 "${BENCH_SCALE_PHOTOS:-80}" 768)
    SCALE_CONSUMER_ROWS+=("| $n | $(field "$r" photos) | $(field "$r" failed) | $(field "$r" seconds) | $(field "$r" photos_per_s) | $la |")
  done
  echo
  echo "### scale: the consumers ($CORES cores; commit $REVISION)"
  echo
  echo "| MEDIAFLOW_CONSUMERS | photos (768 px, 3 variants) | failed | seconds | photos/s | load average before |"
  echo "| ---: | ---: | ---: | ---: | ---: | --- |"
  printf '%s\n' "${SCALE_CONSUMER_ROWS[@]}"
}

# item: one photo enqueued again BENCH_SCALE_ITEM_JOBS (200) times with the image worker paused, then resumed: each
#   success brings results, which every other job of the media item shows (queue-service used to refresh all of
#   them; a results version per media item now, docs/performance.md section 4); the seconds until every job is
#   completed (from the jobs table), capped at BENCH_SCALE_PROBE_CAP (300).
scale_item() {
  local jobs=${BENCH_SCALE_ITEM_JOBS:-200} cap=${BENCH_SCALE_PROBE_CAP:-300} r la start done_jobs=0 waited=0
  scale_new_database
  scale_workers stop
  r=$(java bench/ScaleClient.java backlog "$BASE" "$KEY" 8 "$jobs" 1024 "item-$(date +%s)" 1)
  la=$(load)
  start=$(date +%s.%N)
  scale_workers start
  while [ "$done_jobs" -lt "$jobs" ] && [ "$waited" -lt "$cap" ]; do
    sleep 1
    waited=$((waited + 1))
    done_jobs=$(scale_psql -d "$SCALE_DB" -Atqc "SELECT count(*) FROM jobs WHERE status = 'completed'" 2>/dev/null || echo 0)
  done
  echo
  echo "### scale: the jobs of one media item ($CORES cores; commit $REVISION)"
  echo
  echo "| jobs of one photo (thumbnail) | completed | seconds from resuming the worker | load average before |"
  echo "| ---: | ---: | ---: | --- |"
  if [ "$done_jobs" -ge "$jobs" ]; then
    echo "| $(field "$r" jobs) | $done_jobs | $(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)") | $la |"
  else
    echo "| $(field "$r" jobs) | $done_jobs | over $cap | $la |"
  fi
}

# the routes measured, as alice and as admin
SCALE_USER_ROUTES=(
  "/api/queue/items"
  "/api/queue/items?orderBy=priority&orderDirection=DESC"
  "/api/queue/items?orderBy=queued_at"
  "/api/queue/items?orderBy=queued_at&orderDirection=DESC"
  "/api/queue/items?orderBy=file_size"
  "/api/queue/items?orderBy=file_size&orderDirection=DESC"
  "/api/queue/items?status=queued"
  "/api/queue/items?status=processing"
  "/api/queue/items?status=completed"
  "/api/queue/items?status=failed"
  "/api/queue/items?status=cancelled"
  "/api/queue/items?status=pending"
  "/api/queue/items?status=completed&orderBy=file_size&orderDirection=DESC"
  "/api/queue/items?orderBy=queued_at&orderDirection=DESC&offset=10000"
  "/api/queue/stats"
  "/api/queue/stats?projectId=project-7"
  "/api/queue/metrics?timeRange=30d"
  "/api/queue/metrics?timeRange=all"
)
SCALE_ADMIN_ROUTES=(
  "/api/queue/items"
  "/api/queue/items?orderBy=queued_at&orderDirection=DESC"
  "/api/queue/items?orderBy=file_size&orderDirection=DESC"
  "/api/queue/items?status=failed"
  "/api/queue/stats"
  "/api/queue/metrics?timeRange=30d"
  "/api/queue/metrics?timeRange=all"
)

# BENCH_SCALE_ONLY (an extended regular expression): only the routes that match it are measured, e.g. 'metrics'
scale_only() { # ROUTE...: those that BENCH_SCALE_ONLY lets through
  local r
  for r in "$@"; do [[ -z "${BENCH_SCALE_ONLY:-}" || "$r" =~ ${BENCH_SCALE_ONLY} ]] && echo "$r"; done
}

# With migration V86, the triggers mark what MetricHourCompactor folds into job_metric_hours (after a load, and the
# backfill of the migration itself); the figures are measured once it has (waiting at most 15 minutes), and the time
# it took is reported.
scale_metrics_folded() { # LABEL
  local t0=$SECONDS left
  [ "$(scale_psql -d "$SCALE_DB" -Atc "select count(*) from information_schema.tables where table_name = 'job_metric_hours'")" = 1 ] || return 0
  while :; do
    left=$(scale_psql -d "$SCALE_DB" -Atc "select (select count(*) from job_metric_entered) + (select count(*) from job_metric_stale_hours)")
    [ "$left" = 0 ] && break
    if [ $((SECONDS - t0)) -gt 900 ]; then SCALE_LOADS+=("$1: $left metric markers still not folded after 900 s"); return 0; fi
    sleep 2
  done
  SCALE_LOADS+=("$1: the metric markers folded into job_metric_hours within $((SECONDS - t0)) s")
}

scale_latency() { # appends one column (p50 / p99) to SCALE_LAT[caller route]
  local line route who key routes
  for who in alice admin; do
    if [ $who = alice ]; then key=$KEY; mapfile -t routes < <(scale_only "${SCALE_USER_ROUTES[@]}")
    else key=$SCALE_ADMIN_KEY; mapfile -t routes < <(scale_only "${SCALE_ADMIN_ROUTES[@]}"); fi
    [ ${#routes[@]} = 0 ] && continue
    set -- "${routes[@]}"
    while read -r line; do
      route=$(field "$line" path)
      SCALE_LAT["$who $route"]+=" $(field "$line" p50_ms) / $(field "$line" p99_ms) |"
    done < <(BENCH_SECONDS="${BENCH_SCALE_SECONDS:-15}" java bench/ScaleClient.java latency "$BASE" "$key" 4 \
      "${BENCH_SCALE_REQUESTS:-300}" "$@")
  done
}

scale_explain() { # ROWS: the statements of the code that runs (with jobs.file_size and job_counts from V85, or before)
  local items="SELECT j.id, j.media_item_id, j.owner, j.status, j.run, j.priority, j.attempts, j.max_attempts, j.last_error, j.operations, j.project_id, j.batch_id, j.queued_at, j.started_at, j.completed_at, j.duration_ms, m.owner AS m_owner, m.original_filename, m.media_type, m.file_size, m.sha256, m.input_path, m.output_dir, m.created_at AS m_created_at, m.expired_at AS m_expired_at FROM jobs j JOIN media_items m ON m.id = j.media_item_id"
  local size=m.file_size count="SELECT count(*) FROM jobs j WHERE true AND j.owner = 'alice'"
  local stats="SELECT status, count(*) AS n FROM jobs WHERE true AND owner = 'alice' GROUP BY status"
  if [ "$(scale_psql -d "$SCALE_DB" -Atc "select count(*) from information_schema.tables where table_name = 'job_counts'")" = 1 ]; then
    local counts="SELECT owner, project_id, status, n FROM job_counts WHERE owner = 'alice' UNION ALL SELECT owner, project_id, status, delta FROM job_count_deltas WHERE owner = 'alice'"
    size=j.file_size
    count="SELECT COALESCE(sum(n), 0)::bigint FROM ($counts) c"
    stats="SELECT status, sum(n)::bigint AS n FROM (${counts//WHERE owner/WHERE true AND owner}) c GROUP BY status"
  fi
  scale_psql -d "$SCALE_DB" -X -v items="$items" -v prio=j.priority -v size="$size" -v count_alice="$count" \
    -v stats_alice="$stats" -f bench/scale-explain.sql >"$OUT/scale-plans-$1.txt" 2>&1 \
    || say "EXPLAIN failed: see $OUT/scale-plans-$1.txt"
  if [ "$(scale_psql -d "$SCALE_DB" -Atc "select count(*) from information_schema.tables where table_name = 'job_metric_hours'")" = 1 ]; then
    scale_psql -d "$SCALE_DB" -X -f bench/scale-explain-metrics.sql >>"$OUT/scale-plans-$1.txt" 2>&1 \
      || say "EXPLAIN of the metrics failed: see $OUT/scale-plans-$1.txt"
  fi
}

scale_load() { # JOBS: adds jobs up to that many, measures and keeps the plans; LABEL names the column
  local size=$1 label=$2 t0=$SECONDS
  say "database: loading jobs up to $size ($label)"
  scale_psql -d "$SCALE_DB" -X -q -o /dev/null -v n=$((size - SCALE_LOADED)) -v first=$SCALE_LOADED \
    -f bench/scale-load.sql >&2
  SCALE_LOADS+=("$label: $((size - SCALE_LOADED)) jobs loaded in $((SECONDS - t0)) s, database $(scale_psql -d "$SCALE_DB" -Atc "select pg_size_pretty(pg_database_size(current_database()))")")
  SCALE_LOADED=$size
  scale_metrics_folded "$label"
  scale_measure "$label"
}

scale_measure() { # LABEL
  SCALE_COLUMNS+=("$1")
  SCALE_LA+=("$1: $(load)")
  scale_latency
  scale_explain "${1// /}"
}

scale_queue_service() { # JAR: queue-service from that jar (a copy over the built one), aging off
  kill "$(service_pid queue-service)" 2>/dev/null || true
  sleep 3
  cp "$1" "$SCALE_JAR"
  local t0=$SECONDS
  scale_restart queue-service MEDIAFLOW_PRIORITY_AGING=0
  SCALE_STARTS+=("queue-service from $(basename "$(dirname "$(dirname "$(dirname "$1")")")") started (with its migrations) in $((SECONDS - t0)) s")
}

# With BENCH_SCALE_BEFORE_JAR (a queue-service jar of the code before), both sides in one run: the before jar at
# 100k and 1M jobs; then this tree's jar on the same 1M database (its migrations run on it), and on a new database
# of 100k. Without it, this tree's jar at 100k and 1M.
scale_database() {
  local after
  declare -gA SCALE_LAT=()
  SCALE_LOADS=() SCALE_COLUMNS=() SCALE_STARTS=() SCALE_LOADED=0
  SCALE_JAR=$(ls "$ROOT"/queue-service/target/queue-service-*.jar | head -1)
  after="$OUT/queue-service-this-tree.jar"
  cp "$SCALE_JAR" "$after"
  kill "$(service_pid queue-service)" 2>/dev/null || true
  sleep 3
  scale_fresh_db
  if [ -n "${BENCH_SCALE_BEFORE_JAR:-}" ]; then
    scale_queue_service "$BENCH_SCALE_BEFORE_JAR"
    scale_load 100000 "before, 100k"
    scale_load 1000000 "before, 1M"
    scale_queue_service "$after"
    sleep 3 # a compaction of the counts
    scale_metrics_folded "after, 1M (the backfill of V86)"
    scale_measure "after, 1M"
    kill "$(service_pid queue-service)" 2>/dev/null || true
    sleep 3
    scale_fresh_db
    SCALE_LOADED=0
    scale_queue_service "$after"
    scale_load 100000 "after, 100k"
  else
    scale_queue_service "$after"
    scale_load 100000 "100k"
    scale_load 1000000 "1M"
  fi
  local k c
  echo
  echo "### scale: the database ($CORES cores, database $SCALE_DB; commit $REVISION)"
  echo
  printf -- '- %s\n' "${SCALE_LOADS[@]}" "${SCALE_STARTS[@]}"
  echo "- load average (1/5/15 min) before each column: ${SCALE_LA[*]}"
  echo
  printf '| caller | route |'; for c in "${SCALE_COLUMNS[@]}"; do printf ' p50 / p99 ms, %s |' "$c"; done; echo
  printf '| --- | --- |'; for c in "${SCALE_COLUMNS[@]}"; do printf ' ---: |'; done; echo
  for k in $(scale_only "${SCALE_USER_ROUTES[@]}"); do echo "| alice | \`$k\` |${SCALE_LAT["alice $k"]}"; done
  for k in $(scale_only "${SCALE_ADMIN_ROUTES[@]}"); do echo "| admin | \`$k\` |${SCALE_LAT["admin $k"]}"; done
  echo
  echo "Plans: $OUT/scale-plans-*.txt"
}

bench_scale() {
  need_tools psql:postgresql-client curl:curl bc:bc
  local parts=${BENCH_SCALE_PARTS:-database consumers queue} part
  SCALE_ROWS=() SCALE_CONSUMER_ROWS=() SCALE_LA=()
  scale_fresh_db
  export MEDIAFLOW_PG_DATABASE="$SCALE_DB" POSTGRES_URL="jdbc:postgresql://127.0.0.1:5432/$SCALE_DB"
  # the loaded live jobs are not theirs to republish: the leases are long for this run
  export MEDIAFLOW_RATE_LIMIT=100000 MEDIAFLOW_QUEUED_LEASE=1d MEDIAFLOW_TASK_LEASE=1d
  # the backlog is one owner's 10,000 jobs: past the default in-flight cap (500), which holds enqueues too
  export MEDIAFLOW_MAX_INFLIGHT_PER_OWNER=100000000
  stack_up
  for part in $parts; do "scale_$part"; done
  if [ -n "${SCALE_JAR:-}" ] && [ -f "$OUT/queue-service-this-tree.jar" ]; then cp "$OUT/queue-service-this-tree.jar" "$SCALE_JAR"; fi
  stack_down
}

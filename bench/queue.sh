# bench/queue.sh: sourced by bench/run. Queue overhead (issue 14, section 3).
# queue: jobs per second from upload to `completed` for no-op jobs, next to RabbitMQ PerfTest on the same broker.
#   (b) mediaflow: the stack with MEDIAFLOW_BENCH_NOOP=true (and the per-key rate and in-flight limits raised for
#       the run), BENCH_QUEUE_JOBS (default 600) jobs with operations=noop, each an 8x8 PNG of its own with
#       force=true, over BENCH_QUEUE_CONNECTIONS (default 8) connections (bench/QueueClient.java), after 100 jobs of
#       warm-up; jobs/s from the first upload to the poll that sees the last job final. The image worker completes
#       a noop task without reading the file, so what is measured is the gateway, the broker, queue-service,
#       PostgreSQL and Redis.
#   (a) PerfTest (com.rabbitmq:perf-test, fetched from Maven Central into data/bench/perftest): persistent
#       messages of 1 kB with publisher confirms (one outstanding per producer, as mediaflow's publishers wait for
#       each confirm), 4 producers and 2 consumers (manual acks, prefetch 1: the image worker's default consumers
#       on 2 cores), on the same broker in a vhost of its own, for BENCH_QUEUE_PERFTEST_SECONDS (default 20).
#   Prints both rates and their ratio, and per job: messages published and delivered in the stack's vhost
#   (management API); PostgreSQL statements (the run sets log_min_duration_statement=0 on database mediaflow alone,
#   as the postgres superuser, before the stack starts, and counts the statements the server's log shows for it:
#   pg_stat_statements would need a restart of the shared server), transactions, rows written, table scans and the
#   rows that whole-table scans read (pg_stat_database, pg_stat_user_tables); Redis commands (INFO commandstats,
#   which counts the commands run inside scripts too, so the scripts called are printed apart, with the commands by
#   name). The broker and Redis are shared with other work, so each counter is also taken over an idle window as
#   long as the run, after it.
#   Then BENCH_QUEUE_COUNTED (default 100) more jobs, untimed, while `redis-cli MONITOR` records Redis: the
#   commands that the stack's own connections sent (their ports from `ss`): its round trips, and the commands their
#   scripts ran, per job. MONITOR slows Redis down, which is why this pass is not the timed one.
#   BENCH_QUEUE_BASELINE=DIR: the same measurement, in the same run, with the four service jars in DIR (and its
#   file REVISION naming their commit), e.g. those of a build before a change; the build's jars are put back.
#   The workers are resumed first (a pause flag left in Redis by an earlier run would hold every task).
#   Then the backlog drain: queue-service is stopped (SIGSTOP), the status events of BENCH_QUEUE_DRAIN_JOBS
#   (default 1500) no-op jobs are published straight to mediaflow.events (bench/EventBurst.java: every job.submitted,
#   then each job's task.started and task.succeeded), queue-service is continued (SIGCONT), and the time until
#   PostgreSQL shows every one of those jobs completed (a poll every 0.2 s) gives the events applied per second
#   under a backlog, with the statements and transactions per event (the polls' own subtracted).
#   BENCH_QUEUE_DRAIN_ROUNDS=N (with BENCH_QUEUE_BASELINE): the drain alone, N rounds, each this build's
#   queue-service and then the baseline's, swapped in the running stack (only queue-service is restarted), so that
#   the two sides alternate under the same load; no jobs through the gateway, no PerfTest.

# --- queue ------------------------------------------------------------------------------------------
QUEUE_PERFTEST_VERSION=2.22.1
QUEUE_PERFTEST_VHOST=mediaflow-bench-perftest
MGMT=http://127.0.0.1:15672/api
PG_LOG=${BENCH_PG_LOG:-/var/log/postgresql/postgresql-15-main.log}

# statement logging on the stack's database only; new sessions take it, so before the stack starts
pg_statement_log() { # on|off
  local sql="ALTER DATABASE mediaflow RESET log_min_duration_statement"
  [ "$1" = on ] && sql="ALTER DATABASE mediaflow SET log_min_duration_statement = 0"
  su postgres -c "psql -q -c \"$sql\"" >&2
}
pg_log_size() { stat -c %s "$PG_LOG" 2>/dev/null || echo 0; }
# pg_statements FROM TO: statements executed in database mediaflow in that byte range of the log (simple queries
# such as BEGIN and COMMIT, and the execute step of extended-protocol ones; parse and bind are not counted)
pg_statements() {
  tail -c +"$(($1 + 1))" "$PG_LOG" | head -c "$(($2 - $1))" \
    | grep -E '@mediaflow .*duration: [0-9.]+ ms +(statement|execute [^:]*):' -c || true
}

perftest_fetch() {
  local dir="$OUT/perftest"
  [ -f "$dir/lib/perf-test-$QUEUE_PERFTEST_VERSION.jar" ] && return 0
  say "fetching PerfTest $QUEUE_PERFTEST_VERSION from Maven Central"
  mkdir -p "$dir"
  cat >"$dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>perftest-fetch</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies><dependency><groupId>com.rabbitmq</groupId><artifactId>perf-test</artifactId>
    <version>$QUEUE_PERFTEST_VERSION</version></dependency></dependencies>
</project>
POM
  ./mvnw -B -q -f "$dir/pom.xml" dependency:copy-dependencies -DoutputDirectory="$dir/lib" >&2
}

# queue_counters: one line of key=value: the stack's vhost at the broker, the database, Redis
queue_counters() {
  local vhost pg redis
  vhost=$(curl -sf -u guest:guest "$MGMT/vhosts/%2F" | python3 -c '
import json,sys; s=json.load(sys.stdin).get("message_stats",{})
print("published=%d delivered=%d" % (s.get("publish",0), s.get("deliver_get",0)))')
  pg=$(PGPASSWORD="${POSTGRES_PASSWORD:-mediaflow}" psql -h 127.0.0.1 -U "${POSTGRES_USER:-mediaflow}" -d mediaflow -Atq -F' ' -c "
    SELECT 'xacts=' || (xact_commit + xact_rollback), 'rows_written=' || (SELECT COALESCE(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables),
           'scans=' || (SELECT COALESCE(sum(COALESCE(seq_scan, 0) + COALESCE(idx_scan, 0)), 0) FROM pg_stat_user_tables),
           'seq_rows=' || (SELECT COALESCE(sum(COALESCE(seq_tup_read, 0)), 0) FROM pg_stat_user_tables)
    FROM pg_stat_database WHERE datname = 'mediaflow'")
  redis=$(redis-cli INFO commandstats | python3 -c '
import sys,re
calls={m.group(1): int(m.group(2)) for m in re.finditer(r"cmdstat_([a-z|]+):calls=(\d+)", sys.stdin.read())}
print("redis_calls=%d redis_scripts=%d" % (sum(calls.values()), calls.get("evalsha",0)+calls.get("eval",0)),
      " ".join("redis_%s=%d" % (k.replace("|","_"), v) for k, v in sorted(calls.items())))')
  echo "$vhost $pg $redis"
}

# queue_delta BEFORE AFTER KEY JOBS: (after - before) / jobs, two decimals
queue_delta() {
  local a b
  a=$(field "$1" "$3") b=$(field "$2" "$3")
  echo "scale=2; (${b:-0} - ${a:-0}) / $4" | bc -l
}

# queue_redis_pass JOBS CONNS: prints redis_sent=N redis_in_scripts=N per job, from MONITOR during JOBS jobs
queue_redis_pass() {
  local jobs=$1 mon="$OUT/queue-monitor.log" pid s pids=""
  for s in gateway-service queue-service image-worker vision-worker; do pids+=" $(service_pid $s)"; done
  redis-cli MONITOR >"$mon" &
  pid=$!
  sleep 0.5
  java bench/QueueClient.java "$BASE" "$KEY" "$jobs" "$2" >/dev/null
  sleep 1
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  ss -tnpH 'dport = :6379' | PIDS="$pids" JOBS="$jobs" MON="$mon" python3 -c '
import os, re, sys
pids = set(os.environ["PIDS"].split())
ports = set()
for line in sys.stdin:
    m = re.search(r":(\d+)\s+\S+:6379\s+users:.*pid=(\d+)", line)
    if m and m.group(2) in pids:
        ports.add(m.group(1))
sent = inner = 0
ours = False
for line in open(os.environ["MON"], errors="replace"):
    m = re.match(r"[\d.]+ \[\d+ ([^\]]+)\]", line)
    if not m:
        continue
    if m.group(1) == "lua":
        inner += ours
    else:
        ours = m.group(1).rsplit(":", 1)[-1] in ports
        sent += ours
jobs = int(os.environ["JOBS"])
print("redis_sent=%.2f redis_in_scripts=%.2f" % (sent / jobs, inner / jobs))'
}

perftest_side() {
  local seconds=${BENCH_QUEUE_PERFTEST_SECONDS:-20} log="$OUT/perftest/last.log"
  curl -sf -u guest:guest -X PUT "$MGMT/vhosts/$QUEUE_PERFTEST_VHOST" >/dev/null
  curl -sf -u guest:guest -X PUT -H 'content-type: application/json' \
    -d '{"configure":".*","write":".*","read":".*"}' "$MGMT/permissions/$QUEUE_PERFTEST_VHOST/guest" >/dev/null
  java -cp "$OUT/perftest/lib/*" com.rabbitmq.perf.PerfTest \
    --uri "amqp://guest:guest@127.0.0.1:5672/$QUEUE_PERFTEST_VHOST" \
    --producers 4 --consumers 2 --size 1000 --flag persistent --confirm 1 --qos 1 \
    --queue bench-perftest --time "$seconds" >"$log" 2>&1 || { say "PerfTest failed: $(tail -5 "$log")"; exit 1; }
  curl -sf -u guest:guest -X DELETE "$MGMT/vhosts/$QUEUE_PERFTEST_VHOST" >/dev/null || true
  # the summary: "sending rate avg: N msg/s" and "receiving rate avg: N msg/s"
  echo "sent_per_s=$(sed -n 's/.*sending rate avg: \([0-9.]*\) msg\/s.*/\1/p' "$log" | tail -1)" \
       "received_per_s=$(sed -n 's/.*receiving rate avg: \([0-9.]*\) msg\/s.*/\1/p' "$log" | tail -1)"
}

# queue_side: warm-up, the timed run, the idle window, the MONITOR pass, on the running stack; prints one line
#   of key=value: the client's, then run_<counter>=per job, idle_<counter>=per job, the MONITOR pass's, la=
queue_side() {
  local jobs=$1 conns=$2 r c0 c1 i0 i1 log0 log1 ilog0 ilog1 rt la k
  curl -sf -X POST -H "X-API-Key: ${BENCH_ADMIN_KEY:-dev-admin-key}" "$BASE/api/queue/worker/start" >/dev/null
  say "queue: 100 no-op jobs of warm-up"
  java bench/QueueClient.java "$BASE" "$KEY" 100 "$conns" >/dev/null
  sleep 6  # the management API's message counters are sampled every 5 s
  say "queue: $jobs no-op jobs over $conns connections"
  la=$(load)
  c0=$(queue_counters)
  log0=$(pg_log_size)
  r=$(java bench/QueueClient.java "$BASE" "$KEY" "$jobs" "$conns")
  sleep 6  # the last events' Redis writes follow their commit; the broker's counters lag up to 5 s
  c1=$(queue_counters)
  log1=$(pg_log_size)
  i0=$(queue_counters)
  ilog0=$(pg_log_size)
  # the idle window: as long as the run, stack idle (its periodic work, and whatever else uses the shared servers)
  sleep "$(printf '%.0f' "$(field "$r" seconds)")"
  i1=$(queue_counters)
  ilog1=$(pg_log_size)
  say "queue: ${BENCH_QUEUE_COUNTED:-100} jobs with Redis MONITOR on"
  rt=$(queue_redis_pass "${BENCH_QUEUE_COUNTED:-100}" "$conns")
  local out="$r $rt la=${la// /_} $(queue_drain "${BENCH_QUEUE_DRAIN_JOBS:-1500}")"
  out+=" run_pg_statements=$(echo "scale=2; $(pg_statements "$log0" "$log1") / $jobs" | bc -l)"
  out+=" idle_pg_statements=$(echo "scale=2; $(pg_statements "$ilog0" "$ilog1") / $jobs" | bc -l)"
  for k in $(echo "$c1" | tr ' ' '\n' | sed -n 's/^\([a-z_]*\)=.*/\1/p'); do
    out+=" run_$k=$(queue_delta "$c0" "$c1" "$k" "$jobs") idle_$k=$(queue_delta "$i0" "$i1" "$k" "$jobs")"
  done
  echo "$out"
}

# queue_drain JOBS: the backlog drain (see the top); prints drain_events= drain_seconds= drain_per_s=
#   drain_pg_statements= drain_xacts= (per event) drain_la=
queue_drain() {
  local n=$1 tag qs t0 t1 finished=0 polls=0 c0 c1 log0 log1 la events
  tag="drain-$(date +%s)-$RANDOM"
  qs=$(service_pid queue-service)
  say "queue: drain: queue-service stopped, the events of $n no-op jobs published"
  kill -STOP "$qs"
  if ! java -cp "$OUT/perftest/lib/*" bench/EventBurst.java "amqp://guest:guest@127.0.0.1:5672/%2F" "$n" "$tag" >&2; then
    kill -CONT "$qs"
    say "queue: drain: publishing failed"
    return 0
  fi
  events=$((3 * n))
  la=$(load)
  c0=$(queue_counters)
  log0=$(pg_log_size)
  t0=$(date +%s.%N)
  kill -CONT "$qs"
  say "queue: drain: queue-service continued, $events events to apply"
  while [ "$finished" != "$n" ]; do
    sleep 0.2
    polls=$((polls + 1))
    finished=$(PGPASSWORD="${POSTGRES_PASSWORD:-mediaflow}" psql -h 127.0.0.1 -U "${POSTGRES_USER:-mediaflow}" -d mediaflow \
      -Atq -c "SELECT count(*) FROM jobs WHERE batch_id = '$tag' AND status = 'completed'")
    if [ "$(echo "$(date +%s.%N) - $t0 > ${BENCH_QUEUE_DRAIN_CAP:-900}" | bc -l)" = 1 ]; then
      say "queue: drain: $finished of $n jobs completed after ${BENCH_QUEUE_DRAIN_CAP:-900} s; stopped waiting"
      break
    fi
  done
  t1=$(date +%s.%N)
  c1=$(queue_counters)
  log1=$(pg_log_size)
  local seconds
  seconds=$(echo "scale=2; ($t1 - $t0) / 1" | bc -l)
  echo "drain_jobs=$finished drain_events=$events drain_seconds=$seconds" \
    "drain_per_s=$(echo "scale=1; 3 * $finished / ($t1 - $t0)" | bc -l)" \
    "drain_pg_statements=$(echo "scale=2; ($(pg_statements "$log0" "$log1") - $polls) / $events" | bc -l)" \
    "drain_xacts=$(echo "scale=2; ($(field "$c1" xacts) - $(field "$c0" xacts) - $polls - 1) / $events" | bc -l)" \
    "drain_la=${la// /_}"
}

# queue_jars FROM_DIR TO_DIR: copies the four service jars of FROM_DIR (or of the build, "target") into TO_DIR
# (or into the build); the build's jars are what scripts/local starts
queue_jars() {
  local s from to
  for s in gateway-service queue-service image-worker vision-worker; do
    from="$1/$s-$(queue_version).jar" to="$2/$s-$(queue_version).jar"
    [ "$1" = target ] && from="$ROOT/$s/target/$s-$(queue_version).jar"
    [ "$2" = target ] && to="$ROOT/$s/target/$s-$(queue_version).jar"
    cp "$from" "$to"
  done
}
queue_version() { sed -n "s/^VERSION=//p" "$ROOT/scripts/local" | head -1; }

# queue_service_jar JAR: restarts queue-service alone on JAR (scripts/local up starts only what is not running)
queue_service_jar() {
  stop_queue_service
  cp "$1" "$ROOT/queue-service/target/queue-service-$(queue_version).jar"
  MEDIAFLOW_QUIET=1 MEDIAFLOW_START_TIMEOUT="${MEDIAFLOW_START_TIMEOUT:-900}" scripts/local up >&2
}
stop_queue_service() {
  local pid
  pid=$(service_pid queue-service)
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ]; do sleep 0.5; done
}

# queue_drain_rounds ROUNDS JOBS BASELINE_DIR: the drain alone, alternating this build and the baseline
queue_drain_rounds() {
  local rounds=$1 jobs=$2 base=$3 r side jar line
  local current="$OUT/queue-current/queue-service-$(queue_version).jar"
  export MEDIAFLOW_BENCH_NOOP=true
  pg_statement_log on
  stack_up
  mkdir -p "$OUT/queue-current"
  cp "$ROOT/queue-service/target/queue-service-$(queue_version).jar" "$current"
  echo
  echo "### queue: backlog drain, $rounds rounds alternating ($jobs no-op jobs' status events waiting each time, queue-service then continued)"
  echo
  echo "| round | side | events | jobs completed | seconds | events applied/s | PostgreSQL statements per event | transactions per event | load average before |"
  echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  for r in $(seq 1 "$rounds"); do
    for side in "$REVISION" "$(cat "$base/REVISION")"; do
      jar=$current
      [ "$side" = "$REVISION" ] || jar="$base/queue-service-$(queue_version).jar"
      say "queue: drain round $r: $side"
      queue_service_jar "$jar"
      line=$(queue_drain "$jobs")
      echo "| $r | $side | $(field "$line" drain_events) | $(field "$line" drain_jobs) | $(field "$line" drain_seconds) | $(field "$line" drain_per_s) | $(field "$line" drain_pg_statements) | $(field "$line" drain_xacts) | $(field "$line" drain_la | tr _ ' ') |"
    done
  done
  stop_queue_service
  cp "$current" "$ROOT/queue-service/target/queue-service-$(queue_version).jar"
  pg_statement_log off
  stack_down
}

bench_queue() {
  need_tools bc:bc python3:python3 curl:curl psql:postgresql-client redis-cli:redis-tools ss:iproute2
  if [ -n "${BENCH_QUEUE_DRAIN_ROUNDS:-}" ]; then
    [ -n "${BENCH_QUEUE_BASELINE:-}" ] || { say "BENCH_QUEUE_DRAIN_ROUNDS needs BENCH_QUEUE_BASELINE"; exit 2; }
    perftest_fetch
    queue_drain_rounds "$BENCH_QUEUE_DRAIN_ROUNDS" "${BENCH_QUEUE_DRAIN_JOBS:-1500}" "$BENCH_QUEUE_BASELINE"
    return
  fi
  local jobs=${BENCH_QUEUE_JOBS:-600} conns=${BENCH_QUEUE_CONNECTIONS:-8} p la2 base=${BENCH_QUEUE_BASELINE:-}
  local sides=() labels=()
  perftest_fetch
  export MEDIAFLOW_BENCH_NOOP=true MEDIAFLOW_RATE_LIMIT=100000 MEDIAFLOW_MAX_INFLIGHT_PER_OWNER=100000
  pg_statement_log on
  stack_up
  sides+=("$(queue_side "$jobs" "$conns")")
  labels+=("$REVISION")
  echo "${labels[0]} ${sides[0]}" >"$OUT/queue-sides.txt"
  if [ -n "$base" ]; then
    # the same run, the jars of an earlier build (BENCH_QUEUE_BASELINE: a folder with the four service jars and a
    # file REVISION), so that before and after meet the same machine; the build's jars are put back after
    say "queue: the baseline jars of $base"
    stack_down
    mkdir -p "$OUT/queue-current"
    queue_jars target "$OUT/queue-current"
    queue_jars "$base" target
    local build=$BUILD
    BUILD=0
    stack_up
    sides+=("$(queue_side "$jobs" "$conns")") || true
    labels+=("$(cat "$base/REVISION")")
    echo "${labels[1]} ${sides[1]}" >>"$OUT/queue-sides.txt"
    stack_down
    queue_jars "$OUT/queue-current" target
    BUILD=$build
  fi
  pg_statement_log off
  say "queue: PerfTest, ${BENCH_QUEUE_PERFTEST_SECONDS:-20} s"
  la2=$(load)
  p=$(perftest_side)
  local recv sent i k line
  recv=$(field "$p" received_per_s)
  sent=$(field "$p" sent_per_s)
  echo
  echo "### queue: no-op jobs vs RabbitMQ PerfTest ($CORES cores, $jobs jobs over $conns connections; PerfTest 4 producers, 2 consumers, persistent, confirms)"
  echo
  echo "| side | rate | ratio to PerfTest msg/s | load average before |"
  echo "| --- | ---: | ---: | --- |"
  for i in "${!sides[@]}"; do
    line=${sides[$i]}
    echo "| mediaflow ${labels[$i]}: no-op jobs, upload to completed | $(field "$line" per_s) jobs/s ($(field "$line" failed) failed, $(field "$line" seconds) s) | $(echo "scale=4; $(field "$line" per_s) / $recv" | bc -l) | $(field "$line" la | tr _ ' ') |"
  done
  echo "| PerfTest | $sent msg/s sent, $recv msg/s received | 1 | $la2 |"
  echo
  local head="| per job" rule="| ---"
  for i in "${!sides[@]}"; do head+=" | ${labels[$i]} run | idle"; rule+=" | ---: | ---:"; done
  echo "$head |"
  echo "$rule |"
  row() { # LABEL KEY [IDLE]
    local out="| $1" l
    for l in "${sides[@]}"; do
      out+=" | $(field "$l" "$2") | $( [ -z "${3:-}" ] || field "$l" "$3")"
    done
    echo "$out |"
  }
  row "messages published (stack's vhost)" run_published idle_published
  row "messages delivered" run_delivered idle_delivered
  row "PostgreSQL statements (log)" run_pg_statements idle_pg_statements
  row "PostgreSQL transactions" run_xacts idle_xacts
  row "rows written" run_rows_written idle_rows_written
  row "table scans" run_scans idle_scans
  row "rows read by whole-table scans" run_seq_rows idle_seq_rows
  row "Redis round trips: commands the stack's connections sent (MONITOR pass)" redis_sent
  row "Redis commands their scripts ran (MONITOR pass)" redis_in_scripts
  row "Redis commands, INFO commandstats (scripts' included)" run_redis_calls idle_redis_calls
  row "Redis scripts called (EVALSHA, EVAL)" run_redis_scripts idle_redis_scripts
  # by name, those of the first side used at least once per 10 jobs
  for k in $(echo "${sides[0]}" | tr ' ' '\n' | sed -n 's/^run_\(redis_[a-z_]*\)=.*/\1/p'); do
    case $k in redis_calls|redis_scripts) continue ;; esac
    if [ "$(echo "$(field "${sides[0]}" "run_$k") >= 0.1" | bc -l)" = 1 ]; then
      row "&nbsp;&nbsp;${k#redis_}" "run_$k" "idle_$k"
    fi
  done
  echo
  echo "(Each side's counters include its client's stats polls, one per 100 ms; the idle columns are the stack left alone for as long as its run, divided by the same $jobs jobs.)"
  echo
  echo "### queue: backlog drain (${BENCH_QUEUE_DRAIN_JOBS:-1500} no-op jobs' status events waiting, queue-service then continued)"
  echo
  echo "| side | events | jobs completed | seconds | events applied/s | PostgreSQL statements per event | transactions per event | load average before |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  for i in "${!sides[@]}"; do
    line=${sides[$i]}
    echo "| ${labels[$i]} | $(field "$line" drain_events) | $(field "$line" drain_jobs) | $(field "$line" drain_seconds) | $(field "$line" drain_per_s) | $(field "$line" drain_pg_statements) | $(field "$line" drain_xacts) | $(field "$line" drain_la | tr _ ' ') |"
  done
  stack_down
}

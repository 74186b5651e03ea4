# bench/upload.sh: sourced by bench/run. Upload streaming (issue 14, section 2).
# upload: the gateway's upload path, with the workers paused (POST /api/queue/worker/stop) so that no image work
#   shares the cores: what is measured is the upload to its 202 (stream, SHA-256, checks, fsyncs, spool, the
#   confirmed publish, queue-service recording the job). The stack runs with MEDIAFLOW_MAX_UPLOAD_BYTES=2 GiB,
#   MEDIAFLOW_RATE_LIMIT and MEDIAFLOW_MAX_INFLIGHT_PER_OWNER raised, for this run only. Two parts:
#   large: files of 64 MiB, 256 MiB and 1 GiB (a small JPEG followed by random bytes, made under data/bench/upload/)
#     each uploaded with curl (one connection), next to `dd if=/dev/zero bs=1M conv=fdatasync` of the same size to
#     the same disk (data/bench/upload/); --rounds rounds. Prints MB/s (10^6 bytes) of both, the ratio (goal >= 0.7),
#     the gateway's RSS growth during the upload (VmRSS sampled every 100 ms, max minus the value before; goal
#     < 64 MiB) and the gateway's CPU seconds per GiB.
#   small: 100 KiB uploads with wrk (bench/upload.lua: every body a different file) over 64 connections (2
#     threads) to 127.0.0.1 for BENCH_UPLOAD_SECONDS (default 20), after BENCH_UPLOAD_WARMUP s of warm-up. Prints
#     uploads/s (202s only), the non-202s, p50/p99 latency and the CPU milliseconds per upload of the gateway and
#     queue-service.
#   Afterwards every job of the run is cancelled (by its projectId), the workers resume and drain the cancelled
#   tasks, and the media items are deleted through the API. --profile records JFR on the gateway and on
#   queue-service during the small uploads and prints their top frames.
#   BENCH_UPLOAD_PARTS="large small" (the default) or one of them; BENCH_UPLOAD_WARMUP: the small uploads' warm-up
#   in seconds (default 60: on two cores the JIT compiles the upload path for minutes, and after a 5 s warm-up a
#   third of both services' CPU went to its compiler threads); the compiler threads' CPU during the measured part
#   is shown apart.
#   BENCH_UPLOAD_BASELINE="DIR ...": both parts again, in the same run, with the four service jars in each DIR (and
#   its file REVISION naming their commit), e.g. those of builds before a change; each row names its build, and the
#   build's jars are put back afterwards.

UPLOAD_DIR="$OUT/upload"
ADMIN_KEY="${BENCH_ADMIN_KEY:-dev-admin-key}"

# the gateway's resident set in KiB, read without forking
rss_kb() {
  local k v _
  while read -r k v _; do
    if [ "$k" = VmRSS: ]; then echo "$v"; return; fi
  done <"/proc/$1/status"
}

# jfr_name LABEL: the build's label as a file name (jcmd splits its filename= at spaces, and a label may be
# "<commit>+uncommitted changes")
jfr_name() { local name=${1//[^A-Za-z0-9._-]/_}; echo "$name"; }

# upload_file FILE PROJECT: one upload with curl while VmRSS is sampled every ~100 ms.
# Prints: http_code seconds rss_before_kb rss_max_kb gateway_cpu_ticks mediaItemId
upload_file() {
  local file=$1 project=$2 gw before max r cpu0 cpu1 curl_pid out
  gw=$(service_pid gateway-service)
  out="$UPLOAD_DIR/response.json"
  before=$(rss_kb "$gw"); max=$before
  cpu0=$(cpu_ticks "$gw")
  curl -s -o "$out" -w '%{http_code} %{time_total}' -H 'Expect:' -H "X-API-Key: $KEY" \
    -F "media=@$file;type=application/octet-stream" -F operations=thumbnail,blur,low-quality \
    -F "projectId=$project" "$BASE/api/media/upload" >"$UPLOAD_DIR/curl.out" &
  curl_pid=$!
  while kill -0 "$curl_pid" 2>/dev/null; do
    r=$(rss_kb "$gw"); [ "$r" -gt "$max" ] && max=$r
    sleep 0.1
  done
  wait "$curl_pid" || true
  cpu1=$(cpu_ticks "$gw")
  echo "$(cat "$UPLOAD_DIR/curl.out") $before $max $((cpu1 - cpu0)) $(sed -n 's/.*"mediaItemId":"\([^"]*\)".*/\1/p' "$out")"
}

# dd_seconds MIB: dd of MIB MiB of zeros with conv=fdatasync under data/bench/upload/; prints seconds
dd_seconds() {
  local start end
  start=$(date +%s.%N)
  dd if=/dev/zero of="$UPLOAD_DIR/dd.bin" bs=1M count="$1" conv=fdatasync 2>/dev/null
  end=$(date +%s.%N)
  rm -f "$UPLOAD_DIR/dd.bin"
  echo "$end - $start" | bc -l
}

# test_file BYTES: a small JPEG (the gateway checks the header) followed by random bytes, BYTES in all; made once
test_file() {
  local bytes=$1 f="$UPLOAD_DIR/upload-$1.jpg" head
  if [ ! -s "$f" ] || [ "$(stat -c %s "$f")" != "$bytes" ]; then
    [ -s "$UPLOAD_DIR/head.jpg" ] || vips black "$UPLOAD_DIR/head.jpg" 64 48 >&2
    head=$(stat -c %s "$UPLOAD_DIR/head.jpg")
    { cat "$UPLOAD_DIR/head.jpg"; head -c $((bytes - head)) /dev/urandom; } >"$f.part" && mv "$f.part" "$f"
  fi
  echo "$f"
}

workers() { # stop | start
  curl -fsS -o /dev/null -X POST -H "X-API-Key: $ADMIN_KEY" "$BASE/api/queue/worker/$1" \
    || say "could not $1 the workers"
}

queued_tasks() { # messages waiting in the two task queues of the default vhost
  local q n total=0
  for q in mediaflow.image.tasks mediaflow.vision.tasks; do
    n=$(curl -fsS -u guest:guest "http://127.0.0.1:15672/api/queues/%2F/$q" 2>/dev/null \
      | grep -o '"messages":[0-9]*' | head -1 | cut -d: -f2)
    total=$((total + ${n:-0}))
  done
  echo "$total"
}

# cleanup_project PROJECT IDS_FILE: cancel every job of the run, let the workers drop the cancelled tasks, delete
# the media items (files and rows), so nothing of this run is left for the next benchmark
cleanup_project() {
  local project=$1 ids=$2 deadline n
  say "cleanup: cancelling project $project, draining the task queues, deleting $(wc -l <"$ids") media items"
  curl -fsS -o /dev/null -X POST -H "X-API-Key: $KEY" -H 'Content-Type: application/json' \
    -d "{\"projectId\":\"$project\"}" "$BASE/api/queue/cancel" || say "cancel of $project failed"
  workers start
  deadline=$((SECONDS + 300))
  while n=$(queued_tasks) && [ "$n" -gt 0 ] && [ $SECONDS -lt $deadline ]; do sleep 2; done
  [ "$n" = 0 ] || say "still $n task messages queued after 300 s"
  say "cleanup: DELETE answers: $(xargs -r -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X DELETE \
    -H "X-API-Key: $KEY" "$BASE/api/media/{}" <"$ids" | sort | uniq -c | tr -s ' \n' ' ')"
}

# upload_side LABEL: the large uploads (ROUNDS rounds) and the small ones against the stack that is up; appends the
# table rows to LARGE_ROWS and SMALL_ROWS, each starting with LABEL (the build measured)
upload_side() {
  local label=$1
  workers stop
  if [[ " ${BENCH_UPLOAD_PARTS:-large small} " == *" large "* ]]; then upload_large "$label"; fi
  if [[ " ${BENCH_UPLOAD_PARTS:-large small} " == *" small "* ]]; then upload_small "$label"; fi
}

# upload_large LABEL: the large uploads, ROUNDS rounds, each next to dd
upload_large() {
  local label=$1 sizes=(64 256 1024) mib r line la file dd up code hz
  hz=$(getconf CLK_TCK)
  say "$label: large uploads: ${sizes[*]} MiB, $ROUNDS round(s), each next to dd conv=fdatasync"
  for ((r = 1; r <= ROUNDS; r++)); do
    for mib in "${sizes[@]}"; do
      file=$(test_file $((mib * 1024 * 1024)))
      la=$(load)
      dd=$(dd_seconds "$mib")
      line=$(upload_file "$file" "$PROJECT")
      set -- $line
      code=$1; up=$2
      [ -n "${6:-}" ] && echo "$6" >>"$IDS"
      if [ "$code" != 202 ]; then say "upload of $mib MiB answered $code: $(head -c 300 "$UPLOAD_DIR/response.json")"; fi
      LARGE_ROWS+=("| $label | $r | $mib MiB | $code | $(printf '%.0f' "$(echo "$mib * 1048576 / 1000000 / $up" | bc -l)") | $(printf '%.0f' "$(echo "$mib * 1048576 / 1000000 / $dd" | bc -l)") | $(printf '%.2f' "$(echo "$dd / $up" | bc -l)") | $(( ($4 - $3) / 1024 )) | $(printf '%.2f' "$(echo "$5 / $hz / ($mib / 1024)" | bc -l)") | $la |")
    done
  done
}

# upload_small LABEL: the small uploads with wrk, after BENCH_UPLOAD_WARMUP seconds of warm-up
upload_small() {
  local label=$1 seconds=${BENCH_UPLOAD_SECONDS:-20} warmup=${BENCH_UPLOAD_WARMUP:-60} la hz
  hz=$(getconf CLK_TCK)

  say "$label: small uploads: 100 KiB, wrk over 64 connections, ${warmup} s warm-up then ${seconds} s"
  local small gw qs g0 q0 g1 q1 j0 j1 w jfr="$OUT/jfr/gateway-service-$(jfr_name "$label").jfr"
  local qjfr="$OUT/jfr/queue-service-$(jfr_name "$label").jfr"
  small=$(test_file 102400)
  gw=$(service_pid gateway-service); qs=$(service_pid queue-service)
  wrk -t2 -c64 -d"${warmup}s" --timeout 30s -s bench/upload.lua "$BASE" -- "$small" "$KEY" "$PROJECT" "w$RANDOM$RANDOM" \
    "$UPLOAD_DIR/ids-warm" >/dev/null
  cat "$UPLOAD_DIR"/ids-warm.* >>"$IDS" 2>/dev/null || true
  la=$(load)
  g0=$(cpu_ticks "$gw"); q0=$(cpu_ticks "$qs"); j0=$(( $(jit_ticks "$gw") + $(jit_ticks "$qs") ))
  if [ $PROFILE = 1 ]; then
    mkdir -p "$OUT/jfr" && rm -f "$jfr" "$qjfr"
    jcmd "$gw" JFR.start name=bench settings=profile >/dev/null
    jcmd "$qs" JFR.start name=bench settings=profile >/dev/null
  fi
  w=$(wrk -t2 -c64 -d"${seconds}s" --timeout 30s --latency -s bench/upload.lua "$BASE" -- "$small" "$KEY" \
    "$PROJECT" "m$RANDOM$RANDOM" "$UPLOAD_DIR/ids-small" | grep '^accepted=')
  if [ $PROFILE = 1 ]; then
    jcmd "$gw" JFR.stop name=bench filename="$jfr" >/dev/null
    jcmd "$qs" JFR.stop name=bench filename="$qjfr" >/dev/null
  fi
  g1=$(cpu_ticks "$gw"); q1=$(cpu_ticks "$qs"); j1=$(( $(jit_ticks "$gw") + $(jit_ticks "$qs") ))
  cat "$UPLOAD_DIR"/ids-small.* >>"$IDS" 2>/dev/null || true
  rm -f "$UPLOAD_DIR"/ids-warm.* "$UPLOAD_DIR"/ids-small.*
  local accepted per_s
  accepted=$(field "$w" accepted)
  if [ "${accepted:-0}" -le 0 ]; then
    say "$label: wrk: no upload was accepted ($w)"
    SMALL_ROWS+=("| $label | 0 | 0 | $(field "$w" refused) | | | | | | | $la |")
    return
  fi
  per_s=$(printf '%.0f' "$(echo "$accepted / $(field "$w" seconds)" | bc -l)")
  SMALL_ROWS+=("| $label | $per_s | $accepted | $(field "$w" refused) | $(field "$w" socket_errors), $(field "$w" timeouts) | $(field "$w" p50_ms) | $(field "$w" p99_ms) | $(printf '%.2f' "$(echo "($g1 - $g0) * 1000 / $hz / $accepted" | bc -l)") | $(printf '%.2f' "$(echo "($q1 - $q0) * 1000 / $hz / $accepted" | bc -l)") | $(printf '%.2f' "$(echo "($j1 - $j0) * 1000 / $hz / $accepted" | bc -l)") | $la |")
  # printed now too: the cleanup after the last side deletes every item, which takes minutes
  say "$label: small uploads: ${SMALL_ROWS[-1]}"
}

bench_upload() {
  need_tools bc:bc wrk:wrk curl:curl vips:libvips-tools
  mkdir -p "$UPLOAD_DIR"
  local mib base=${BENCH_UPLOAD_BASELINE:-} labels=("$REVISION") label dir build
  PROJECT="bench-upload-$(date +%s)" IDS="$UPLOAD_DIR/ids" LARGE_ROWS=() SMALL_ROWS=()
  : >"$IDS"
  if [[ " ${BENCH_UPLOAD_PARTS:-large small} " == *" large "* ]]; then
    for mib in 64 256 1024; do test_file $((mib * 1024 * 1024)) >/dev/null; done
  fi
  # for this benchmark's stacks only
  local -x MEDIAFLOW_MAX_UPLOAD_BYTES=$((2 * 1024 * 1024 * 1024)) MEDIAFLOW_RATE_LIMIT=1000000 \
    MEDIAFLOW_MAX_INFLIGHT_PER_OWNER=100000000
  stack_up
  upload_side "$REVISION"
  if [ -n "$base" ]; then
    # the same run, the jars of earlier builds (BENCH_UPLOAD_BASELINE: folders, each with the four service jars and
    # a file REVISION), so that before and after meet the same machine; the build's jars are put back after
    mkdir -p "$OUT/upload-current"
    queue_jars target "$OUT/upload-current"
    build=$BUILD
    BUILD=0
    for dir in $base; do
      labels+=("$(cat "$dir/REVISION")")
      say "upload: the jars of $dir (${labels[-1]})"
      stack_down
      queue_jars "$dir" target
      stack_up
      upload_side "${labels[-1]}"
    done
  fi

  if [ ${#LARGE_ROWS[@]} -gt 0 ]; then
    echo
    echo "### upload streaming: large uploads vs dd ($CORES cores, workers paused; builds ${labels[*]})"
    echo
    echo "| build | round | size | status | upload MB/s | dd MB/s | ratio | gateway RSS growth MiB | gateway CPU s per GiB | load average before |"
    echo "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
    printf '%s\n' "${LARGE_ROWS[@]}"
  fi
  if [ ${#SMALL_ROWS[@]} -gt 0 ]; then
    echo
    echo "### upload streaming: 100 KiB uploads, wrk, 64 connections, ${BENCH_UPLOAD_SECONDS:-20} s ($CORES cores, workers paused; builds ${labels[*]})"
    echo
    echo "| build | uploads/s (202) | 202s | non-202s | socket errors, timeouts | p50 ms | p99 ms | gateway CPU ms per upload | queue-service CPU ms per upload | of both, JIT compiler ms per upload | load average before |"
    echo "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |"
    printf '%s\n' "${SMALL_ROWS[@]}"
    if [ $PROFILE = 1 ]; then
      for label in "${labels[@]}"; do
        echo
        echo "#### JFR top frames: gateway-service $label (small uploads)"
        echo
        java bench/JfrTop.java "$OUT/jfr/gateway-service-$(jfr_name "$label").jfr" 25
        echo
        echo "#### JFR top frames: queue-service $label (small uploads)"
        echo
        java bench/JfrTop.java "$OUT/jfr/queue-service-$(jfr_name "$label").jfr" 25
      done
    fi
  fi
  cleanup_project "$PROJECT" "$IDS"
  stack_down
  if [ -n "$base" ]; then
    queue_jars "$OUT/upload-current" target
    BUILD=$build
  fi
}

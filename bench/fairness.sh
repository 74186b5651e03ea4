# bench/fairness.sh: sourced by bench/run. Priority aging (issue 14, section 6).
# fairness: the worst wait (queued_at to started_at) per media type under a steady photo load that saturates the
#   image worker (BENCH_FAIR_BACKLOG photos of 1-4 MP, default 6, always queued from 4 connections, for BENCH_FAIR_SECONDS, default 150), with a
#   video uploaded 10 s in; once with MEDIAFLOW_PRIORITY_AGING=0 (strict priority: the video waits for the stream
#   to end) and once with BENCH_FAIR_AGING (default 10s). Only queue-service is restarted between the two.

# --- fairness ---------------------------------------------------------------------------------------
# restart_queue_service AGING: queue-service alone again with MEDIAFLOW_PRIORITY_AGING=AGING (the rest stays up)
restart_queue_service() {
  local pid
  pid=$(service_pid queue-service)
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ]; do sleep 0.5; done
  MEDIAFLOW_PRIORITY_AGING="$1" MEDIAFLOW_QUIET=1 MEDIAFLOW_START_TIMEOUT="${MEDIAFLOW_START_TIMEOUT:-900}" \
    scripts/local up >&2
}

bench_fairness() {
  need_tools bc:bc python3:python3
  make_corpus
  local seconds=${BENCH_FAIR_SECONDS:-150} backlog=${BENCH_FAIR_BACKLOG:-6} aging=${BENCH_FAIR_AGING:-10s}
  local video="$OUT/video-320x240.avi" photos rows=() la r aging_now
  python3 bench/video.py "$video" 320 240 12
  mapfile -t photos < <(ls "$CORPUS"/p0[0-7]-*.jpg)
  stack_up
  for aging_now in 0 "$aging"; do
    say "fairness with MEDIAFLOW_PRIORITY_AGING=$aging_now: ${backlog} photos kept queued for ${seconds} s, a video 10 s in"
    restart_queue_service "$aging_now"
    la=$(load)
    r=$(java bench/Client.java fairness "$BASE" "$KEY" "$seconds" "$backlog" "$video" "${photos[@]}")
    rows+=("| $aging_now | $(field "$r" photos) | $(field "$r" photo_wait_p50_ms) | $(field "$r" photo_wait_max_ms) | $(field "$r" video_wait_ms) | $(field "$r" stream_s) | $la |")
  done
  echo
  echo "### fairness: worst wait per media type ($CORES cores, ${#photos[@]} JPEGs of 1-4 MP cycled, a 320x240 AVI; commit $REVISION)"
  echo
  echo "| MEDIAFLOW_PRIORITY_AGING | photos | photo wait p50 ms | photo wait max ms | video wait ms | photo stream s | load average before |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
  printf '%s\n' "${rows[@]}"
  stack_down
}

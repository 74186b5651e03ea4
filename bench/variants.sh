# bench/variants.sh: sourced by bench/run. mediaflow's three image variants vs libvips (issue 14, section 1).
# variants: mediaflow's three image variants vs libvips, on a corpus made at run time (bench/Corpus.java:
#   40 JPEGs of 1 to 24 MP, 4 of them portraits with an EXIF orientation, and 5 PNGs, one with alpha), interleaved
#   in rounds (a, a0, b per round; --rounds, default 2):
#   (a)  libvips, one process per core, each taking its share of the files in batch: vipsthumbnail to 1280 px
#        (WebP Q30) and to 320 px (WebP Q80) over its files, vipsthumbnail to 640 px into a .v file in /dev/shm,
#        then `vips gaussblur <640.v> <blur.webp>[Q=70] 8` per file: the contract's three variants, blur included;
#   (a0) the same without the blur (three vipsthumbnail passes): the baseline of the issue's first table;
#   (b)  mediaflow end to end: the stack as `scripts/local up` runs it (default configuration), every file uploaded
#        over HTTP (4 connections) with operations=thumbnail,blur,low-quality and force=true (else a file uploaded
#        before would be a duplicate, completed at once without any work), until every job is `completed`;
#        photos/s from the first upload to the last `completed_at`. Before the rounds the corpus goes through once,
#        unmeasured: the services' JIT compilers then have the hot paths compiled, as in a stack that has run a while.
#   Prints photos/s of each side, the ratios b/a and b/a0, the CPU seconds per photo of each service and, of those,
#   the JIT compilers', and the load average before each measurement (other work on the machine shows there).
#   --profile records JDK Flight Recorder on the gateway, queue-service and the image worker during one more (b),
#   after the measured rounds and not counted in them (the recording costs CPU), and prints their top frames
#   (bench/JfrTop.java); the recordings stay under data/bench/jfr/.

# --- variants ---------------------------------------------------------------------------------------
# vips_side WITH_BLUR: one process per core over its share of the files; prints elapsed seconds
vips_side() {
  local blur=$1 dir="$OUT/vips" work=/dev/shm/mediaflow-bench-vips files i start end
  rm -rf "$dir" "$work" && mkdir -p "$dir" "$work"
  mapfile -t files < <(corpus_files)
  start=$(date +%s.%N)
  for ((i = 0; i < CORES; i++)); do
    (
      share=()
      for ((k = i; k < ${#files[@]}; k += CORES)); do share+=("${files[$k]}"); done
      vipsthumbnail "${share[@]}" -s '1280x1280>' -o "$dir/%s-low-quality.webp[Q=30]"
      vipsthumbnail "${share[@]}" -s '320x320>' -o "$dir/%s-thumbnail.webp[Q=80]"
      if [ "$blur" = 1 ]; then
        vipsthumbnail "${share[@]}" -s '640x640>' -o "$work/%s.v"
        for f in "${share[@]}"; do
          b=$(basename "${f%.*}")
          vips gaussblur "$work/$b.v" "$dir/$b-blur.webp[Q=70]" 8
        done
      else
        vipsthumbnail "${share[@]}" -s '640x640>' -o "$dir/%s-blur.webp[Q=70]"
      fi
    ) &
  done
  wait
  end=$(date +%s.%N)
  local made
  made=$(ls "$dir" | wc -l)
  [ "$made" = $(( ${#files[@]} * 3 )) ] || { say "vips made $made files, expected $(( ${#files[@]} * 3 ))"; exit 1; }
  rm -rf "$work"
  echo "$end - $start" | bc -l
}

# mediaflow_side: prints the client's key=value line, then the services' CPU seconds per photo and, of those,
# the JIT compilers' (C1/C2 compiler threads of the three JVMs together)
mediaflow_side() {
  local files s before=() after=() line jit0=0 jit1=0 pid
  mapfile -t files < <(corpus_files)
  for s in gateway-service queue-service image-worker; do
    pid=$(service_pid $s)
    before+=("$(cpu_ticks "$pid")")
    jit0=$((jit0 + $(jit_ticks "$pid")))
  done
  line=$(java bench/Client.java "$BASE" "$KEY" thumbnail,blur,low-quality 4 "${files[@]}")
  local i=0 hz cpu=""
  hz=$(getconf CLK_TCK)
  for s in gateway-service queue-service image-worker; do
    pid=$(service_pid $s)
    after=$(cpu_ticks "$pid")
    jit1=$((jit1 + $(jit_ticks "$pid")))
    cpu+=" cpu_${s%%-*}=$(echo "scale=3; ($after - ${before[$i]}) / $hz / ${#files[@]}" | bc -l)"
    i=$((i + 1))
  done
  echo "$line$cpu cpu_jit=$(echo "scale=3; ($jit1 - $jit0) / $hz / ${#files[@]}" | bc -l)"
}

field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

JFR_SERVICES="gateway-service queue-service image-worker"
jfr_start() {
  local s
  rm -rf "$OUT/jfr" && mkdir -p "$OUT/jfr"
  for s in $JFR_SERVICES; do
    jcmd "$(service_pid $s)" JFR.start name=bench settings=profile >/dev/null
  done
}
jfr_stop() {
  local s
  for s in $JFR_SERVICES; do
    jcmd "$(service_pid $s)" JFR.stop name=bench filename="$OUT/jfr/$s.jfr" >/dev/null
  done
}

bench_variants() {
  need_tools vipsthumbnail:libvips-tools vips:libvips-tools bc:bc
  make_corpus
  local n photos r a a0 b la rows=() warm
  n=$(corpus_files | wc -l)
  stack_up
  # the whole corpus once, unmeasured: a service that has been running a while has compiled its hot paths; right
  # after its start each JVM spends about half its CPU in the JIT compilers (the CPU column says how much is left)
  say "warm-up: the corpus once through mediaflow (not measured)"
  mapfile -t warm < <(corpus_files)
  java bench/Client.java "$BASE" "$KEY" thumbnail,blur,low-quality 4 "${warm[@]}" >/dev/null
  local as=() a0s=() bs=()
  for ((r = 1; r <= ROUNDS; r++)); do
    la=$(load); a=$(vips_side 1)
    rows+=("| $r | (a) libvips, 3 variants with blur | $(printf '%.2f' "$(echo "$n / $a" | bc -l)") | $(printf '%.1f' "$a") | | $la |")
    as+=("$(echo "$n / $a" | bc -l)")
    la=$(load); a0=$(vips_side 0)
    rows+=("| $r | (a0) libvips, no blur | $(printf '%.2f' "$(echo "$n / $a0" | bc -l)") | $(printf '%.1f' "$a0") | | $la |")
    a0s+=("$(echo "$n / $a0" | bc -l)")
    la=$(load)
    b=$(mediaflow_side)
    [ "$(field "$b" failed)" = 0 ] || { say "mediaflow failed some files: $b"; exit 1; }
    rows+=("| $r | (b) mediaflow end to end | $(field "$b" per_s) | $(field "$b" seconds) | gateway $(field "$b" cpu_gateway) s, queue-service $(field "$b" cpu_queue) s, image-worker $(field "$b" cpu_image) s (of these three, JIT $(field "$b" cpu_jit) s); upload p50 $(field "$b" upload_p50_ms) ms, done p50 $(field "$b" done_p50_ms) ms | $la |")
    bs+=("$(field "$b" per_s)")
  done
  if [ $PROFILE = 1 ]; then
    # one more (b), not counted: the recording costs the services CPU, so a profiled round is not a measurement
    say "one more round of (b) with JDK Flight Recorder on (not in the table)"
    jfr_start
    b=$(mediaflow_side)
    jfr_stop
  fi
  local ma mb ma0
  ma=$(printf '%s\n' "${as[@]}" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
  ma0=$(printf '%s\n' "${a0s[@]}" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
  mb=$(printf '%s\n' "${bs[@]}" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
  echo
  echo "### variants vs libvips ($n files: $(ls "$CORPUS"/*.jpg | wc -l) JPEGs 1-24 MP incl. 4 EXIF-rotated, $(ls "$CORPUS"/*.png | wc -l) PNGs; $CORES cores; commit $REVISION)"
  echo
  echo "| round | side | photos/s | seconds | CPU s per photo, latency | load average (1/5/15 min) before |"
  echo "| --- | --- | ---: | ---: | --- | --- |"
  printf '%s\n' "${rows[@]}"
  echo
  printf 'median photos/s: a=%.2f a0=%.2f b=%.2f; ratio b/a = %.2f, b/a0 = %.2f\n' "$ma" "$ma0" "$mb" \
    "$(echo "$mb / $ma" | bc -l)" "$(echo "$mb / $ma0" | bc -l)"
  if [ $PROFILE = 1 ]; then
    local s
    for s in $JFR_SERVICES; do
      echo
      echo "#### JFR top frames: $s (the extra, profiled round of b)"
      echo
      java bench/JfrTop.java "$OUT/jfr/$s.jfr" 15
    done
  fi
  stack_down
}


# bench/depth.sh: sourced by bench/run. The depth pipeline's overhead over the forward pass (issue 14, section 5).
# depth: no stack needed. A JPEG of about 1, 4 and 12 MP (and the 12 MP one once more with the depth map at full
#   size, MEDIAFLOW_DEPTH_MAX_OUTPUT_SIDE=4000) goes through the vision worker's depth pipeline on the CPU, batch 1,
#   stage by stage (vision-worker's test class DepthOverheadBenchmark): decode, preprocess, forward, postprocess
#   (output to a float Mat, 16-bit normalisation), resize to the depth map's size, 16-bit PNG encode (in bands on
#   every core), and in the same pass the encode it replaced (OpenCV on one thread: level 1, RLE, SUB) on the same map; medians
#   of BENCH_DEPTH_ITERATIONS (default 5) after one untimed pass. Overhead = (everything but the forward) /
#   forward, with today's encode and with the previous one; the goal is 10 % at most. A second table: the decode at
#   the size the model needs (the strongest JPEG DCT reduction that still covers the model input), timed in the same
#   pass, and how far the depth map made from it is from the pipeline's (not part of the pipeline). The model: a random-weight model of Depth Anything V2 Small's size and shape (ViT-S,
#   made once by vision-worker/src/test/python/make_bench_model.py into the git-ignored
#   vision-worker/target/bench-models/; needs torch in BENCH_PYTHON, default /usr/bin/python3), or the shipped
#   test model (row-depth.pt, a forward pass of a few ms) where torch is missing: the table says which.
#   Offline: nothing is downloaded but Maven's own plugins.

# --- depth ------------------------------------------------------------------------------------------
bench_depth() {
  local module="$ROOT/vision-worker" python="${BENCH_PYTHON:-/usr/bin/python3}" iterations="${BENCH_DEPTH_ITERATIONS:-5}"
  local model="$module/target/bench-models/vits-518.pt" label="ViT-S + DPT-like head, 22 M parameters, random weights"
  local input=518 fixed=true
  if [ ! -f "$model" ]; then
    if "$python" -c 'import torch' >/dev/null 2>&1; then
      say "making $model (random weights, about 90 MB)"
      "$python" "$module/src/test/python/make_bench_model.py" "$model" >&2
    else
      say "no torch in $python: the shipped test model only (its forward pass is a few ms, not a real model's)"
      model="$module/src/test/resources/models/row-depth.pt" label="row-depth.pt (the shipped test model)" fixed=false
    fi
  fi
  if [ $BUILD = 1 ] || [ ! -f "$module/target/bench.cp" ]; then
    say "compiling vision-worker and its tests"
    ./mvnw -B -q -pl vision-worker -am test-compile dependency:build-classpath \
      -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >&2
  fi
  mkdir -p "$ROOT/data/cache/javacpp" "$ROOT/data/cache/djl"
  local la rows
  la=$(load)
  say "depth pipeline, $iterations timed passes per size ($label)"
  rows=$(java -Xmx3g -Dorg.bytedeco.javacpp.cachedir="$ROOT/data/cache/javacpp" -DENGINE_CACHE_DIR="$ROOT/data/cache/djl" \
    -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.cp")" \
    dev.mediaflow.visionworker.depth.DepthOverheadBenchmark "$model" "$input" "$fixed" "$iterations" \
    1152x864 2304x1728 4000x3000 4000x3000:4000)
  echo
  echo "### depth: the pipeline's overhead over the forward pass ($CORES cores, CPU, batch 1, $label; commit $REVISION)"
  echo
  echo "Medians in ms. Load average (1/5/15 min) before: $la; after: $(load)."
  echo
  echo "| source JPEG | depth map | model input | decode | preprocess | forward | postprocess | resize | PNG encode | PNG encode before | all but forward | overhead | overhead with the encode before | PNG KiB | PNG KiB before |"
  echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  echo "${rows%%---*}"
  echo "### depth: decoding at the model's size instead of the depth map's ($CORES cores, $label; commit $REVISION)"
  echo
  echo "Medians in ms, timed in the same passes as the table above. Difference: between the depth map made from the pipeline's picture and the one made from the smaller decode (resized to the same map size), absolute, as a share of the 16-bit range."
  echo
  echo "| source JPEG | depth map and picture now | decode now | picture at the model's size | decode at the model's size | largest difference | mean difference |"
  echo "| --- | --- | ---: | --- | ---: | ---: | ---: |"
  echo "${rows#*---}" | sed '/^$/d'
}

# bench/multipart.sh: sourced by bench/run. The upload's multipart parsing alone (issue 14, section 2).
# multipart: the CPU time per body of Spring's PartEvent reader (the upload route's parser before) and of the
#   route's own reader (UploadParts on Jetty's MultiPart.Parser), in one JVM, on the same bodies cut into the same
#   pooled Netty buffers (bench/MultipartCpu.java): 100 KiB bodies in 16 KiB buffers and 64 MiB bodies in 64 KiB
#   buffers, three rounds each (the first warms the JIT up). No stack, no disk: what bench/upload.sh cannot
#   separate from the rest of an upload.

bench_multipart() {
  local cp="$OUT/multipart/classpath" classes="$OUT/multipart/classes"
  mkdir -p "$classes"
  if [ $BUILD = 1 ]; then
    say "building the gateway"
    ./mvnw -B -q -Dmaven.test.skip=true package -pl gateway-service -am >&2
  fi
  ./mvnw -B -q -pl gateway-service dependency:build-classpath -Dmdep.outputFile="$cp" >&2
  javac -d "$classes" -cp "gateway-service/target/classes:$(cat "$cp")" bench/MultipartCpu.java
  echo
  echo "### multipart parsing: CPU ms per body, one thread, in-process ($CORES cores; commit $REVISION; load average $(load))"
  echo
  echo "| round | body bytes | buffer bytes | Spring's PartEvent reader | UploadParts (Jetty's parser) | ratio |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
  java -cp "$classes:gateway-service/target/classes:$(cat "$cp")" dev.mediaflow.gateway.upload.MultipartCpu \
    102400 16384 3000 2>/dev/null
  java -cp "$classes:gateway-service/target/classes:$(cat "$cp")" dev.mediaflow.gateway.upload.MultipartCpu \
    67108864 65536 5 2>/dev/null
}

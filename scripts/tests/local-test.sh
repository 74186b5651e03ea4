#!/usr/bin/env bash
# Checks how scripts/local judges a service's process, without starting any service: a zombie, a
# vanished pid and a pid now used by another program are dead; a live process of the jar is alive.
# (kill -0 succeeds on a zombie, which is how `up` once believed a killed worker still ran.)
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export MEDIAFLOW_RUN_DIR; MEDIAFLOW_RUN_DIR=$(mktemp -d)
source "$ROOT/scripts/local"
JAR=$(jar_of image-worker)
failures=0
check() { # description expected actual
  if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; failures=$((failures + 1)); fi
}
cleanup() { kill "${children[@]}" 2>/dev/null; rm -rf "$MEDIAFLOW_RUN_DIR"; }
children=()
trap cleanup EXIT

# a live process whose command line is the service's jar
bash -c "exec -a 'java -jar $JAR' sleep 30" &
children+=($!)
echo $! >"$RUN/image-worker.pid"
sleep 0.3
alive image-worker && check "a running process of the jar is alive" yes yes || check "a running process of the jar is alive" yes no

# a zombie: the child of a parent that never reaps it
bash -c "(exec -a 'java -jar $JAR' sleep 0.2) & echo \$! >'$MEDIAFLOW_RUN_DIR/image-worker.pid'; exec sleep 30" &
children+=($!)
sleep 1
zombie=$(cat "$RUN/image-worker.pid")
check "the test made a zombie" Z "$(proc_state "$zombie")"
kill -0 "$zombie" 2>/dev/null && check "kill -0 succeeds on the zombie (the old check)" yes yes
alive image-worker && check "a zombie is dead" dead alive || check "a zombie is dead" dead dead
check "status names the zombie" "dead (pid $zombie is a zombie)" "$(describe image-worker)"

# a pid that is gone, and one that is another program now
echo 999999999 >"$RUN/image-worker.pid"
alive image-worker && check "a vanished pid is dead" dead alive || check "a vanished pid is dead" dead dead
echo $$ >"$RUN/image-worker.pid"
alive image-worker && check "a pid reused by another program is dead" dead alive \
  || check "a pid reused by another program is dead" dead dead
rm -f "$RUN/image-worker.pid"
check "no pid file: stopped" stopped "$(describe image-worker)"

[ $failures = 0 ] && echo "scripts/local process checks: all passed" || { echo "$failures failure(s)"; exit 1; }

#!/usr/bin/env bash
# HTTP requests per second of the spring demo (examples/spring-demo, GET /api/visits: load the session, increment a
# counter in it, save it) with its sessions in three stores:
#   fastmmap  this project (one file shared by every instance on the host)
#   map       Spring Session's MapSessionRepository (this JVM's heap; the in-memory baseline)
#   redis     Spring Session Data Redis (RedisSessionRepository) on a real redis-server on 127.0.0.1
# Each store: a fresh JVM, a warm-up run that opens the sessions, then a measured wrk run on those same sessions;
# ROUNDS rounds; odd rounds run the stores in the listed order, even rounds in reverse (A B C, C B A, ...), so that a
# load that grows or fades over the run weighs on every store alike instead of always on the first one.
# Results go to stdout as a Markdown table.
#
# Usage: fastmmap-benchmarks/run-session-http-benchmark.sh     (needs wrk and redis-server: apt-get install wrk redis-server)
# Environment: DURATION (s, default 20), WARMUP (s, default 10), THREADS (2), CONNECTIONS (32), SESSIONS per wrk
# thread (100), ROUNDS (2), STORES (which stores and their order, default "fastmmap map redis"), FASTMMAP_JDK17_HOME.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"

duration=${DURATION:-20} warmup=${WARMUP:-10} threads=${THREADS:-2} connections=${CONNECTIONS:-32}
rounds=${ROUNDS:-2}
read -r -a stores <<<"${STORES:-fastmmap map redis}"
for store in "${stores[@]}"; do
  [[ $store =~ ^(fastmmap|map|redis)$ ]] || { echo "STORES: unknown store '$store' (use fastmmap, map and/or redis)" >&2; exit 2; }
done
export SESSIONS=${SESSIONS:-100}
for tool in wrk redis-server redis-cli curl mvn; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install -y wrk redis-server curl maven)" >&2; exit 2; }
done
jdk17=$(bin/find-jdk 17)
jdk25=$(bin/find-jdk 25)
work=$(mktemp -d "${TMPDIR:-/tmp}/fastmmap-http-bench.XXXXXX")
# The warm-up run opens the sessions and leaves their cookies here; the measured run then reads and writes those same
# sessions only (sessions.lua), so no burst of new sessions at its start throws away what the JIT compiled meanwhile.
export COOKIE_FILE=$work/cookies
app_pid='' redis_pid=''
cleanup() {
  [[ -n $app_pid ]] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
  [[ -n $redis_pid ]] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "building examples/spring-demo (tests skipped) ..." >&2
JAVA_HOME=$jdk25 MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED" \
  mvn -B -ntp -q -Dmaven.test.skip=true -pl examples/spring-demo -am package >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; exit 1; }
jar=$(ls examples/spring-demo/target/fastmmap-spring-demo-*.jar | grep -v original | head -n 1)

redis_port=16379 app_port=18090
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

run_store() { # STORE -> writes "requests/s p99 errors" of the measured run to $work/result (runs in this shell, so
  # the EXIT trap can stop the app when the script is interrupted)
  local store=$1 profile_args=()
  case $store in
    map) profile_args=(--spring.profiles.active=map) ;;
    redis) profile_args=(--spring.profiles.active=redis) ;;
  esac
  rm -f "$work/bench.sessions" "$work"/cookies.*
  redis-cli -p "$redis_port" flushall >/dev/null
  REDIS_PORT=$redis_port "$jdk17/bin/java" -Xmx512m -jar "$jar" --server.port=$app_port "${profile_args[@]}" \
    --fastmmap.session.file="$work/bench.sessions" --fastmmap.session.cache-size=64MB \
    --logging.level.root=WARN >"$work/$store.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 480); do curl -s -o /dev/null "http://127.0.0.1:$app_port/api/whoami" && break; sleep 0.25; done
  wrk -t"$threads" -c"$connections" -d"${warmup}s" -s fastmmap-benchmarks/session-http/sessions.lua \
    "http://127.0.0.1:$app_port" >/dev/null
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s fastmmap-benchmarks/session-http/sessions.lua \
    "http://127.0.0.1:$app_port" >"$work/wrk.out"
  kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=''
  local rps p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.out")
  errors=$(grep -E 'Non-2xx|Socket errors' "$work/wrk.out" | tr '\n' ' ' || true)
  echo "$rps $p99 ${errors:-none}" >"$work/result"
}

declare -A total
echo "| round | store | requests/s | p99 latency | errors |"
echo "|---|---|---|---|---|"
for round in $(seq "$rounds"); do
  order=("${stores[@]}")
  if (( round % 2 == 0 )); then
    order=(); for ((i = ${#stores[@]} - 1; i >= 0; i--)); do order+=("${stores[i]}"); done
  fi
  for store in "${order[@]}"; do
    run_store "$store"
    read -r rps p99 errors <"$work/result"
    total[$store]=$(awk -v a="${total[$store]:-0}" -v b="$rps" 'BEGIN {print a + b}')
    echo "| $round | $store | $rps | $p99 | $errors |"
  done
done
echo
means='' ratios=''
for store in "${stores[@]}"; do
  total[$store]=$(awk -v a="${total[$store]}" -v r="$rounds" 'BEGIN {printf "%.0f", a / r}')
  means+="${means:+, }$store ${total[$store]}"
done
for peer in map redis; do
  [[ -n ${total[fastmmap]:-} && -n ${total[$peer]:-} ]] &&
    ratios+="${ratios:+, }fastmmap/$peer $(awk -v a="${total[fastmmap]}" -v b="${total[$peer]}" 'BEGIN {printf "%.2f", a / b}')"
done
echo "mean requests/s: $means${ratios:+; $ratios}"
echo "(wrk -t$threads -c$connections -d${duration}s, $SESSIONS sessions per wrk thread, app on JDK 17 -Xmx512m," \
  "$(nproc) cores, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"

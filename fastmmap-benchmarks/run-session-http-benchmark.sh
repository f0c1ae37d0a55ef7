#!/usr/bin/env bash
# HTTP requests per second of the spring demo (examples/spring-demo, GET /api/visits: load the session, increment a
# counter in it, save it) with its sessions in three stores:
#   fastmmap  this project (one file shared by every instance on the host)
#   map       Spring Session's MapSessionRepository (this JVM's heap; the in-memory baseline)
#   redis     Spring Session Data Redis (RedisSessionRepository) on a real redis-server on 127.0.0.1
#   tier      fastmmap.session.tier=redis (docs/scale-out.md): the same Redis layout, this host's file in front of it
# Each store: a fresh JVM, a warm-up run that opens the sessions, then a measured wrk run on those same sessions;
# ROUNDS rounds; odd rounds run the stores in the listed order, even rounds in reverse (A B C, C B A, ...), so that a
# load that grows or fades over the run weighs on every store alike instead of always on the first one.
# PAIRED=1 runs two stores AT ONCE instead, each app and its wrk pinned to a core of its own (cores swapped every
# round): a slow phase of the host then slows both alike, so their ratio holds even when the absolute figures drift
# 15-20 % between runs (as they do on this VM). Only for stores that work inside the app (fastmmap, map): a
# redis-server would take from both cores.
# PATH_MEASURED (default /api/visits, which changes the session on every request) picks the traffic once the sessions
# are open: /api/cart only reads its session (read-mostly). The table also gives Redis commands per request, summed
# from INFO commandstats over the measured run (commands run inside a Lua script count too; INFO and CONFIG, the
# script's own, do not), and the CPU time the app's JVM and Redis spent per request over the measured run (a figure
# that holds when the machine is shared: a store that needs less CPU per request serves more once the cores are full).
# Results go to stdout as a Markdown table.
#
# Usage: fastmmap-benchmarks/run-session-http-benchmark.sh     (needs wrk and redis-server: apt-get install wrk redis-server)
# Environment: DURATION (s, default 20), WARMUP (s, default 10), THREADS (2), CONNECTIONS (32), SESSIONS per wrk
# thread (100), ROUNDS (2), STORES (which stores and their order, default "fastmmap map redis"; also tier), PAIRED (0),
# PATH_MEASURED, BENCH_REDIS_PORT (16379), BENCH_APP_PORT (18090; PAIRED=1 also uses the next one),
# BENCH_MAVEN_ARGS (extra arguments for the build, e.g. -Dmaven.repo.local=...),
# FASTMMAP_JDK17_HOME.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"

duration=${DURATION:-20} warmup=${WARMUP:-10} threads=${THREADS:-2} connections=${CONNECTIONS:-32}
rounds=${ROUNDS:-2}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a whole number of at least 1, not '$rounds'" >&2; exit 2; }
read -r -a stores <<<"${STORES:-fastmmap map redis}"
declare -A seen
for store in "${stores[@]}"; do
  [[ $store =~ ^(fastmmap|map|redis|tier)$ ]] ||
    { echo "STORES: unknown store '$store' (use fastmmap, map, redis and/or tier)" >&2; exit 2; }
  [[ -z ${seen[$store]:-} ]] || { echo "STORES: '$store' is listed twice; name each store once" >&2; exit 2; }
  seen[$store]=1
done
export SESSIONS=${SESSIONS:-100}
export PATH_MEASURED=${PATH_MEASURED:-/api/visits}
paired=${PAIRED:-0}
if [[ $paired == 1 ]]; then
  [[ ${#stores[@]} == 2 && ! ${stores[*]} =~ redis|tier ]] ||
    { echo "PAIRED=1 runs two stores that work inside the app at once: set STORES=\"fastmmap map\"" >&2; exit 2; }
  (( $(nproc) >= 2 )) || { echo "PAIRED=1 needs 2 cores (one per app), this machine has $(nproc)" >&2; exit 2; }
  threads=1 connections=$(( connections / 2 ))
fi
for tool in wrk redis-server redis-cli curl mvn; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install -y wrk redis-server curl maven)" >&2; exit 2; }
done
jdk17=$(bin/find-jdk 17)
jdk25=$(bin/find-jdk 25)
work=$(mktemp -d "${TMPDIR:-/tmp}/fastmmap-http-bench.XXXXXX")
declare -A app_pids
redis_pid=''
cleanup() {
  for pid in "${app_pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  [[ -n $redis_pid ]] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "building examples/spring-demo (tests skipped) ..." >&2
JAVA_HOME=$jdk25 MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED" \
  mvn -B -ntp -q -Pfull -Dmaven.test.skip=true -Dmaven.javadoc.skip -Dmaven.source.skip -pl examples/spring-demo -am \
    ${BENCH_MAVEN_ARGS:-} package >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; exit 1; }
jar=$(ls examples/spring-demo/target/fastmmap-spring-demo-*.jar | grep -v original | head -n 1)

redis_port=${BENCH_REDIS_PORT:-16379}
app_port=${BENCH_APP_PORT:-18090}
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

start_app() { # STORE PORT CORE|'': a fresh JVM of the demo with STORE's sessions, pinned to CORE when given
  local store=$1 port=$2 core=$3 profile_args=() pin=()
  case $store in
    map) profile_args=(--spring.profiles.active=map) ;;
    redis) profile_args=(--spring.profiles.active=redis) ;;
    tier) profile_args=(--spring.profiles.active=tier) ;;
  esac
  [[ -n $core ]] && pin=(taskset -c "$core")
  rm -f "$work/$store.sessions" "$work/cookies-$store".*
  REDIS_PORT=$redis_port "${pin[@]}" "$jdk17/bin/java" -Xmx512m -jar "$jar" --server.port="$port" "${profile_args[@]}" \
    --fastmmap.session.file="$work/$store.sessions" --fastmmap.session.cache-size=64MB \
    --logging.level.root=WARN >"$work/$store.log" 2>&1 &
  app_pids[$store]=$!
}

await_app() { # STORE PORT
  for _ in $(seq 480); do curl -s -o /dev/null "http://127.0.0.1:$2/api/whoami" && return; sleep 0.25; done
  echo "the $1 app did not answer on port $2 within 2 minutes; its log: $work/$1.log" >&2; exit 1
}

# One wrk run on STORE's sessions. The warm-up run opens them and leaves their cookies in COOKIE_FILE; the measured
# run then reads and writes those same sessions only (sessions.lua), so no burst of new sessions at its start throws
# away what the JIT compiled meanwhile.
load() { # STORE PORT CORE|'' SECONDS OUT
  local store=$1 port=$2 core=$3 seconds=$4 out=$5 pin=()
  [[ -n $core ]] && pin=(taskset -c "$core")
  COOKIE_FILE=$work/cookies-$store "${pin[@]}" wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency \
    -s fastmmap-benchmarks/session-http/sessions.lua "http://127.0.0.1:$port" >"$out"
}

stop_app() { # STORE
  kill "${app_pids[$1]}"; wait "${app_pids[$1]}" 2>/dev/null || true; unset "app_pids[$1]"
}

redis_commands() { # the commands Redis ran since the last CONFIG RESETSTAT, but INFO and CONFIG themselves
  redis-cli -p "$redis_port" info commandstats | tr -d '\r' |
    awk -F'[:=,]' '/^cmdstat_/ && $1 != "cmdstat_info" && $1 != "cmdstat_config" {sum += $3} END {print sum + 0}'
}

cpu_seconds_of() { # PID: user + system CPU seconds the process has used so far
  awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); print ($12 + $13) / hz}' "/proc/$1/stat"
}

redis_cpu_seconds() { # user + system CPU seconds redis-server has used so far
  redis-cli -p "$redis_port" info cpu | tr -d '\r' |
    awk -F: '$1 == "used_cpu_sys" || $1 == "used_cpu_user" {sum += $2} END {print sum + 0}'
}

micros_per_request() { # SECONDS WRK_OUTPUT: CPU microseconds per request of the run
  awk -v s="$1" -v r="$(awk '/requests in/ {print $1}' "$2")" 'BEGIN {printf "%.0f", s * 1e6 / r}'
}

declare -A total cpu_total
record() { # ROUND STORE WRK_OUTPUT [REDIS_COMMANDS APP_CPU_S REDIS_CPU_S]: one table row, and the store's sums
  local rps p99 errors requests per_request='' app_us='' redis_us=''
  rps=$(awk '/Requests\/sec/ {print $2}' "$3")
  p99=$(awk '$1 == "99%" {print $2}' "$3")
  errors=$(grep -E 'Non-2xx|Socket errors' "$3" | tr '\n' ' ' || true)
  requests=$(awk '/requests in/ {print $1}' "$3")
  [[ -n ${4:-} ]] && per_request=$(awk -v c="$4" -v r="$requests" 'BEGIN {printf "%.3f", c / r}')
  if [[ -n ${5:-} ]]; then
    app_us=$(micros_per_request "$5" "$3") redis_us=$(micros_per_request "$6" "$3")
    cpu_total[$2]=$(( ${cpu_total[$2]:-0} + app_us + redis_us ))
  fi
  total[$2]=$(awk -v a="${total[$2]:-0}" -v b="$rps" 'BEGIN {print a + b}')
  echo "| $1 | $2 | $rps | $p99 | ${per_request:--} | ${app_us:--} | ${redis_us:--} | ${errors:-none} |"
}

run_one() { # ROUND STORE: the store alone on the machine
  redis-cli -p "$redis_port" flushall >/dev/null
  start_app "$2" "$app_port" ''; await_app "$2" "$app_port"
  load "$2" "$app_port" '' "$warmup" /dev/null
  redis-cli -p "$redis_port" config resetstat >/dev/null
  local app_cpu redis_cpu commands
  app_cpu=$(cpu_seconds_of "${app_pids[$2]}") redis_cpu=$(redis_cpu_seconds)
  load "$2" "$app_port" '' "$duration" "$work/$2.wrk"
  app_cpu=$(awk -v a="$app_cpu" -v b="$(cpu_seconds_of "${app_pids[$2]}")" 'BEGIN {print b - a}')
  redis_cpu=$(awk -v a="$redis_cpu" -v b="$(redis_cpu_seconds)" 'BEGIN {print b - a}')
  commands=$(redis_commands)
  stop_app "$2"
  record "$1" "$2" "$work/$2.wrk" "$commands" "$app_cpu" "$redis_cpu"
}

run_pair() { # ROUND STORE_A STORE_B: both at once, A on core 0 and B on core 1 (the caller swaps them every round)
  local port_b=$((app_port + 1))
  start_app "$2" "$app_port" 0; start_app "$3" "$port_b" 1
  await_app "$2" "$app_port"; await_app "$3" "$port_b"
  local a b
  load "$2" "$app_port" 0 "$warmup" /dev/null & a=$!; load "$3" "$port_b" 1 "$warmup" /dev/null & b=$!; wait "$a" "$b"
  load "$2" "$app_port" 0 "$duration" "$work/$2.wrk" & a=$!; load "$3" "$port_b" 1 "$duration" "$work/$3.wrk" & b=$!
  wait "$a" "$b"
  stop_app "$2"; stop_app "$3"
  record "$1" "$2" "$work/$2.wrk"; record "$1" "$3" "$work/$3.wrk"
}

echo "| round | store | requests/s | p99 latency | Redis commands/request | app CPU µs/request | Redis CPU µs/request | errors |"
echo "|---|---|---|---|---|---|---|---|"
for round in $(seq "$rounds"); do
  order=("${stores[@]}")
  if (( round % 2 == 0 )); then
    order=(); for ((i = ${#stores[@]} - 1; i >= 0; i--)); do order+=("${stores[i]}"); done
  fi
  if [[ $paired == 1 ]]; then
    run_pair "$round" "${order[@]}"
  else
    for store in "${order[@]}"; do run_one "$round" "$store"; done
  fi
done
echo
means='' ratios=''
for store in "${stores[@]}"; do
  total[$store]=$(awk -v a="${total[$store]}" -v r="$rounds" 'BEGIN {printf "%.0f", a / r}')
  means+="${means:+, }$store ${total[$store]}"
done
for pair in fastmmap/map fastmmap/redis tier/redis; do
  a=${pair%/*} b=${pair#*/}
  [[ -n ${total[$a]:-} && -n ${total[$b]:-} ]] &&
    ratios+="${ratios:+, }$pair $(awk -v x="${total[$a]}" -v y="${total[$b]}" 'BEGIN {printf "%.2f", x / y}')"
done
echo "mean requests/s: $means${ratios:+; $ratios}"
cpu_means=''
for store in "${stores[@]}"; do
  [[ -n ${cpu_total[$store]:-} ]] && cpu_means+="${cpu_means:+, }$store $(( cpu_total[$store] / rounds ))"
done
[[ -z $cpu_means ]] || echo "mean CPU µs per request, app + Redis (less is better): $cpu_means"
echo "(wrk -t$threads -c$connections -d${duration}s, GET $PATH_MEASURED, $SESSIONS sessions per wrk thread, app on JDK 17 -Xmx512m," \
  "$([[ $paired == 1 ]] && echo 'both stores at once, each app and its wrk on a core of its own,')" \
  "$(nproc) cores, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"

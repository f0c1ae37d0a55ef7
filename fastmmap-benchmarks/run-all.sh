#!/usr/bin/env bash
# fastmmap beside its peers: installs them, runs every benchmark, writes the report and its chart.
#
#   fastmmap-benchmarks/run-all.sh                      # the full run (~75 min): docs/benchmarks-peers.md + .png
#   fastmmap-benchmarks/run-all.sh --quick --out DIR    # smoke test (a few minutes): every peer briefly, report in DIR
#
# Options:
#   --quick        every peer and driver once, briefly (JMH SampleTime only, in one JVM, 1 x 1 s warm-up, 1 x 1 s
#                  measured; drivers 1 + 1 s);
#                  the report goes to OUT/benchmarks-peers.md, never to docs/; the figures prove only that it runs
#   --out DIR      results directory (relative to the repository root; default fastmmap-benchmarks/target/peers,
#                  or fastmmap-benchmarks/target/peers-quick with --quick)
#   --no-install   do not apt-get anything; fail if a peer is missing
#   --no-build     use the existing fastmmap-benchmarks/target/benchmarks.jar
#   --only A,B     measure again only these parts, keep OUT's other results, then rewrite the report: JMH run names
#                  (primary, pipelined, values, keycount, zipf, overcommit, threads; primary covers both JDKs),
#                  multiprocess, footprint. For a part that another load on the machine disturbed.
#
# Peers: Cache::FastMmap (Debian libcache-fastmmap-perl), Redis (Debian redis-server; this script starts its own on
# a free loopback port, without persistence, and stops it), matplotlib (Debian python3-matplotlib) for the chart
# (fastmmap-benchmarks/charts.py, drawn from the report's tables); Chronicle
# Map, Jedis, Caffeine, Jackson and HdrHistogram come from Maven Central with -Pbenchmarks. apt-get needs root.
# Cache files go to tmpfs (/dev/shm), as Cache::FastMmap's documentation advises; FASTMMAP_BENCH_DIR overrides.
# Extra JMH options for every JMH run: JMH_OPTS="...". Everything measured lands in OUT (JSON, logs).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
root=$PWD

quick=false install=true build=true out="" only=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) quick=true ;;
    --out) out=${2:?--out needs a directory}; shift ;;
    --no-install) install=false ;;
    --no-build) build=false ;;
    --only) only=${2:?--only needs a list of parts}; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "run-all.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
parts=" primary pipelined values keycount zipf overcommit threads multiprocess footprint "
for part in ${only//,/ }; do
  [[ $parts == *" $part "* ]] || { echo "run-all.sh: --only $part: no such part; parts are:$parts" >&2; exit 2; }
done
[[ -n $out ]] || out=fastmmap-benchmarks/target/$($quick && echo peers-quick || echo peers)
[[ -z $only || -s $out/machine.txt ]] || {
  echo "run-all.sh: --only re-measures parts of an earlier run, but $out has none: run the whole suite first" >&2
  exit 2
}
mkdir -p "$out"
out=$(readlink -f "$out")
if $quick; then
  report_md=$out/benchmarks-peers.md
else
  report_md=$root/docs/benchmarks-peers.md
fi
chart_png=benchmarks-peers.png # beside the report
jar=$root/fastmmap-benchmarks/target/benchmarks.jar
bench_dir=${FASTMMAP_BENCH_DIR:-$([[ -d /dev/shm && -w /dev/shm ]] && echo /dev/shm || echo "${TMPDIR:-/tmp}")}/fastmmap-peers-$$
started=$(date +%s)

# True when part $1 is measured in this run (every part unless --only names others).
wanted() { [[ -z $only || ",$only," == *",$1,"* ]]; }

log() { printf '[run-all %4ss] %s\n' $(($(date +%s) - started)) "$*" >&2; }

# A python3 that has matplotlib (Debian's /usr/bin/python3 once python3-matplotlib is installed; a python3 first
# on PATH, e.g. pyenv's, may lack it).
chart_python() {
  local python
  for python in python3 /usr/bin/python3; do
    "$python" -c 'import matplotlib' 2>/dev/null && { echo "$python"; return 0; }
  done
  return 1
}

install_peers() {
  local missing=()
  perl -MCache::FastMmap -e 1 2>/dev/null || missing+=(libcache-fastmmap-perl)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  chart_python >/dev/null || missing+=(python3-matplotlib)
  [[ ${#missing[@]} -eq 0 ]] && return
  if ! $install || [[ $(id -u) -ne 0 ]]; then
    echo "run-all.sh: missing ${missing[*]}: apt-get install -y ${missing[*]} (as root), or run without --no-install" >&2
    exit 1
  fi
  log "installing ${missing[*]}"
  apt-get update -qq
  # The package's own service may fail to start where there is no init system: we start our own below.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >"$out/apt.log" 2>&1 || {
    tail -20 "$out/apt.log" >&2
    exit 1
  }
}

jdk25=$(bin/find-jdk 25)
jdk17=$(bin/find-jdk 17)
java25=("$jdk25/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
java17=("$jdk17/bin/java")

build_jar() {
  log "building $jar (-Pbenchmarks)"
  JAVA_HOME=$jdk25 MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED ${MAVEN_OPTS:-}" \
    mvn -B -ntp -q -Pbenchmarks -pl fastmmap-benchmarks -am package -DskipTests -Dmaven.javadoc.skip \
      -Dmaven.source.skip >"$out/build.log" 2>&1 || {
    tail -40 "$out/build.log" >&2
    exit 1
  }
}

redis_port="" redis_pid=""
start_redis() {
  local port
  for port in $(seq 6390 6490); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { redis_port=$port; break; }
  done
  [[ -n $redis_port ]] || { echo "run-all.sh: no free loopback port in 6390-6490 for Redis" >&2; exit 1; }
  mkdir -p "$out/redis"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --dir "$out/redis" --logfile "$out/redis/redis.log" &
  redis_pid=$!
  for _ in $(seq 100); do
    [[ $(redis-cli -p "$redis_port" ping 2>/dev/null) == PONG ]] && { log "redis-server $redis_pid on 127.0.0.1:$redis_port"; return; }
    kill -0 "$redis_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "run-all.sh: redis-server did not answer on 127.0.0.1:$redis_port; see $out/redis/redis.log" >&2
  exit 1
}

cleanup() {
  if [[ -n $redis_pid ]]; then
    redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  rm -rf "$bench_dir"
}
trap cleanup EXIT

machine() {
  if [[ -n $only && -s $out/machine.txt ]]; then
    echo "re-measured: $only on $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)" \
      >>"$out/machine.txt"
    return
  fi
  {
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "run: $($quick && echo 'QUICK (smoke test: one short iteration each; NOT a measurement)' || echo full)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), nproc $(nproc)"
    echo "memory: $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); kernel $(uname -r)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "cache files: $bench_dir ($(df -T "$(dirname "$bench_dir")" | awk 'NR == 2 {print $2}'))"
    echo "JDK 25: $("$jdk25/bin/java" -version 2>&1 | sed -n 2p)"
    echo "JDK 17: $("$jdk17/bin/java" -version 2>&1 | sed -n 2p)"
    echo "Redis: $(redis-server --version | cut -d' ' -f3-4) on loopback TCP, no persistence"
    echo "Perl: $(perl -e 'printf "%vd", $^V'), Cache::FastMmap $(perl -MCache::FastMmap -e 'print $Cache::FastMmap::VERSION')"
    echo "Chronicle Map, Caffeine, Jedis, Jackson: see fastmmap-benchmarks/pom.xml (profile benchmarks)"
  } >"$out/machine.txt"
}

# JMH on one JDK: NAME JDK ARGS... (JMH arguments); JSON to OUT/jmh-NAME-jdkV.json, log beside it. The quick run
# does not fork (-f 0: a JVM start per trial would be most of its time), so JMH's own JVM gets the forks' flags.
jmh() {
  local name=$1 v=$2
  shift 2
  wanted "$name" || { log "JMH $name on JDK $v: kept from the earlier run in $out"; return; }
  local java=("${java25[@]}")
  [[ $v == 17 ]] && java=("${java17[@]}")
  local props=(-Dfastmmap.bench.redis=127.0.0.1:$redis_port -Dfastmmap.bench.dir=$bench_dir)
  local prepend="${props[*]}"
  [[ $v == 25 ]] && prepend+=" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
  $quick && java+=("${props[@]}" "${fork_flags[@]}")
  log "JMH $name on JDK $v: $*"
  "${java[@]}" -jar "$jar" "$@" -prof gc -jvmArgsPrepend "$prepend" -rf json -rff "$out/jmh-$name-jdk$v.json" \
    ${JMH_OPTS:-} >"$out/jmh-$name-jdk$v.log" 2>&1 || {
    grep -B2 -A12 -m3 '<failure>\|Exception\|Error' "$out/jmh-$name-jdk$v.log" >&2 || tail -30 "$out/jmh-$name-jdk$v.log" >&2
    echo "run-all.sh: JMH $name failed; the log is $out/jmh-$name-jdk$v.log" >&2
    exit 1
  }
  if grep -q '<failure>' "$out/jmh-$name-jdk$v.log"; then
    grep -A8 -m1 '<failure>' "$out/jmh-$name-jdk$v.log" >&2
    echo "run-all.sh: a benchmark of JMH $name failed; the log is $out/jmh-$name-jdk$v.log" >&2
    exit 1
  fi
}

all_stores=fastmmap,chronicle,redis,caffeine,floor
jmh_runs() {
  local b='io.fastmmap.benchmarks.peers.PeerBenchmark'
  if $quick; then
    # SampleTime only (half the forks): the report derives ops/s from its mean, marked with ≈.
    local q=(-f 0 -wi 1 -w 1s -i 1 -r 1s -bm sample)
    jmh primary 25 "$b.op\$" "${q[@]}" -p store=$all_stores -p mix=get90,get100
    jmh pipelined 25 "$b.batch16\$" "${q[@]}" -p store=redis
    # Eviction, Zipf keys and more threads than cores, on the stores that can evict (Chronicle Map cannot).
    jmh evicting 25 "$b.op\$" "${q[@]}" -p store=fastmmap,redis,caffeine -p keys=zipf -p sizing=overcommit2x \
      -t $(($(nproc) * 2))
    return
  fi
  jmh primary 25 "$b.op\$" -p store=$all_stores -p mix=get100,get95,get90,get50,set100
  jmh pipelined 25 "$b.batch16\$" -p store=redis -p mix=get100,get90,set100
  jmh values 25 "$b.op\$" -p store=$all_stores -p valueSize=100,16384 -p mix=get90,get100
  jmh keycount 25 "$b.op\$" -p store=$all_stores -p keyCount=100000,1000000 -p mix=get90
  jmh zipf 25 "$b.op\$" -p store=$all_stores -p keys=zipf -p mix=get90,get50
  jmh overcommit 25 "$b.op\$" -p store=fastmmap,redis,caffeine -p sizing=overcommit2x -p keys=uniform,zipf \
    -p mix=get90,get50
  jmh threads 25 "$b.op\$" -p store=$all_stores -p mix=get90,get50 -t $(($(nproc) * 2))
  jmh primary 17 "$b.op\$" -p store=fastmmap,chronicle,caffeine,floor -p mix=get100,get90
}

multiprocess() {
  # 10 s of warm-up: JSON encoding and decoding (Jackson) take several seconds to be compiled.
  wanted multiprocess || { log "multi-process runs: kept from the earlier run in $out"; return; }
  local driver=io.fastmmap.benchmarks.peers.MultiProcessDriver warmup=10 seconds=10
  $quick && { warmup=1; seconds=1; }
  local dir=$bench_dir/multiprocess
  rm -f "$out/multiprocess.jsonl"
  "${java25[@]}" -cp "$jar" $driver prepare "$dir" 10000 1024 get90 uniform fit 2
  for mode in raw session; do
    for processes in 1 2; do
      log "multi-process $mode x $processes: fastmmap, then Cache::FastMmap"
      "${java25[@]}" -cp "$jar" $driver run "$dir" $processes $mode $warmup $seconds "$out/multiprocess.jsonl" \
        >>"$out/multiprocess.log" 2>&1 || { tail -20 "$out/multiprocess.log" >&2; exit 1; }
      perl fastmmap-benchmarks/perl/cache-fastmmap-driver.pl "$dir" $processes $mode $warmup $seconds \
        "$out/multiprocess.jsonl" >>"$out/multiprocess.log" 2>&1 || { tail -20 "$out/multiprocess.log" >&2; exit 1; }
      if [[ $mode == session ]]; then # W2 with the JSON codec, against the same Storable run
        log "multi-process session-json x $processes: fastmmap with JsonCodec"
        "${java25[@]}" -cp "$jar" $driver run "$dir" $processes session-json $warmup $seconds \
          "$out/multiprocess.jsonl" >>"$out/multiprocess.log" 2>&1 || { tail -20 "$out/multiprocess.log" >&2; exit 1; }
      fi
    done
  done
}

footprint() {
  wanted footprint || { log "footprint: kept from the earlier run in $out"; return; }
  local java=("${java25[@]}" "${fork_flags[@]}" "-Dfastmmap.bench.redis=127.0.0.1:$redis_port"
    "-Dfastmmap.bench.dir=$bench_dir" -cp "$jar" io.fastmmap.benchmarks.peers.Footprint "$out/footprint.jsonl")
  rm -f "$out/footprint.jsonl"
  local counts=(10000)
  $quick || counts=(10000 100000 1000000)
  for keys in "${counts[@]}"; do
    log "footprint, $keys keys"
    "${java[@]}" "$keys" 1024 fit fastmmap chronicle redis caffeine >>"$out/footprint.log" 2>&1 || {
      tail -20 "$out/footprint.log" >&2; exit 1; }
  done
  if ! $quick; then
    "${java[@]}" 10000 100 fit fastmmap chronicle redis caffeine >>"$out/footprint.log" 2>&1 || {
      tail -20 "$out/footprint.log" >&2; exit 1; }
  fi
  # A full, evicting fastmmap file: its size over the live data it holds is what a full cache costs.
  "${java[@]}" 10000 1024 overcommit2x fastmmap >>"$out/footprint.log" 2>&1 || {
    tail -20 "$out/footprint.log" >&2; exit 1; }
}

report() {
  local note
  if $quick; then
    note="**QUICK RUN: a smoke test, not a measurement.** Each figure is one 1-second iteration (drivers: 1 s; ops/s \
from SampleTime's mean) on \
whatever the machine was doing; they show only that every peer and driver ran end to end. The measured results are \
in docs/benchmarks-peers.md of the repository, from \`fastmmap-benchmarks/run-all.sh\` on a quiet machine."
  else
    # The full run's own date (an --only re-measure lists itself as "re-measured" in the machine block).
    note="Full run of \`fastmmap-benchmarks/run-all.sh\`, $(sed -n 's/^date: \([0-9-]*\).*/\1/p' "$out/machine.txt" \
      | head -1)${only:+; parts measured again since are listed as re-measured under Machine}. Load average at the start: \
$(sed -n 's/^load average at start: //p' "$out/machine.txt"), at the end: $(cut -d' ' -f1-3 /proc/loadavg); on a \
machine with $(nproc) cores anything near or above that count means the figures are disturbed by other work."
  fi
  log "report: $report_md"
  "${java25[@]}" -cp "$jar" io.fastmmap.benchmarks.peers.PeersReport "$out" "$report_md" "$chart_png" "$note"
  "$(chart_python)" fastmmap-benchmarks/charts.py peers "$report_md" "$(dirname "$report_md")/$chart_png"
}

# The quick run is CI's smoke test: it fails unless every peer and driver produced a result.
check_complete() {
  local missing=() store
  for store in ${all_stores//,/ }; do
    grep -q "\"store\" : \"$store\"" "$out/jmh-primary-jdk25.json" || missing+=("JMH $store")
  done
  grep -q '"store" : "redis"' "$out/jmh-pipelined-jdk25.json" || missing+=("JMH pipelined redis")
  local runs
  runs=$(grep -c '"opsPerSec"' "$out/multiprocess.jsonl" || true)
  [[ $runs -eq 10 ]] || missing+=("multi-process runs: $runs of 10")
  [[ $(grep -c '"impl":"Cache::FastMmap' "$out/multiprocess.jsonl") -eq 4 ]] || missing+=("Cache::FastMmap runs")
  grep -q '"store":"chronicle"' "$out/footprint.jsonl" || missing+=("footprint")
  [[ -s $(dirname "$report_md")/$chart_png ]] || missing+=("chart")
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "run-all.sh: no result from: ${missing[*]}" >&2
    exit 1
  fi
  log "every peer ran: JMH (${all_stores}, Redis pipelined), 10 multi-process runs, footprint, report, chart"
}

install_peers
$build && build_jar
[[ -f $jar ]] || { echo "run-all.sh: no $jar: run without --no-build" >&2; exit 1; }
mkdir -p "$bench_dir"
# PeerBenchmark's fork flags (Chronicle Map's), for the JVMs this script starts itself.
mapfile -t fork_flags < <("${java25[@]}" -cp "$jar" io.fastmmap.benchmarks.peers.PeerBenchmark --jvm-flags)
start_redis
machine
jmh_runs
multiprocess
footprint
report
check_complete
log "done in $(($(date +%s) - started)) s: $report_md"

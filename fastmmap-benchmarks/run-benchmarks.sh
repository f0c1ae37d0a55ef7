#!/usr/bin/env bash
# Builds fastmmap-benchmarks/target/benchmarks.jar and runs the measurements of docs/benchmarks.md.
#
#   fastmmap-benchmarks/run-benchmarks.sh [STEP...]
#
# Steps (default: cache syscalls):
#   build      the shaded JMH jar (Maven on JDK 25, -Pbenchmarks); every other step runs it first
#   cache      CacheBenchmark (get, set, getAndSet, floor x 100 B, 1 KiB, 16 KiB; AverageTime + SampleTime;
#              -prof gc) on JDK 25 and on JDK 17: about 8 minutes per JDK
#   breakdown  GetBreakdownBenchmark (the parts of a 1 KiB get; 10000 and 100 keys) on both JDKs: ~9 min
#   workingset GetBreakdownBenchmark get and floor at 100, 1000, 3000 and 10000 keys of 1 KiB (SampleTime), two
#              rounds with the JDKs alternating: the p50 aim against the working set's size: ~5 min
#   profile    async-profiler (from Maven Central) on the 1 KiB get, JDK 25: collapsed stacks + a summary
#   syscalls   SyscallDriver under strace -f -c, perf stat and strace -p, 1M and 10M gets, both JDKs: ~2 min
#   codec      SessionCodecBenchmark (W2's session map: Jackson vs Codec.plainDataMap(), encode and decode;
#              -prof gc) on both JDKs: ~2 minutes per JDK
#   jsondecode W2's session map decoded by JsonCodec's path (jackson-core streaming), jackson-jr and databind: JsonDecodeRatios (CPU time, interleaved) ROUNDS (default 3) times per JDK, alternating,
#              then JsonDecodeBenchmark under JMH on both JDKs: ~6 minutes
#   scalarjson fastmmap-session's ScalarJson vs jackson-core streaming vs databind on a session's scalar attributes
#              (write and read): ScalarJsonBenchmark's CPU-time ratios, then the same class under JMH, both JDKs: ~4 min
#   session    SessionRepositoryBenchmark (findById + one attribute + save, fastmmap's Spring Session repository
#              vs MapSessionRepository, 200 sessions round-robin; -prof gc, CPU time per cycle) on both JDKs:
#              ~2 minutes per JDK
#   summary    Markdown tables from the JSON results
#
# Results go to fastmmap-benchmarks/target/results/. Extra JMH options: JMH_OPTS="-f 1 -i 3" (appended).
# The cache files go to java.io.tmpdir; JAVA_TOOL_OPTIONS=-Dfastmmap.bench.dir=/dev/shm puts them elsewhere.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

jdk17=$(bin/find-jdk 17)
jdk25=$(bin/find-jdk 25)
jar=fastmmap-benchmarks/target/benchmarks.jar
out=fastmmap-benchmarks/target/results
mkdir -p "$out"

java_of() { # JDK feature version -> java command (JMH's own Unsafe use warns on 24+ without the flag)
  if [[ $1 == 25 ]]; then
    echo "$jdk25/bin/java --sun-misc-unsafe-memory-access=allow"
  else
    echo "$jdk17/bin/java"
  fi
}

build() {
  JAVA_HOME=$jdk25 MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED ${MAVEN_OPTS:-}" \
    mvn -B -ntp -q -Pbenchmarks -pl fastmmap-benchmarks -am package -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip
}

machine() {
  {
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "kernel: $(uname -r)"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "tmpdir filesystem: $(df -T "${TMPDIR:-/tmp}" | awk 'NR==2 {print $2}')"
    for v in 25 17; do echo "JDK $v: $($(java_of $v) -version 2>&1 | sed -n 2p)"; done
  } | tee -a "$out/machine.txt"
}

cache() {
  for v in 25 17; do
    $(java_of $v) -jar "$jar" 'io.fastmmap.benchmarks.(CacheBenchmark|TimerOverheadBenchmark)' -prof gc \
      -rf json -rff "$out/cache-jdk$v.json" ${JMH_OPTS:-} 2>&1 | tee "$out/cache-jdk$v.txt"
  done
}

breakdown() {
  for v in 25 17; do
    $(java_of $v) -jar "$jar" 'io.fastmmap.internal.GetBreakdownBenchmark' -p keyCount=10000,100 -prof gc \
      -rf json -rff "$out/breakdown-jdk$v.json" ${JMH_OPTS:-} 2>&1 | tee "$out/breakdown-jdk$v.txt"
  done
}

# Rounds with the JDKs alternating, so a drift of this VM's speed lands on both JDKs.
workingset() {
  for round in 1 2; do
    for v in 25 17; do
      $(java_of $v) -jar "$jar" 'io.fastmmap.internal.GetBreakdownBenchmark.(get|floor)$' -bm sample \
        -p valueSize=1024 -p keyCount=100,1000,3000,10000 -rf json -rff "$out/workingset-r$round-jdk$v.json" \
        ${JMH_OPTS:-} 2>&1 | tee "$out/workingset-r$round-jdk$v.txt"
    done
  done
}

profile() {
  local lib
  lib=$(readlink -f fastmmap-benchmarks/target/async-profiler/linux-x64/libasyncProfiler.so)
  rm -rf "$out/profile"
  $(java_of 25) -jar "$jar" 'io.fastmmap.internal.GetBreakdownBenchmark.get$' -wi 3 -i 5 -r 2 -f 1 \
    -prof "async:libPath=$lib;event=cpu;interval=100000;output=collapsed,text;dir=$(readlink -f "$out")/profile" \
    ${JMH_OPTS:-} 2>&1 | tee "$out/profile.txt"
}

# One driver run: NAME JDK GETS VALUE_SIZE [java options...]. Counts the system calls of the thread doing the
# gets, from "ready" (warm) to "done", with perf's raw_syscalls tracepoint.
perf_run() {
  local name=$1 v=$2 gets=$3 size=$4
  shift 4
  local log=$out/syscalls-$name.out
  $(java_of "$v") "$@" -cp "$jar" io.fastmmap.benchmarks.SyscallDriver "$gets" "$size" 2000000 2000 >"$log" 2>&1 &
  local driver=$!
  until grep -q '^ready' "$log" 2>/dev/null; do
    kill -0 "$driver" 2>/dev/null || { cat "$log"; return 1; }
    sleep 0.05
  done
  local tid
  tid=$(sed -n 's/^ready .* tid=\([0-9]*\).*/\1/p' "$log")
  # Two independent counters on that one thread: perf's tracepoint (also page faults and context switches),
  # and strace -c attached to the thread alone (which names the calls).
  perf stat -e raw_syscalls:sys_enter,page-faults,context-switches -t "$tid" -o "$out/syscalls-$name.perf" &
  local perf=$!
  strace -c -p "$tid" -o "$out/syscalls-$name.strace" 2>/dev/null &
  local tracer=$!
  until grep -q '^done' "$log"; do
    kill -0 "$driver" 2>/dev/null || { cat "$log"; return 1; }
    sleep 0.05
  done
  kill -INT "$perf" "$tracer"
  wait "$perf" "$tracer" || true
  wait "$driver"
  printf '%-28s %s | perf: %s| strace -p: %s\n' "$name" "$(grep '^done' "$log" | cut -d' ' -f2-5)" \
    "$(awk '/raw_syscalls|page-faults|context-switches/ {printf "%s %s  ", $1, $2}' "$out/syscalls-$name.perf")" \
    "$(awk '$NF == "total" {print $4 " calls"} $NF != "total" && $1 ~ /^[0-9.]+$/ && NF >= 5 {printf "%s %s, ", $NF, $4}' \
      "$out/syscalls-$name.strace")" | tee -a "$out/syscalls-summary.txt"
}

syscalls() {
  command -v strace >/dev/null || { apt-get update -qq && apt-get install -y -qq strace; }
  command -v perf >/dev/null || echo "syscalls: no perf; only the strace totals are measured" >&2
  : >"$out/syscalls-summary.txt"
  for v in 25 17; do
    # The whole JVM, every thread, start to exit: totals include the JVM's own threads (GC, JIT, ...).
    for gets in 1000000 10000000; do
      strace -f -c -o "$out/strace-jdk$v-$gets.txt" $(java_of $v) -cp "$jar" \
        io.fastmmap.benchmarks.SyscallDriver "$gets" 1024 2000000 200 >"$out/strace-jdk$v-$gets.out"
      printf 'strace -f -c jdk%s %9s gets: %s; %s\n' "$v" "$gets" \
        "$(awk '$NF == "total" {print $4 " syscalls"}' "$out/strace-jdk$v-$gets.txt")" \
        "$(grep '^done' "$out/strace-jdk$v-$gets.out" | cut -d' ' -f2-5)" | tee -a "$out/syscalls-summary.txt"
    done
    if command -v perf >/dev/null; then
      for gets in 1000000 10000000; do
        perf_run "jdk$v-g1-1024B-$gets" "$v" "$gets" 1024 -Xms2g -Xmx2g -XX:+AlwaysPreTouch
      done
      # No garbage collector, so no safepoint ever stops the thread: what is left is get alone. 100-byte values
      # keep 12M gets' garbage (12M x 120 B) within a 3 GiB heap that is never collected.
      for gets in 1000000 10000000; do
        perf_run "jdk$v-epsilon-100B-$gets" "$v" "$gets" 100 -XX:+UnlockExperimentalVMOptions -XX:+UseEpsilonGC \
          -Xms3g -Xmx3g -XX:+AlwaysPreTouch
      done
    fi
  done
}

codec() {
  for v in 25 17; do
    $(java_of $v) -jar "$jar" 'io.fastmmap.benchmarks.peers.SessionCodecBenchmark' -prof gc \
      -rf json -rff "$out/codec-jdk$v.json" ${JMH_OPTS:-} 2>&1 | tee "$out/codec-jdk$v.txt"
  done
}

# The question is a ratio between readers: JsonDecodeRatios times all of them by CPU time, interleaved in rounds
# within one JVM (robust on a shared machine); the JDKs alternate across ROUNDS runs; then JMH's wall-clock view.
jsondecode() {
  for round in $(seq 1 "${ROUNDS:-3}"); do
    for v in 25 17; do
      $(java_of $v) -cp "$jar" io.fastmmap.codecs.JsonDecodeRatios 200 2000 2>&1 | tee "$out/jsondecode-ratios-r$round-jdk$v.txt"
    done
  done
  for v in 25 17; do
    $(java_of $v) -jar "$jar" 'io.fastmmap.codecs.JsonDecodeBenchmark' -prof gc \
      -rf json -rff "$out/jsondecode-jdk$v.json" ${JMH_OPTS:-} 2>&1 | tee "$out/jsondecode-jdk$v.txt"
  done
}

scalarjson() {
  for v in 25 17; do
    $(java_of $v) -cp "$jar" io.fastmmap.session.ScalarJsonBenchmark 200 10000 2>&1 | tee "$out/scalarjson-ratios-jdk$v.txt"
    $(java_of $v) -jar "$jar" 'io.fastmmap.session.ScalarJsonBenchmark' -prof gc \
      -rf json -rff "$out/scalarjson-jdk$v.json" ${JMH_OPTS:-} 2>&1 | tee "$out/scalarjson-jdk$v.txt"
  done
}

session() {
  for v in 25 17; do
    $(java_of $v) -jar "$jar" 'io.fastmmap.benchmarks.session.SessionRepositoryBenchmark' -prof gc \
      -jvmArgsAppend "-Xms1g -Xmx1g -XX:+AlwaysPreTouch" \
      -rf json -rff "$out/session-jdk$v.json" ${JMH_OPTS:-} 2>&1 | tee "$out/session-jdk$v.txt"
  done
}

summary() {
  local files=()
  for f in "$out"/cache-jdk25.json "$out"/cache-jdk17.json "$out"/breakdown-jdk25.json "$out"/breakdown-jdk17.json \
    "$out"/workingset-r*-jdk*.json; do
    [[ -f $f ]] && files+=("$f")
  done
  [[ ${#files[@]} -gt 0 ]] && $(java_of 25) -cp "$jar" io.fastmmap.benchmarks.Summary "${files[@]}" | tee "$out/summary.md"
  if [[ -d $out/profile ]]; then
    profile_summary | tee "$out/profile-summary.txt"
  fi
}

# Inclusive share of the samples of get that fall in each part (from the collapsed stacks of `profile`).
profile_summary() {
  local collapsed
  collapsed=$(find "$out/profile" -name '*collapsed*' | head -1)
  awk -v parts='FastMmap.get Engine.get XxHash64.hash PageLocks.lock PageLocks.unlock Engine.lock PageStore.pageBase PageStore.find PageStore.checkRecord SharedMemory.equalsArray PageStore.readValue SharedMemory.copyToArray PageStore.checksum CRC32C.update PageStore.touch Engine.readLocked' '
    BEGIN { n = split(parts, p, " ") }
    {
      count = $NF; total += count
      if (index($0, "FastMmap.get") == 0) next
      get += count
      for (i = 1; i <= n; i++) if (index($0, p[i] ";") || index($0, p[i] " ")) inc[p[i]] += count
      # self: the leaf frame
      line = $0; sub(/ [0-9]+$/, "", line); k = split(line, f, ";"); leaf[f[k]] += count
    }
    END {
      printf "samples: %d, in FastMmap.get: %d (%.1f%%)\n\ninclusive share of get:\n", total, get, 100 * get / total
      for (i = 1; i <= n; i++) printf "  %6.1f%%  %s\n", 100 * inc[p[i]] / get, p[i]
      printf "\ntop leaf frames under get:\n"
      for (l in leaf) printf "  %6.1f%%  %s\n", 100 * leaf[l] / get, l | "sort -rn | head -25"
    }' "$collapsed"
}

steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=(cache syscalls)
build
machine
for step in "${steps[@]}"; do
  case $step in
    build) ;;
    cache | breakdown | workingset | profile | syscalls | codec | jsondecode | scalarjson | session | summary) "$step" ;;
    *) echo "unknown step: $step (build cache breakdown workingset profile syscalls codec jsondecode scalarjson session summary)" >&2; exit 2 ;;
  esac
done
[[ " ${steps[*]} " == *" summary "* ]] || summary

#!/usr/bin/env bash
# The throughput comparison with wrk as the client (a separate C process, so the servers' JVM holds only the servers):
# the same servlet as run-throughput.sh, in a JVM of its own, once on fastmmap and once on the container's in-memory
# sessions, alternating; each visitor (wrk connection) keeps its session cookie. Reports requests/s and the server
# JVM's CPU time per request (from /proc, JIT and GC included), whose ratio survives a shared machine.
#   fastmmap-servlet-testkit/run-wrk.sh jetty|tomcat [connections] [warmupSeconds] [seconds] [rounds] [maven args]
# e.g. fastmmap-servlet-testkit/run-wrk.sh jetty 2 25 15 3       (needs wrk: apt-get install -y wrk)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
container=${1:?jetty or tomcat}
connections=${2:-2} warmup=${3:-25} seconds=${4:-15} rounds=${5:-3}
case $container in
  jetty) module=fastmmap-jetty main=io.fastmmap.jetty.JettyNode ;;
  tomcat) module=fastmmap-tomcat main=io.fastmmap.tomcat.TomcatNode ;;
  *) echo "first argument: jetty or tomcat, not $container" >&2; exit 2 ;;
esac
command -v wrk >/dev/null || { echo "run-wrk: wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }
export JAVA_HOME=$(bin/find-jdk 25)
export MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED ${MAVEN_OPTS:-}"
work=$(mktemp -d "${TMPDIR:-/tmp}/fastmmap-wrk.XXXXXX")
pid=''
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
maven_args=("${@:6}") # e.g. -Dmaven.repo.local=...
mvn -B -ntp -q "${maven_args[@]}" install -pl "$module" -am -DskipTests
mvn -B -ntp -q "${maven_args[@]}" org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath \
  -pl "$module" -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp"
cat > "$work/session.lua" <<'LUA'
local cookie = nil
request = function()
  local h = {}
  if cookie then h["Cookie"] = cookie end
  return wrk.format("GET", wrk.path, h)
end
response = function(status, headers, body)
  if status ~= 200 then error("HTTP " .. status) end
  local c = headers["Set-Cookie"]
  if c then cookie = c:match("^([^;]+)") end
end
LUA

one() { # memory|file -> "requests/s CPU-us/request"
  local arg=$1 second=w1
  [[ $arg == file ]] && arg=$work/sessions-$RANDOM.fmm
  [[ $container == tomcat ]] && second=$work/base-$RANDOM
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx512m \
    -cp "$module/target/test-classes:$module/target/classes:$(cat "$work/cp")" "$main" "$arg" "$second" \
    < <(sleep $((warmup + seconds + 120))) > "$work/out" 2>&1 &
  pid=$!
  for _ in $(seq 300); do grep -q '^port ' "$work/out" 2>/dev/null && break; sleep 0.2; done
  local port url c0 c1 out reqs
  port=$(awk '/^port /{print $2}' "$work/out")
  url="http://127.0.0.1:$port/app/s?op=incr&name=n"
  wrk -t"$connections" -c"$connections" -d"${warmup}s" -s "$work/session.lua" "$url" > /dev/null
  c0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  out=$(wrk -t"$connections" -c"$connections" -d"${seconds}s" -s "$work/session.lua" "$url")
  c1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=''
  reqs=$(awk '/requests in/{print $1}' <<<"$out")
  echo "$(awk '/Requests\/sec/{print $2}' <<<"$out") $(( (c1 - c0) * 1000000 / $(getconf CLK_TCK) / reqs ))"
}

echo "$container, $connections visitors, ${warmup} s warm-up + ${seconds} s measured per run, $rounds rounds, JDK 25"
for round in $(seq "$rounds"); do
  read -r f_rps f_cpu < <(one file)
  read -r m_rps m_cpu < <(one memory)
  echo "round $round: fastmmap $f_rps req/s $f_cpu us CPU/req, in-memory $m_rps req/s $m_cpu us CPU/req," \
    "req/s ratio $(awk "BEGIN {printf \"%.2f\", $f_rps / $m_rps}"), CPU ratio in-memory/fastmmap" \
    "$(awk "BEGIN {printf \"%.2f\", $m_cpu / $f_cpu}")"
done

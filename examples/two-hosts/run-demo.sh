#!/usr/bin/env bash
# Many hosts: one redis-server and two "hosts" of two instances each (the spring demo app with
# fastmmap.session.tier=redis). Host A's instances (ports 8081, 8082) share one fastmmap file, host B's (8083, 8084)
# another; Redis holds the sessions in Spring Session Data Redis's layout. One visitor's count goes on across all
# four. Runs in the foreground until Ctrl-C; everything it starts is stopped and its scratch directory removed.
#
# Usage: examples/two-hosts/run-demo.sh        (works from any directory)
# Environment: FASTMMAP_DEMO_PORT        first of the four HTTP ports (default 8081)
#              FASTMMAP_DEMO_REDIS_PORT  the redis-server's port (default 6390), on 127.0.0.1
# Needs: redis-server (Debian: apt-get install -y redis-server), curl, mvn; builds examples/spring-demo on JDK 25
# (tests skipped) and runs the instances on JDK 17. See docs/scale-out.md.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
cd "$root"

if [[ -t 1 && -z ${NO_COLOR:-} ]]; then
  bold=$'\e[1m' green=$'\e[32m' red=$'\e[31m' dim=$'\e[2m' off=$'\e[0m'
else
  bold='' green='' red='' dim='' off=''
fi
step() { printf '%s==>%s %s\n' "$bold" "$off" "$*"; }
fail() { echo "${red}two-hosts demo: $*${off}" >&2; exit 1; }

for tool in curl mvn redis-server; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (Debian: apt-get install -y ${tool/mvn/maven})"
done
jdk17=$(bin/find-jdk 17)
jdk25=$(bin/find-jdk 25)
first=${FASTMMAP_DEMO_PORT:-8081}
redis_port=${FASTMMAP_DEMO_REDIS_PORT:-6390}
ports=("$first" $((first + 1)) $((first + 2)) $((first + 3)))
names=(A1 A2 B1 B2)
for port in "${ports[@]}" "$redis_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is already in use (another demo still running?); stop it or set FASTMMAP_DEMO_PORT / _REDIS_PORT"
  fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/fastmmap-two-hosts.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo; step "stopping the four instances and Redis"; exit 0' INT TERM

step "building examples/spring-demo with Maven on JDK 25 (tests skipped)"
if ! JAVA_HOME=$jdk25 \
    MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED ${MAVEN_OPTS:-}" \
    mvn -B -ntp -q -Dstyle.color=never -Dmaven.test.skip=true -pl examples/spring-demo -am package \
    >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  fail "the Maven build failed (output above)"
fi
jar=$(ls examples/spring-demo/target/fastmmap-spring-demo-*.jar | grep -v original | head -n 1)

step "starting redis-server on 127.0.0.1:$redis_port (empty, nothing saved)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
  --logfile "$work/redis.log" &
pids+=($!)

start() { # NAME PORT HOST
  "$jdk17/bin/java" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$jar" --server.port="$2" \
    --demo.instance="$1" --spring.profiles.active=tier --spring.data.redis.port="$redis_port" \
    --fastmmap.session.file="$work/host$3/sessions.fmm" > >(sed -u "s/^/${dim}[$1]${off} /") 2>&1 &
  pids+=($!)
}
step "starting host A (${ports[0]}, ${ports[1]}: one file) and host B (${ports[2]}, ${ports[3]}: another file)"
for i in 0 1 2 3; do
  start "${names[$i]}" "${ports[$i]}" "${names[$i]:0:1}"
done
for i in 0 1 2 3; do
  for _ in $(seq 240); do
    curl -s -o /dev/null --max-time 2 "http://localhost:${ports[$i]}/api/whoami" && continue 2
    kill -0 "${pids[$((i + 1))]}" 2>/dev/null || fail "instance ${names[$i]} stopped (its output is above)"
    sleep 0.5
  done
  fail "instance ${names[$i]} did not answer within 2 minutes"
done

step "one visitor (one cookie jar), going round A1, A2, B1, B2 twice:"
cookies=$work/cookies
for port in "${ports[@]}" "${ports[@]}"; do
  body=$(curl -s -b "$cookies" -c "$cookies" "http://localhost:$port/api/visits")
  echo "    curl localhost:$port/api/visits -> ${green}$body${off}"
done
count=$(curl -s -b "$cookies" -c "$cookies" "http://localhost:${ports[0]}/api/visits" | tr -dc 0-9)
[[ $count == 9 ]] || fail "expected the ninth visit to count 9, got '$count'"

cat <<INFO

${bold}${green}Four instances on two "hosts" share one session through Redis.${off} Try it:
  - open http://localhost:${ports[0]}/ and http://localhost:${ports[3]}/ in one browser: the count and cart follow;
  - log in at http://localhost:${ports[1]}/account as ${bold}demo${off} / ${bold}demo${off}, then open http://localhost:${ports[2]}/account;
  - redis-cli -p $redis_port keys 'spring:session:*'   (Spring Session Data Redis's own layout)
Press Ctrl-C to stop everything.
INFO
wait

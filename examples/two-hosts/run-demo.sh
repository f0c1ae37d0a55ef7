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

demo_name="two-hosts demo"
source bin/demo-lib.sh

demo_require_tools curl mvn redis-server
first=${FASTMMAP_DEMO_PORT:-8081}
redis_port=${FASTMMAP_DEMO_REDIS_PORT:-6390}
ports=("$first" $((first + 1)) $((first + 2)) $((first + 3)))
names=(A1 A2 B1 B2)
demo_port_hint="set FASTMMAP_DEMO_PORT / _REDIS_PORT"
demo_require_free_ports "${ports[@]}" "$redis_port"
demo_scratch fastmmap-two-hosts "stopping the four instances and Redis"

demo_build examples/spring-demo
jar=$(demo_spring_jar)

step "starting redis-server on 127.0.0.1:$redis_port (empty, nothing saved)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
  --logfile "$work/redis.log" &
pids+=($!)

step "starting host A (${ports[0]}, ${ports[1]}: one file) and host B (${ports[2]}, ${ports[3]}: another file)"
for i in 0 1 2 3; do
  demo_start_spring "${names[$i]}" "${ports[$i]}" --spring.profiles.active=tier \
    --spring.data.redis.port="$redis_port" --fastmmap.session.file="$work/host${names[$i]:0:1}/sessions.fmm"
done
for i in 0 1 2 3; do
  demo_await_http "${names[$i]}" "${ports[$i]}" "${pids[$((i + 1))]}"
done

step "one visitor (one cookie jar), going round A1, A2, B1, B2 twice:"
demo_visits "${ports[@]}" "${ports[@]}" "${ports[0]}"

cat <<INFO

${bold}${green}Four instances on two "hosts" share one session through Redis.${off} Try it:
  - open http://localhost:${ports[0]}/ and http://localhost:${ports[3]}/ in one browser: the count and cart follow;
  - log in at http://localhost:${ports[1]}/account as ${bold}demo${off} / ${bold}demo${off}, then open http://localhost:${ports[2]}/account;
  - redis-cli -p $redis_port keys 'spring:session:*'   (Spring Session Data Redis's own layout)
Press Ctrl-C to stop everything.
INFO
wait

#!/usr/bin/env bash
# The fastmmap session demo: one Spring Boot app (form login, a visit counter, a cart) started TWICE on this host,
# instance A on port 8081 and instance B on port 8082, both keeping their HTTP sessions in ONE fastmmap file. A
# visitor can switch between the two ports and keep their session: the visit count goes on, the login and the cart
# follow. Runs in the foreground until Ctrl-C.
#
# Usage: ./run-demo.sh            (works from any directory)
# Environment: FASTMMAP_DEMO_FILE  the session file (default ~/.cache/fastmmap/spring-demo.sessions, kept across
#                                  runs, so sessions survive a restart of the demo)
#              FASTMMAP_JDK17_HOME a JDK 17 to run the app on (default: found by bin/find-jdk 17)
#
# Builds examples/spring-demo (and the fastmmap modules it needs) with Maven on JDK 25, tests skipped; the two app
# instances then run on JDK 17. The core's two-process demo moved to examples/two-process-demo/run-demo.sh.
set -euo pipefail
root=$(dirname "$(readlink -f "$0")")
cd "$root"

demo_name=run-demo
source bin/demo-lib.sh

demo_require_tools curl mvn
demo_require_free_ports 8081 8082
# On any exit (Ctrl-C, a failed step) stop both instances and remove the scratch directory (not the session file).
demo_scratch fastmmap-spring-demo "stopping A and B"

demo_build examples/spring-demo
jar=$(demo_spring_jar)

session_file=${FASTMMAP_DEMO_FILE:-}
file_arg=()
[[ -n $session_file ]] && file_arg=(--fastmmap.session.file="$session_file")

step "starting A on http://localhost:8081 and B on http://localhost:8082 (JDK 17), one session file"
demo_start_spring A 8081 "${file_arg[@]}"
demo_start_spring B 8082 "${file_arg[@]}"
old_file="a session file written by an older fastmmap is refused: remove it or set FASTMMAP_DEMO_FILE to another file"
demo_await_http A 8081 "${pids[0]}" "$old_file"
demo_await_http B 8082 "${pids[1]}" "$old_file"

step "one visitor (one cookie jar), alternating between A and B:"
demo_visits 8081 8082 8081 8082 8082

cat <<INFO

${bold}${green}Both instances share one session.${off} Try it:
  - open http://localhost:8081/ and http://localhost:8082/ in one browser: the visit count and cart are shared;
  - log in at http://localhost:8081/account as ${bold}demo${off} / ${bold}demo${off}, then open http://localhost:8082/account;
  - from a shell: curl -b jar -c jar localhost:8081/api/visits; curl -b jar -c jar localhost:8082/api/visits
Press Ctrl-C to stop both.
INFO
wait

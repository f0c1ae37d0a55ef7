# Shared by examples/jetty-demo/run-demo.sh and examples/tomcat-demo/run-demo.sh (sourced, not run): builds the demo
# module, starts it twice on one session file (instance A and B on two ports, JDK 17), shows one visitor's count going
# on across both with curl, then serves until Ctrl-C.
#   servlet_demo MODULE CONTAINER PORT_A PORT_B
# Environment: FASTMMAP_DEMO_FILE  the session file (default: one in a scratch directory, removed at the end)
#              FASTMMAP_JDK17_HOME a JDK 17 to run the demo on (default: found by bin/find-jdk 17)
servlet_demo() {
  local module=$1 container=$2 port_a=$3 port_b=$4
  if [[ -t 1 && -z ${NO_COLOR:-} ]]; then
    bold=$'\e[1m' green=$'\e[32m' red=$'\e[31m' dim=$'\e[2m' off=$'\e[0m'
  else
    bold='' green='' red='' dim='' off=''
  fi
  step() { printf '%s==>%s %s\n' "$bold" "$off" "$*"; }
  fail() { echo "${red}run-demo: $*${off}" >&2; exit 1; }

  for tool in curl mvn; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install -y $tool)"
  done
  local jdk17 jdk25
  jdk17=${FASTMMAP_JDK17_HOME:-$(bin/find-jdk 17)}
  jdk25=$(bin/find-jdk 25)
  for port in "$port_a" "$port_b"; do
    if curl -s -o /dev/null --max-time 1 "http://localhost:$port/"; then
      fail "port $port is already in use (another demo still running?); stop it first"
    fi
  done
  if ! grep -q "<module>$module</module>" pom.xml; then
    fail "$module is not listed in the <modules> of pom.xml (profile full); add <module>$module</module> there"
  fi

  work=$(mktemp -d "${TMPDIR:-/tmp}/fastmmap-demo.XXXXXX") # mode 0700: fastmmap refuses world-writable directories
  pids=()
  # On any exit (Ctrl-C, a failed step) stop both instances and remove the scratch directory.
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
        rm -rf "$work"' EXIT
  trap 'echo; step "stopping A and B"; exit 0' INT TERM

  step "building $module with Maven on JDK 25 (tests skipped)"
  local build_start=$SECONDS
  if ! JAVA_HOME=$jdk25 \
      MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED ${MAVEN_OPTS:-}" \
      mvn -B -ntp -q -Dstyle.color=never -Pfull -Dmaven.test.skip=true -Dmaven.javadoc.skip -Dmaven.source.skip \
        -pl "$module" -am package \
      >"$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    fail "the Maven build failed (output above)"
  fi
  echo "    ${dim}built in $((SECONDS - build_start)) s${off}"
  local jar
  jar=$(ls "$module"/target/fastmmap-*-demo-*.jar 2>/dev/null | head -n 1)
  [[ -f $jar ]] || fail "the build did not produce $module/target/fastmmap-*-demo-*.jar"

  local file=${FASTMMAP_DEMO_FILE:-$work/demo.sessions}
  start() { # NAME PORT
    "$jdk17/bin/java" -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$jar" "$1" "$2" "$file" \
      > >(sed -u "s/^/${dim}[$1]${off} /") 2>&1 &
    pids+=($!) # the java process itself (its output goes through sed, which ends with it)
  }

  step "starting $container instance A on http://localhost:$port_a and B on http://localhost:$port_b (JDK 17)"
  step "both keep their sessions in $file"
  start A "$port_a"
  start B "$port_b"
  local i port
  for i in 0 1; do
    port=$([[ $i == 0 ]] && echo "$port_a" || echo "$port_b")
    for _ in $(seq 240); do
      curl -s -o /dev/null --max-time 2 "http://localhost:$port/health" && continue 2
      kill -0 "${pids[$i]}" 2>/dev/null || fail "the instance on port $port stopped (its output is above)"
      sleep 0.5
    done
    fail "the instance on port $port did not answer within 2 minutes"
  done

  step "one visitor (one cookie jar), alternating between A and B:"
  local jar_file=$work/cookies body count
  for port in "$port_a" "$port_b" "$port_a" "$port_b"; do
    body=$(curl -s -b "$jar_file" -c "$jar_file" "http://localhost:$port/visits")
    echo "    curl localhost:$port/visits -> ${green}$body${off}"
  done
  count=$(curl -s -b "$jar_file" -c "$jar_file" "http://localhost:$port_a/visits" | tr -dc 0-9)
  [[ $count == 5 ]] || fail "expected the fifth visit to count 5, got '$count'"

  cat <<INFO

${bold}${green}Both $container instances share one session.${off} Try it:
  - open http://localhost:$port_a/ and http://localhost:$port_b/ in one browser (browsers send localhost cookies to
    every port): the visit count goes on whichever you reload;
  - from a shell: curl -b jar -c jar localhost:$port_a/visits; curl -b jar -c jar localhost:$port_b/visits
Press Ctrl-C to stop both.
INFO
  wait
}

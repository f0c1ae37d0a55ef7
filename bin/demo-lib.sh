# Sourced by the demo scripts (./run-demo.sh, examples/*/run-demo.sh), from the repository root, after they set
# demo_name (the prefix of their error messages): colours, step/fail, tool and port checks, a scratch directory
# cleaned up on exit, the Maven build of a demo module, starting instances with labelled output, the wait for an
# HTTP instance and one visitor's walk across instances. Not a command itself.

if [[ -t 1 && -z ${NO_COLOR:-} ]]; then
  bold=$'\e[1m' green=$'\e[32m' red=$'\e[31m' dim=$'\e[2m' off=$'\e[0m'
else
  bold='' green='' red='' dim='' off=''
fi
step() { printf '%s==>%s %s\n' "$bold" "$off" "$*"; }
fail() { echo "${red}${demo_name}: $*${off}" >&2; exit 1; }

jdk17=$(bin/find-jdk 17)
jdk25=$(bin/find-jdk 25)

# demo_require_tools TOOL...: each on PATH, or a message naming its Debian package.
demo_require_tools() {
  local tool
  for tool; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (Debian: apt-get install -y ${tool/mvn/maven})"
  done
}

# demo_require_free_ports PORT...: nothing listens on them yet (demo_port_hint, if set, says how to pick others).
demo_require_free_ports() {
  local port
  for port; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      fail "port $port is already in use (another demo still running?); stop it first${demo_port_hint:+ or $demo_port_hint}"
    fi
  done
}

# demo_scratch PREFIX STOP_MESSAGE: work = a fresh private directory (mode 0700: fastmmap refuses world-writable
# ones). On any exit (Ctrl-C, a failed step) the processes in pids are stopped and work is removed; Ctrl-C first
# prints STOP_MESSAGE.
demo_scratch() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  pids=()
  demo_stop_message=$2
  trap demo_cleanup EXIT
  trap 'echo; step "$demo_stop_message"; exit 0' INT TERM
}
demo_cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}

# demo_build MODULE: MODULE and the fastmmap modules it needs, with Maven on JDK 25, tests not even compiled.
# Maven's output is shown only when the build fails.
demo_build() {
  local build_start=$SECONDS
  step "building $1 with Maven on JDK 25 (tests skipped)"
  if ! JAVA_HOME=$jdk25 \
      MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED ${MAVEN_OPTS:-}" \
      mvn -B -ntp -q -Dstyle.color=never -Pfull -Dmaven.test.skip=true -Dmaven.javadoc.skip -Dmaven.source.skip \
        -pl "$1" -am package \
      >"$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    fail "the Maven build failed (output above)"
  fi
  echo "    ${dim}built in $((SECONDS - build_start)) s${off}"
}

# demo_spring_jar: the spring demo's runnable jar (after demo_build examples/spring-demo).
demo_spring_jar() {
  local jar
  jar=$(ls examples/spring-demo/target/fastmmap-spring-demo-*.jar 2>/dev/null | grep -v original | head -n 1)
  [[ -f $jar ]] || fail "the build did not produce examples/spring-demo/target/fastmmap-spring-demo-*.jar"
  echo "$jar"
}

# demo_start NAME COMMAND...: runs COMMAND in the background, each line of its output prefixed with [NAME]; adds its
# process id to pids (the command's own: its output goes through sed, which ends with it).
demo_start() {
  local name=$1
  shift
  "$@" > >(sed -u "s/^/${dim}[$name]${off} /") 2>&1 &
  pids+=($!)
}

# demo_start_spring NAME PORT [ARG...]: the spring demo's jar ($jar, from demo_spring_jar) as instance NAME on PORT,
# on JDK 17 with a small heap, ARGs added to its command line.
demo_start_spring() {
  local name=$1 port=$2
  shift 2
  demo_start "$name" "$jdk17/bin/java" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$jar" \
    --server.port="$port" --demo.instance="$name" "$@"
}

# demo_await_http NAME PORT PID [HINT]: waits up to 2 minutes for the instance to answer $demo_health_path
# (default /api/whoami); fails at once when its process PID is gone (HINT added to that message).
demo_await_http() {
  local _
  for _ in $(seq 240); do
    curl -s -o /dev/null --max-time 2 "http://localhost:$2${demo_health_path:-/api/whoami}" && return 0
    kill -0 "$3" 2>/dev/null || fail "instance $1 on port $2 stopped (its output is above)${4:+; $4}"
    sleep 0.5
  done
  fail "instance $1 on port $2 did not answer within 2 minutes"
}

# demo_visits PORT...: one visitor (one cookie jar) calls $demo_visits_path (default /api/visits) on each port in
# turn, printing the answers; fails unless the last answer counts every visit (the session followed the visitor
# across the instances).
demo_visits() {
  local port body path=${demo_visits_path:-/api/visits}
  for port; do
    body=$(curl -s -b "$work/cookies" -c "$work/cookies" "http://localhost:$port$path")
    echo "    curl localhost:$port$path -> ${green}$body${off}"
  done
  [[ $(tr -dc 0-9 <<<"$body") == "$#" ]] || fail "expected visit $# to count $#, got '$body'"
}

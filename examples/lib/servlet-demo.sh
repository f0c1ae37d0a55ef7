# Shared by examples/jetty-demo/run-demo.sh and examples/tomcat-demo/run-demo.sh (sourced, not run): builds the demo
# module, starts it twice on one session file (instance A and B on two ports, JDK 17), shows one visitor's count going
# on across both with curl, then serves until Ctrl-C.
#   servlet_demo MODULE CONTAINER PORT_A PORT_B
# Environment: FASTMMAP_DEMO_FILE  the session file (default: one in a scratch directory, removed at the end)
#              FASTMMAP_JDK17_HOME a JDK 17 to run the demo on (default: found by bin/find-jdk 17)
demo_name=run-demo
demo_health_path=/health
demo_visits_path=/visits
source bin/demo-lib.sh

servlet_demo() {
  local module=$1 container=$2 port_a=$3 port_b=$4
  demo_require_tools curl mvn
  jdk17=${FASTMMAP_JDK17_HOME:-$jdk17}
  demo_require_free_ports "$port_a" "$port_b"
  if ! grep -q "<module>$module</module>" pom.xml; then
    fail "$module is not listed in the <modules> of pom.xml (profile full); add <module>$module</module> there"
  fi
  demo_scratch fastmmap-demo "stopping A and B"
  demo_build "$module"
  local jar
  jar=$(ls "$module"/target/fastmmap-*-demo-*.jar 2>/dev/null | head -n 1)
  [[ -f $jar ]] || fail "the build did not produce $module/target/fastmmap-*-demo-*.jar"

  local file=${FASTMMAP_DEMO_FILE:-$work/demo.sessions} name port
  step "starting $container instance A on http://localhost:$port_a and B on http://localhost:$port_b (JDK 17)"
  step "both keep their sessions in $file"
  for name in A B; do
    [[ $name == A ]] && port=$port_a || port=$port_b
    demo_start "$name" "$jdk17/bin/java" -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$jar" "$name" \
      "$port" "$file"
  done
  demo_await_http A "$port_a" "${pids[0]}"
  demo_await_http B "$port_b" "${pids[1]}"

  step "one visitor (one cookie jar), alternating between A and B:"
  demo_visits "$port_a" "$port_b" "$port_a" "$port_b" "$port_a"

  cat <<INFO

${bold}${green}Both $container instances share one session.${off} Try it:
  - open http://localhost:$port_a/ and http://localhost:$port_b/ in one browser (browsers send localhost cookies to
    every port): the visit count goes on whichever you reload;
  - from a shell: curl -b jar -c jar localhost:$port_a/visits; curl -b jar -c jar localhost:$port_b/visits
Press Ctrl-C to stop both.
INFO
  wait
}

#!/usr/bin/env bash
# Requests per second of one servlet app with sessions in fastmmap against the same app with the container's
# in-memory sessions (goal: ratio >= 0.9). Run on a quiet machine; the report goes to stdout.
#   fastmmap-servlet-testkit/run-throughput.sh jetty|tomcat [threads] [roundSeconds] [rounds] [jdk]
# e.g. fastmmap-servlet-testkit/run-throughput.sh tomcat 8 10 5 17
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
container=${1:?jetty or tomcat}
threads=${2:-8} seconds=${3:-10} rounds=${4:-5} jdk=${5:-25}
case $container in
  jetty) module=fastmmap-jetty main=io.fastmmap.jetty.JettyThroughputDriver ;;
  tomcat) module=fastmmap-tomcat main=io.fastmmap.tomcat.TomcatThroughputDriver ;;
  *) echo "first argument: jetty or tomcat, not $container" >&2; exit 2 ;;
esac
export JAVA_HOME=$(bin/find-jdk 25)
export MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED ${MAVEN_OPTS:-}"
mvn -B -ntp -q install -pl "$module" -am -DskipTests
cp_file=$(mktemp)
mvn -B -ntp -q org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath -pl "$module" -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
native=()
if [ "$jdk" -ge 22 ]; then native=(--enable-native-access=ALL-UNNAMED); fi
exec "$(bin/find-jdk "$jdk")/bin/java" "${native[@]}" -Xmx1g \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$cp_file")" "$main" "$threads" "$seconds" "$rounds"

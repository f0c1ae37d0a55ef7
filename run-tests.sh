#!/usr/bin/env bash
# Builds fastmmap and runs every test against the packaged multi-release jar on JDK 17 and JDK 25.
# Maven itself runs on JDK 25. -Pfull adds the modules a plain `mvn install` leaves out (examples, the Boot 4 and
# torture tests; see the parent pom). Extra arguments go to Maven, e.g.
#   ./run-tests.sh -Dfastmmap.test.only=25          one JVM only
#   ./run-tests.sh -Dit.test=SomeTest               one test class
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

jdk17=$(bin/find-jdk 17)
jdk25=$(bin/find-jdk 25)

export JAVA_HOME=$jdk25
# Maven 3.8.x's own jars (Guice, jansi) trip JDK 24+ warnings about sun.misc.Unsafe and
# native access on every run; they are Maven's, not ours.
export MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED ${MAVEN_OPTS:-}"

exec mvn -B -ntp -Pfull verify \
  -Dfastmmap.jdk17.home="$jdk17" \
  -Dfastmmap.jdk25.home="$jdk25" \
  "$@"

#!/usr/bin/env bash
# Two JVMs, one cache file: process A on JDK 17 and process B on JDK 25 open the same fastmmap file at the same
# time and count together on one shared counter with getAndSet, while each reads the notes the other one writes.
# At the end a third run checks that the counter is exactly the sum of both processes' increments.
#
# Usage: examples/two-process-demo/run-demo.sh [SECONDS]      (default 3; works from any directory)
# Builds fastmmap-core and examples/two-process-demo with Maven on JDK 25 (tests skipped), finds both JDKs with
# bin/find-jdk, and runs in a fresh private temporary directory that is removed afterwards.
set -euo pipefail
# The repository root, two levels above this script.
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
cd "$root"

seconds=${1:-3}
if [[ ! $seconds =~ ^[0-9]+$ || $seconds -lt 1 || $seconds -gt 30 ]]; then
  echo "usage: $0 [SECONDS]   (1 to 30, default 3)" >&2
  exit 2
fi

demo_name=run-demo
source bin/demo-lib.sh
color=${off:+--color} # the demo's own output is coloured when this script's is

if ! grep -q '<module>examples/two-process-demo</module>' pom.xml; then
  echo "run-demo: examples/two-process-demo is not listed in the <modules> of $root/pom.xml (profile full) yet;" >&2
  echo "run-demo: add <module>examples/two-process-demo</module> there, then run this again." >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fastmmap-demo.XXXXXX") # mode 0700: fastmmap refuses world-writable directories
pid_a='' pid_b=''
# On any exit (also Ctrl-C or a failed step) stop the demo processes still running and remove the directory.
trap 'for p in $pid_a $pid_b; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

demo_build examples/two-process-demo

# The demo's version is its parent's, the first <version> in its pom; fastmmap-core has the same.
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' examples/two-process-demo/pom.xml | head -n 1)
core_jar=fastmmap-core/target/fastmmap-core-$version.jar
demo_jar=examples/two-process-demo/target/fastmmap-two-process-demo-$version.jar
for jar in "$core_jar" "$demo_jar"; do
  [[ -f $jar ]] || { echo "${red}run-demo: the build did not produce $root/$jar${off}" >&2; exit 1; }
done

file=$work/demo.fmm
java_opts=(-Xmx64m -XX:+UseSerialGC -cp "$core_jar:$demo_jar")
main=io.fastmmap.examples.TwoProcessDemo

step "A on JDK 17 and B on JDK 25 share $file for $seconds s"
# Both start at once: exactly one of them creates the file, the other opens it. `timeout` guards a hung demo.
timeout 60 "$jdk17/bin/java" "${java_opts[@]}" $main run "$file" A B "$seconds" $color & pid_a=$!
timeout 60 "$jdk25/bin/java" "${java_opts[@]}" $main run "$file" B A "$seconds" $color & pid_b=$!
rc_a=0 rc_b=0
wait "$pid_a" || rc_a=$?
wait "$pid_b" || rc_b=$?
pid_a='' pid_b=''
if [[ $rc_a -ne 0 || $rc_b -ne 0 ]]; then
  echo "${red}run-demo: FAILED: process A exited $rc_a, process B exited $rc_b${off}" >&2
  exit 1
fi

step "both exited; a third JVM opens the file and checks the count"
if verdict=$("$jdk25/bin/java" "${java_opts[@]}" $main verify "$file" A B); then
  echo "${bold}${green}OK${off} $verdict"
else
  echo "${bold}${red}FAILED${off} $verdict" >&2
  exit 1
fi

#!/usr/bin/env bash
# The Tomcat demo: embedded Tomcat with its HTTP sessions in one fastmmap file, set up as docs/tomcat.md says, started TWICE on
# this host (instance A on port 8085, instance B on port 8086). One visitor's visit count goes on whichever instance
# serves the request. Runs in the foreground until Ctrl-C.
#
# Usage: examples/tomcat-demo/run-demo.sh     (works from any directory)
# Environment: FASTMMAP_DEMO_FILE  the session file (default: one in a scratch directory, removed at the end)
#              FASTMMAP_JDK17_HOME a JDK 17 to run the demo on (default: found by bin/find-jdk 17)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
cd "$root"
source examples/lib/servlet-demo.sh
servlet_demo examples/tomcat-demo Tomcat 8085 8086

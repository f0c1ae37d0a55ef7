#!/usr/bin/env bash
# The Jetty demo: embedded Jetty with its HTTP sessions in one fastmmap file, set up as docs/jetty.md says, started TWICE on
# this host (instance A on port 8083, instance B on port 8084). One visitor's visit count goes on whichever instance
# serves the request. Runs in the foreground until Ctrl-C.
#
# Usage: examples/jetty-demo/run-demo.sh     (works from any directory)
# Environment: FASTMMAP_DEMO_FILE  the session file (default: one in a scratch directory, removed at the end)
#              FASTMMAP_JDK17_HOME a JDK 17 to run the demo on (default: found by bin/find-jdk 17)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
cd "$root"
source examples/lib/servlet-demo.sh
servlet_demo examples/jetty-demo Jetty 8083 8084

#!/usr/bin/env bash
# The Catalyst migration demo: a Catalyst app (Catalyst::Plugin::Session, Session::Store::FastMmap,
# Session::State::Cookie, run by plackup) on port 8091 and the Spring Boot demo in the Catalyst format
# (fastmmap.session.format=catalyst, profile "catalyst") on port 8092 share ONE session file and ONE cookie
# (migrationapp_session): a visitor moves between the old app and the new one and keeps their session. Runs in the
# foreground until Ctrl-C. See docs/perl-interop.md, "Migrating a Catalyst app".
#
# Usage: examples/catalyst-migration/run-demo.sh       (works from any directory)
# Environment: FASTMMAP_DEMO_FILE  the Catalyst session file (default: a new one in a scratch directory)
# Needs: perl with Debian's libcatalyst-perl libcatalyst-plugin-session-perl
#        libcatalyst-plugin-session-store-fastmmap-perl libcatalyst-plugin-session-state-cookie-perl libplack-perl;
#        curl, mvn; JDK 25 (build) and 17 (run), found by bin/find-jdk.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
root=$(readlink -f "$here/../..")
cd "$root"

demo_name=catalyst-migration
demo_health_path=/api/visits
source bin/demo-lib.sh

demo_require_tools curl mvn perl
perl -MCatalyst -MCatalyst::Plugin::Session::Store::FastMmap -MCatalyst::Plugin::Session::State::Cookie -MPlack \
  -e 1 2>/dev/null || fail "Catalyst's session stack is missing: apt-get install -y libcatalyst-perl \
libcatalyst-plugin-session-perl libcatalyst-plugin-session-store-fastmmap-perl \
libcatalyst-plugin-session-state-cookie-perl libplack-perl"
demo_require_free_ports 8091 8092
demo_scratch fastmmap-catalyst-migration "stopping both apps"
session_file=${FASTMMAP_DEMO_FILE:-$work/session_data}
demo_build examples/spring-demo
jar=$(demo_spring_jar)

step "starting the Catalyst app on http://localhost:8091 (plackup) and Spring on http://localhost:8092 (JDK 17)"
echo "    ${dim}one session file: $session_file${off}"
demo_start catalyst env SESSION_FILE="$session_file" plackup -I "$here/catalyst/lib" --host 127.0.0.1 --port 8091 \
  "$here/catalyst/app.psgi"
demo_start_spring spring 8092 --spring.profiles.active=catalyst --fastmmap.session.file="$session_file"
demo_await_http catalyst 8091 "${pids[0]}"
demo_await_http spring 8092 "${pids[1]}"

step "one visitor (one cookie jar) moving between Catalyst (8091) and Spring (8092):"
cookies=$work/cookies
call() { # METHOD PORT PATH [FORM]
  local args=(-s -b "$cookies" -c "$cookies")
  [[ $1 == POST ]] && args+=(--data-urlencode "$4")
  local body
  body=$(curl "${args[@]}" "http://localhost:$2$3")
  printf '    %-4s localhost:%s%-22s -> %s%s%s\n' "$1" "$2" "$3${4:+ $4}" "$green" "$body" "$off" >&2
  echo "$body"
}
for port in 8091 8092 8091 8092; do call GET $port /api/visits >/dev/null; done
call POST 8091 /api/cart "item=perl book" >/dev/null
call POST 8092 /api/cart "item=java mug" >/dev/null
call POST 8092 /api/name "name=Zoë from Spring ✓" >/dev/null
name=$(call GET 8091 /api/name)
cart=$(call GET 8091 /api/cart)
count=$(call GET 8091 /api/visits | grep -o '"visits":[0-9]*' | tr -dc 0-9)
[[ $count == 5 ]] || fail "expected the fifth visit to count 5, got '$count'"
[[ $name == *"Zoë from Spring ✓"* ]] || fail "Catalyst did not read Spring's name: $name"
[[ $cart == *'"perl book","java mug"'* ]] || fail "the cart is not shared: $cart"
sid=$(awk '$6 == "migrationapp_session" { print $7 }' "$cookies")
echo "    ${dim}one cookie: migrationapp_session=$sid (Catalyst's id, as Catalyst writes it)${off}"

cat <<INFO

${bold}${green}Catalyst and Spring share one session.${off} Try it:
  - open http://localhost:8091/api/visits and http://localhost:8092/api/visits in one browser (both are localhost,
    so the browser sends the same cookie to both): the count goes on across the two apps;
  - curl -b jar -c jar -d item=tea localhost:8091/api/cart; curl -b jar -c jar localhost:8092/api/cart
Press Ctrl-C to stop both.
INFO
wait

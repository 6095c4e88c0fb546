#!/usr/bin/env bash
# supervise.sh COMMAND…: run COMMAND again whenever it exits (a crash, kill -9, out of memory)
# until this script is stopped; stopping it (TERM/INT) stops COMMAND too. `make run` keeps the
# background worker alive with it; production uses systemd's Restart=always instead.
set -u
child=""
trap 'if [ -n "$child" ]; then kill "$child" 2>/dev/null; wait "$child"; fi; exit 0' INT TERM
while true; do
  "$@" &
  child=$!
  wait "$child"
  echo "supervise.sh: '$*' exited with status $?; restarting in 1 s" >&2
  sleep 1
done

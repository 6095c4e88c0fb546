#!/usr/bin/env bash
# `make serve`: the platform as production runs it on one server (docs/deployment.md).
# PostgreSQL is required, the deployment checks must pass, then gunicorn serves the site with
# WEB_WORKERS processes while `manage.py worker` runs the background tasks, restarted whenever it stops.
# A systemd or compose deployment runs the same two commands as two supervised services.
set -euo pipefail
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export WEB_WORKERS=${WEB_WORKERS:-3}
# Several workers share one cache (rate limits, scan caches; ocop.accounts.W010): the database
# cache unless CACHE_URL names another (redis://… for several machines).
export CACHE_URL=${CACHE_URL:-dbcache://ocop_cache}
# Prometheus multiprocess mode: the workers' metric files, emptied when gunicorn starts.
export PROMETHEUS_MULTIPROC_DIR=${PROMETHEUS_MULTIPROC_DIR:-$(mktemp -d -t ocop-metrics.XXXXXX)}

if [[ -z "${DATABASE_URL:-}" ]]; then
  echo "make serve: DATABASE_URL is required (postgres://user@host:5432/ocop); see docs/deployment.md" >&2
  exit 1
fi
export DJANGO_DEBUG=false
"$BIN/python" manage.py check --deploy --fail-level WARNING
"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py createcachetable
"$BIN/python" manage.py collectstatic --noinput -v0

# The worker (heartbeat + recovery of orphaned tasks, docs/worker.md), restarted when it stops.
bash "$(dirname "$0")/supervise.sh" "$BIN/python" manage.py worker --queue-name default &
supervisor=$!
"$BIN/gunicorn" ocop.wsgi --config python:ocop.operations.gunicorn --bind "$HOST:$PORT" \
  --workers "$WEB_WORKERS" --access-logfile - &
web=$!
# Ctrl+C or a TERM from the service manager stops both; so does gunicorn stopping on its own.
trap 'kill "$supervisor" "$web" 2>/dev/null; wait' INT TERM EXIT
wait "$web"

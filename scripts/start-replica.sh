#!/usr/bin/env bash
# Start a local streaming read replica of the primary PostgreSQL at 127.0.0.1:5432, as a second
# Debian cluster named "replica" on 127.0.0.1:5433 (docs/database-replica.md). Idempotent:
#   - the primary is started if it is down, and given a `replication` line in its pg_hba.conf
#     for 127.0.0.1 (trust, as its other lines on these machines) and a reload, once;
#   - a running, streaming replica is left as it is;
#   - a stopped one is started and must be streaming within REPLICA_WAIT seconds; one that
#     cannot catch up (its WAL is gone from the primary) is removed and made again;
#   - otherwise the cluster is created and filled by `pg_basebackup -R` (a real standby) with the
#     physical replication slot "ocop_replica", so that the primary keeps the WAL a briefly
#     stopped standby needs (a busy primary recycles it within seconds otherwise).
# Done with it: scripts/stop-replica.sh stops it and drops the slot (a stopped standby holding a
# slot would make the primary keep all its WAL). A fault test stops it alone:
# pg_ctlcluster <version> replica stop -m fast.
set -euo pipefail

ver="${PG_VERSION:-$(ls /etc/postgresql | sort -V | tail -n1)}"
port="${REPLICA_PORT:-5433}"
name=replica
wait_s="${REPLICA_WAIT:-60}"
primary_conf="/etc/postgresql/$ver/main"
data="/var/lib/postgresql/$ver/$name"

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
slot=ocop_replica
primary_sql() { psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atqc "$1"; }
replica_sql() { psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc "$1" 2>/dev/null; }

streaming() {
  [ "$(replica_sql "SELECT pg_is_in_recovery() AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')")" = t ]
}
wait_streaming() {
  for _ in $(seq 1 "$wait_s"); do streaming && return 0; sleep 1; done
  return 1
}

# 1. The primary: running, and accepting replication connections from 127.0.0.1.
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if [ "$(primary_sql "SHOW wal_level")" = minimal ] || [ "$(primary_sql "SHOW max_wal_senders")" = 0 ]; then
  echo "start-replica: the primary has wal_level=minimal or max_wal_senders=0; it cannot stream." >&2
  exit 1
fi
hba="$(primary_sql "SHOW hba_file")"
if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
  echo "start-replica: allowing replication connections from 127.0.0.1 in $hba"
  printf '%s\n' "# Local streaming replica (scripts/start-replica.sh)" \
    "host    replication     all             127.0.0.1/32            trust" | as_root tee -a "$hba" >/dev/null
  primary_sql "SELECT pg_reload_conf()" >/dev/null
fi

# 2. An existing replica cluster: keep it if it streams.
if [ -d "/etc/postgresql/$ver/$name" ]; then
  if [ -f "$data/standby.signal" ]; then
    if ! pg_isready -h 127.0.0.1 -p "$port" -q; then
      as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start || true
    fi
    if wait_streaming; then
      echo "start-replica: replica $ver/$name streaming on 127.0.0.1:$port"
      exit 0
    fi
    echo "start-replica: replica $ver/$name is not streaming (WAL gone?); making it again"
  fi
  as_root pg_dropcluster --stop "$ver" "$name"
fi
primary_sql "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$slot'" >/dev/null

# 3. A new standby: an empty Debian cluster whose data directory is replaced by a base backup.
# Hot standby refuses to start with lower limits than its primary: copy them.
opts=()
for guc in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
  opts+=(-o "$guc=$(primary_sql "SHOW $guc")")
done
as_root pg_createcluster "$ver" "$name" -p "$port" "${opts[@]}" >/dev/null
# The same client authentication as the primary (trust on 127.0.0.1 on these machines).
as_root cp "$hba" "/etc/postgresql/$ver/$name/pg_hba.conf"
as_root chown postgres:postgres "/etc/postgresql/$ver/$name/pg_hba.conf"
as_root find "$data" -mindepth 1 -delete
as_postgres pg_basebackup -h 127.0.0.1 -p 5432 -U postgres -D "$data" -R -X stream -c fast -C -S "$slot"
as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start
if ! wait_streaming; then
  echo "start-replica: the new replica did not start streaming in ${wait_s} s" >&2
  tail -n 20 "/var/log/postgresql/postgresql-$ver-$name.log" >&2 || true
  exit 1
fi
echo "start-replica: replica $ver/$name streaming on 127.0.0.1:$port"

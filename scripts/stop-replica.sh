#!/usr/bin/env bash
# Stop the local streaming standby of scripts/start-replica.sh and drop its replication slot, so
# that the primary does not keep WAL for a standby that is not coming back soon. The cluster
# stays; scripts/start-replica.sh makes it stream again (from a new base backup if need be).
set -euo pipefail
ver="${PG_VERSION:-$(ls /etc/postgresql | sort -V | tail -n1)}"
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
if [ -d "/etc/postgresql/$ver/replica" ]; then
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" replica stop -m fast 2>/dev/null || true
fi
if pg_isready -h 127.0.0.1 -p 5432 -q; then
  psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atqc \
    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'ocop_replica' AND NOT active" >/dev/null
fi

"""Monthly partitions of the two tables that grow without end: EPCIS events and the scan log.

On PostgreSQL ``trace_epcisevent`` and its identifier rows ``trace_eventepc`` are partitioned by
RANGE on ``event_time``, and ``trace_scan`` on ``scanned_at``: one partition per calendar month in
the project's time zone (local midnight of the 1st, so a local day never straddles two
partitions), plus a DEFAULT partition so that no insert ever fails. SQLite keeps plain tables;
the models are the same. The design, the retention rules and the query plans:
docs/partitions.md.

* ``ensure`` creates the partitions of the current month and the next ``PARTITIONS_AHEAD_MONTHS``
  (3); a worker calls it through its periodic hook, ``manage.py partitions ensure`` by hand. Rows
  that waited in DEFAULT for a month that gets its partition are moved into it.
* ``remove_months`` archives (a gzip JSON-lines file per table, verified before anything is
  removed) and/or removes whole months older than the retention period: a partition is dropped
  (fast, no dead rows), rows outside any partition (and everything on SQLite) are deleted.
  Scans are folded into ``ScanDay`` counts first; events a lot's journey or a stamp range points
  at are kept, whatever their age.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.audit.services import record
from ocop.core.refusals import Invalid
from ocop.trace import scan
from ocop.trace.models import EpcisEvent, EventEpc, Scan

DEFAULT_AHEAD_MONTHS = 3
DEFAULT_EVENT_RETENTION_MONTHS = 60
# One advisory lock for every change of partitions: several workers run the periodic check.
LOCK_KEY = 0x0C0_9A27
_MONTH_SUFFIX = re.compile(r"_p(\d{4})_(\d{2})$")


@dataclass(frozen=True)
class Family:
    """Tables partitioned together: the parent first, then the tables whose rows follow it."""

    name: str
    models: tuple[type[models.Model], ...]
    key: str

    @property
    def tables(self) -> list[str]:
        return [m._meta.db_table for m in self.models]


FAMILIES = {
    "events": Family("events", (EpcisEvent, EventEpc), "event_time"),
    "scans": Family("scans", (Scan,), "scanned_at"),
}


def supported() -> bool:
    return connection.vendor == "postgresql"


# --- Months ------------------------------------------------------------------------------------


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_of(moment: datetime) -> date:
    return timezone.localdate(moment).replace(day=1)


def parse_month(raw: str) -> date:
    """``YYYY-MM`` → the 1st of that month; Invalid with a Vietnamese message otherwise."""
    try:
        return datetime.strptime(raw.strip(), "%Y-%m").date()
    except ValueError as exc:
        raise Invalid(_("Tháng phải có dạng NNNN-TT, ví dụ 2025-01 (month must be YYYY-MM): "
                        "%(value)s") % {"value": raw},
                      code="trace.partition_month_invalid") from exc


def bounds(month: date) -> tuple[datetime, datetime]:
    """Local midnight of the 1st of ``month`` and of the next month (aware)."""
    start = timezone.make_aware(datetime(month.year, month.month, 1))
    end_month = add_months(month, 1)
    return start, timezone.make_aware(datetime(end_month.year, end_month.month, 1))


def partition_name(table: str, month: date) -> str:
    return f"{table}_p{month:%Y_%m}"


def default_name(table: str) -> str:
    return f"{table}_default"


def ahead_months() -> int:
    return int(getattr(settings, "PARTITIONS_AHEAD_MONTHS", DEFAULT_AHEAD_MONTHS))


def event_retention_months() -> int:
    return int(getattr(settings, "EPCIS_EVENT_RETENTION_MONTHS", DEFAULT_EVENT_RETENTION_MONTHS))


def first_kept_month(family: Family, now: datetime) -> date:
    """The oldest month that retention still protects: ``remove_months`` takes only earlier ones.

    Scans: the month holding the scan retention cut (STAMP_SCAN_RETENTION_DAYS, never shorter
    than the counterfeit-evidence window), so a month goes only when every row is past it.
    Events: EPCIS_EVENT_RETENTION_MONTHS (60) whole months before the current one.
    """
    if family.name == "scans":
        return month_of(now - scan.retention())
    return add_months(month_of(now), -event_retention_months())


# --- What exists --------------------------------------------------------------------------------


@dataclass
class PartitionInfo:
    table: str
    name: str
    month: date | None  # None: the DEFAULT partition
    rows: int
    bytes: int


def is_partitioned(table: str) -> bool:
    if not supported():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid"
                       " WHERE c.relname = %s AND pg_table_is_visible(c.oid)", [table])
        return cursor.fetchone() is not None


def _children(cursor, table: str) -> list[tuple[str, int]]:
    cursor.execute("SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_inherits i "
                   "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass "
                   "ORDER BY c.relname", [table])
    return cursor.fetchall()


def _month_in(name: str) -> date | None:
    found = _MONTH_SUFFIX.search(name)
    return date(int(found.group(1)), int(found.group(2)), 1) if found else None


def existing_months(table: str) -> set[date]:
    with connection.cursor() as cursor:
        return {m for name, _size in _children(cursor, table) if (m := _month_in(name))}


def partition_list(family: Family) -> list[PartitionInfo]:
    """Every partition of the family's tables with its exact row count (PostgreSQL)."""
    found = []
    with connection.cursor() as cursor:
        for table in family.tables:
            for name, size in _children(cursor, table):
                cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
                found.append(PartitionInfo(table, name, _month_in(name), cursor.fetchone()[0],
                                           size))
    return found


def month_counts(family: Family) -> list[tuple[date, int]]:
    """Rows per month of the family's main table (the SQLite view of ``list``)."""
    model = family.models[0]
    return [(row["month"].date() if isinstance(row["month"], datetime) else row["month"],
             row["n"])
            for row in model.objects.annotate(month=TruncMonth(family.key)).values("month")
            .annotate(n=Count("pk")).order_by("month")]


# --- Creating partitions ------------------------------------------------------------------------


def _literal(moment: datetime) -> str:
    return f"'{moment.isoformat()}'"  # our own aware datetime: no user text reaches the SQL


def create_partition(cursor, table: str, key: str, month: date) -> None:
    """The partition of ``month``; rows of that month waiting in DEFAULT move into it (a
    partition cannot be added while DEFAULT holds rows of its range)."""
    quote = connection.ops.quote_name
    name, default = quote(partition_name(table, month)), quote(default_name(table))
    start, end = bounds(month)
    values = f"FROM ({_literal(start)}) TO ({_literal(end)})"
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {default} WHERE {key} >= %s AND {key} < %s)",  # noqa: S608
                   [start, end])
    if not cursor.fetchone()[0]:
        cursor.execute(f"CREATE TABLE {name} PARTITION OF {quote(table)} FOR VALUES {values}")
        return
    cursor.execute(f"CREATE TABLE {name} (LIKE {quote(table)} INCLUDING DEFAULTS "
                   f"INCLUDING CONSTRAINTS)")
    cursor.execute(f"WITH moved AS (DELETE FROM {default} WHERE {key} >= %s AND {key} < %s "  # noqa: S608
                   f"RETURNING *) INSERT INTO {name} SELECT * FROM moved", [start, end])
    # As in _remove: deferred checks pending on the moved rows would forbid the ATTACH.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(f"ALTER TABLE {quote(table)} ATTACH PARTITION {name} FOR VALUES {values}")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def convert_table(table: str, key: str, months: Iterable[date], *,
                  using: BaseDatabaseWrapper = connection) -> None:
    """Turn the plain ``table`` into one partitioned by month on ``key`` (migration 0006).

    Run inside the migration's transaction: a partitioned copy with the same columns, defaults,
    identity and checks; its partitions and DEFAULT; every row copied; foreign keys that point at
    the table dropped (a partitioned table can only be referenced through a key that holds the
    partition key); the old table dropped and the new one renamed; then the primary key becomes
    (id, key), each unique constraint gains ``key``, and the indexes are built again under their
    own names (Django's migrations keep finding them). ``using``: the migration's connection.
    """
    quote = using.ops.quote_name
    new = quote(f"{table}__partitioned")
    with using.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND "
                       "tablename = %s AND indexname NOT IN (SELECT conname FROM pg_constraint "
                       "WHERE conrelid = %s::regclass)", [table, table])
        index_defs = [row[0] for row in cursor.fetchall()]
        # Foreign keys to another partitioned table are dropped with that table's conversion.
        cursor.execute("SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f')",
                       [table])
        constraints = cursor.fetchall()
        cursor.execute("SELECT conname, conrelid::regclass::text FROM pg_constraint "
                       "WHERE confrelid = %s::regclass AND contype = 'f'", [table])
        referencing = cursor.fetchall()

        cursor.execute(f"CREATE TABLE {new} (LIKE {quote(table)} INCLUDING DEFAULTS "
                       f"INCLUDING IDENTITY INCLUDING CONSTRAINTS) PARTITION BY RANGE ({key})")
        for month in months:
            start, end = bounds(month)
            cursor.execute(f"CREATE TABLE {quote(partition_name(table, month))} PARTITION OF "
                           f"{new} FOR VALUES FROM ({_literal(start)}) TO ({_literal(end)})")
        cursor.execute(f"CREATE TABLE {quote(default_name(table))} PARTITION OF {new} DEFAULT")
        cursor.execute(f"INSERT INTO {new} SELECT * FROM {quote(table)}")  # noqa: S608
        for name, other in referencing:
            cursor.execute(f"ALTER TABLE {other} DROP CONSTRAINT {quote(name)}")
        cursor.execute(f"DROP TABLE {quote(table)}")
        cursor.execute(f"ALTER TABLE {new} RENAME TO {quote(table)}")
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute(f"SELECT setval(%s, COALESCE(MAX(id), 0) + 1, false) FROM {quote(table)}",  # noqa: S608
                       [sequence])
        cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {quote(table + '_id_seq')}")
        for name, kind, definition in constraints:
            if kind == "p":
                definition = f"PRIMARY KEY (id, {key})"
            elif kind == "u":
                definition = re.sub(r"\)$", f", {key})", definition)
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} "
                           f"{definition}")
        for index_def in index_defs:
            cursor.execute(index_def)


def ensure(*, now: datetime | None = None, ahead: int | None = None,
           since: date | None = None) -> list[str]:
    """Create the missing partitions from the month of ``since`` (any day of it; default: the
    current month) to the current month + ``ahead``; return their names. Idempotent and safe to
    run from several workers."""
    if not supported():
        return []
    now = now or timezone.now()
    current = month_of(now)
    first = min(since or current, current).replace(day=1)  # any day of the first month
    last = add_months(current, ahead_months() if ahead is None else ahead)
    wanted = []
    month = first
    while month <= last:
        wanted.append(month)
        month = add_months(month, 1)

    def missing() -> list[tuple[str, str, date]]:
        return [(table, family.key, m) for family in FAMILIES.values()
                for table in family.tables if is_partitioned(table)
                for m in sorted(set(wanted) - existing_months(table))]

    if not missing():  # the common case, a few catalogue reads: no lock taken
        return []
    created = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        # Adding a partition locks the parent briefly; never queue behind a long query for long.
        cursor.execute("SET LOCAL lock_timeout = '10s'")
        for table, key, m in missing():
            create_partition(cursor, table, key, m)
            created.append(partition_name(table, m))
    return created


def periodic_ensure(now: datetime) -> None:
    """The worker's periodic check (ocop/worker/hooks.py): partitions stay ``ahead`` months
    ahead of the clock even if nobody runs ``manage.py partitions ensure``."""
    ensure(now=now)


# --- Archiving and removing old months ----------------------------------------------------------


@dataclass
class MonthResult:
    family: str
    month: date
    rows: dict[str, int] = field(default_factory=dict)  # table → rows written / removed
    kept: int = 0  # events kept because a lot's journey or a stamp range points at them
    folded_days: int = 0  # ScanDay rows written
    files: list[Path] = field(default_factory=list)
    dropped_partition: bool = False


def _pinned(column: str) -> str:
    """SQL: the event ``t.<column>`` is one the platform's own records point at. Such events are
    kept whatever their age: a stamp on a product is scanned years after packing, and the lot
    page shows its journey. EXISTS, so that the planner uses anti/semi joins on the indexed
    ``event_id`` columns (``NOT IN (subquery)`` can fall back to a subplan per row)."""
    return (f"(EXISTS (SELECT 1 FROM trace_lotevent l WHERE l.event_id = t.{column}) OR "  # noqa: S608
            f"EXISTS (SELECT 1 FROM trace_stamprange r WHERE r.event_id = t.{column}))")


# The column of each events-family table that names the event.
_EVENT_COLUMN = {"trace_epcisevent": "id", "trace_eventepc": "event_id"}


def _months_to_remove(family: Family, before: date) -> list[date]:
    limit, _end = bounds(before)
    table, key = family.tables[0], family.key
    if is_partitioned(table):
        months = {m for m in existing_months(table) if m < before}
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT date_trunc('month', {key} AT TIME ZONE %s) "  # noqa: S608
                           f"FROM {connection.ops.quote_name(default_name(table))} "
                           f"WHERE {key} < %s", [settings.TIME_ZONE, limit])
            months |= {row[0].date() for row in cursor.fetchall()}
        return sorted(months)
    return sorted({m for m, _n in month_counts(family) if m < before})


def _write_archive(model: type[models.Model], key: str, month: date, folder: Path
                   ) -> tuple[Path, int, int]:
    """The month's rows of ``model`` as gzip JSON lines (one object per line, in id order) in
    ``<final name>.partial``; returns (that path, rows, sum of ids). The final name is never
    one that exists already."""
    start, end = bounds(month)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{model._meta.db_table}_{month:%Y-%m}.jsonl.gz"
    if path.exists():
        path = path.with_name(f"{model._meta.db_table}_{month:%Y-%m}."
                              f"{timezone.now():%Y%m%d%H%M%S}.jsonl.gz")
    partial = path.with_name(path.name + ".partial")
    rows = total = 0
    with gzip.open(partial, "wt", encoding="utf-8") as out:
        for row_id, line in _json_rows(model, key, start, end):
            out.write(line + "\n")
            rows += 1
            total += row_id
    return partial, rows, total


def _json_rows(model: type[models.Model], key: str, start: datetime, end: datetime
               ) -> Iterator[tuple[int, str]]:
    """(id, the row as one JSON object) in id order, keys = column names. PostgreSQL builds the
    JSON itself through a server-side cursor (≈10× faster than model values at millions of
    rows); SQLite goes through ``.values()``."""
    if connection.vendor == "postgresql":
        cursor = connection.chunked_cursor()
        cursor.execute(f"SELECT id, row_to_json(t)::text FROM "  # noqa: S608
                       f"{connection.ops.quote_name(model._meta.db_table)} t "
                       f"WHERE {key} >= %s AND {key} < %s ORDER BY id", [start, end])
        while chunk := cursor.fetchmany(5000):
            yield from chunk
        cursor.close()
        return
    for row in (model.objects.filter(**{f"{key}__gte": start, f"{key}__lt": end})
                .order_by("pk").values().iterator(chunk_size=5000)):
        yield row["id"], json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)


def verify_archive(path: Path) -> tuple[int, int]:
    """Read the whole file back: (rows, sum of ids). Raises on a damaged file."""
    rows = total = 0
    with gzip.open(path, "rt", encoding="utf-8") as archive:
        for line in archive:
            total += json.loads(line)["id"]
            rows += 1
    return rows, total


def _write_manifest(path: Path, *, table: str, month: date, rows: int, id_sum: int) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    start, end = bounds(month)
    manifest = {"table": table, "month": f"{month:%Y-%m}", "from": start.isoformat(),
                "to": end.isoformat(), "rows": rows, "id_sum": id_sum, "sha256": digest,
                "format": "gzip JSON lines, one row per line (Django .values() field names)"}
    path.with_name(path.name.removesuffix(".jsonl.gz") + ".manifest.json").write_text(
        json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _db_rows(table: str, key: str, month: date, *, except_pinned: bool = False
             ) -> tuple[int, int]:
    """(rows, sum of ids) of the month in ``table``; without the pinned events if asked."""
    start, end = bounds(month)
    condition = f" AND NOT {_pinned(_EVENT_COLUMN[table])}" if except_pinned else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), COALESCE(SUM(id), 0) FROM "  # noqa: S608
                       f"{connection.ops.quote_name(table)} t WHERE {key} >= %s AND {key} < %s"
                       f"{condition}", [start, end])
        count, total = cursor.fetchone()
    return count, int(total)


def _remove(family: Family, month: date, result: MonthResult) -> None:
    """Drop the month's partitions or delete its rows; events the platform points at stay."""
    quote = connection.ops.quote_name
    start, end = bounds(month)
    key = family.key
    with connection.cursor() as cursor:
        partitioned = is_partitioned(family.tables[0]) and month in existing_months(
            family.tables[0])
        if partitioned:
            # Keep the pinned rows aside, drop the partitions, put them back: with no partition
            # for the month any more, they land in DEFAULT.
            keep: list[tuple[str, str]] = []
            for table in family.tables:
                if table in _EVENT_COLUMN:
                    cursor.execute(f"CREATE TEMP TABLE {quote(table + '_keep')} ON COMMIT DROP "  # noqa: S608
                                   f"AS SELECT * FROM {quote(partition_name(table, month))} t "
                                   f"WHERE {_pinned(_EVENT_COLUMN[table])}")
                    keep.append((table, table + "_keep"))
            # Deferred foreign-key checks of rows written earlier in this transaction would
            # forbid the DROP ("pending trigger events"): run them now, then defer again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in reversed(family.tables):
                cursor.execute(f"DROP TABLE {quote(partition_name(table, month))}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table, kept in keep:
                cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {quote(kept)}")  # noqa: S608
                cursor.execute(f"DROP TABLE {quote(kept)}")
            result.dropped_partition = True
            return
        for table in reversed(family.tables):
            condition = (f" AND NOT {_pinned(_EVENT_COLUMN[table])}"
                         if table in _EVENT_COLUMN else "")
            # SQLite's DELETE takes no alias: "t" is a view of the table in a subquery.
            cursor.execute(f"DELETE FROM {quote(table)} WHERE id IN (SELECT id FROM "  # noqa: S608
                           f"{quote(table)} t WHERE {key} >= %s AND {key} < %s{condition})",
                           [start, end])


def remove_months(family_name: str, before: date, *, folder: Path | None = None,
                  now: datetime | None = None) -> list[MonthResult]:
    """Archive to ``folder`` (when given) and remove every month of the family before ``before``.

    Each month is one transaction: its rows are locked against late inserts, written, the file
    is read back and must hold exactly the rows the database holds (count and sum of ids), and
    only then are they removed; an audit entry records it. Refused (Invalid) when ``before``
    is later than the retention period allows.
    """
    family = FAMILIES[family_name]
    now = now or timezone.now()
    limit = first_kept_month(family, now)
    if before > limit:
        raise Invalid(_("Chưa hết thời hạn lưu giữ: chỉ lưu trữ/xoá được các tháng trước "
                        "%(limit)s (retention period not over).") % {"limit": f"{limit:%Y-%m}"},
                      code="trace.partition_retention")
    results = []
    for month in _months_to_remove(family, before):
        with transaction.atomic():
            results.append(_remove_month(family, month, folder))
    return [r for r in results if r is not None]


def _remove_month(family: Family, month: date, folder: Path | None) -> MonthResult | None:
    quote = connection.ops.quote_name
    result = MonthResult(family.name, month)
    partition_exists = False
    if is_partitioned(family.tables[0]):
        partition_exists = month in existing_months(family.tables[0])
        # Late rows for this month (an event captured today with an old eventTime) wait until
        # the commit instead of slipping in between the file and the removal.
        with connection.cursor() as cursor:
            for table in family.tables:
                target = partition_name(table, month) if partition_exists else default_name(table)
                cursor.execute(f"LOCK TABLE {quote(target)} IN SHARE MODE")
    removable, _sum = _db_rows(family.tables[0], family.key, month,
                               except_pinned=family.name == "events")
    if not removable and not partition_exists:
        return None
    if folder is not None and removable:
        for model in family.models:
            table = model._meta.db_table
            partial, rows, id_sum = _write_archive(model, family.key, month, folder)
            if verify_archive(partial) != (rows, id_sum) or _db_rows(
                    table, family.key, month) != (rows, id_sum):
                raise Invalid(_("Tệp lưu trữ %(path)s không khớp với dữ liệu; không xoá gì "
                                "(archive does not match the table).") % {"path": partial},
                              code="trace.partition_archive_mismatch")
            # Only a verified file gets its final name (and a manifest).
            path = partial.with_name(partial.name.removesuffix(".partial"))
            partial.rename(path)
            _write_manifest(path, table=table, month=month, rows=rows, id_sum=id_sum)
            result.files.append(path)
            result.rows[table] = rows
    else:
        for table in family.tables:
            result.rows[table] = _db_rows(table, family.key, month)[0]
    if family.name == "scans":
        start, end = bounds(month)
        result.folded_days = scan.fold_into_days(
            Scan.objects.filter(scanned_at__gte=start, scanned_at__lt=end))
    result.kept = result.rows.get(family.tables[0], 0) - removable
    _remove(family, month, result)
    record(actor=None, action="trace.partitions_archive" if folder else "trace.partitions_drop",
           object_type=f"trace.{family.name}", object_repr=f"{month:%Y-%m}",
           changes={"rows": result.rows, "kept": result.kept, "folded_days": result.folded_days,
                    "files": [str(p) for p in result.files],
                    "dropped_partition": result.dropped_partition})
    return result

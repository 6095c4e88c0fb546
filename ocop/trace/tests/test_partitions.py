"""Monthly partitions of EPCIS events and scan logs (PostgreSQL), and what the same commands do
on SQLite (docs/partitions.md)."""

from __future__ import annotations

import gzip
import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ocop.audit.models import AuditEntry
from ocop.core.refusals import Invalid
from ocop.trace import capture, partitions, selectors, services
from ocop.trace.models import EpcisEvent, EventEpc, LotEvent, Scan, ScanDay
from ocop.trace.tests.conftest import document, object_event

pytestmark = pytest.mark.django_db
# Table partitioning is a PostgreSQL feature (SQLite keeps plain tables); the SQLite tests are
# the commands' fallback there. Each engine's run of `make test` leaves the other's out.
postgres_only = pytest.mark.postgresql
sqlite_only = pytest.mark.sqlite
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# A "today" for the tests with past months around it: June 2025 (the chain's events).
NOW = datetime(2025, 9, 20, 10, 0, tzinfo=TZ)


def local(month: date, day: int = 10) -> datetime:
    return datetime(month.year, month.month, day, 8, 0, tzinfo=TZ)


def capture_at(actor, *moments: datetime, prefix: str = "P") -> list[str]:
    """Capture one ObjectEvent per moment (eventID urn:uuid-like per index); their eventIDs."""
    events = [object_event(i, eventID=f"urn:test:{prefix}{i}",
                           eventTime=m.isoformat(timespec="milliseconds"))
              for i, m in enumerate(moments)]
    return capture.capture(document=document(*events), actor=actor).event_ids


def partition_of(table: str, **where) -> set[str]:
    (column, value), = where.items()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT tableoid::regclass::text FROM {table} "  # noqa: S608
                       f"WHERE {column} = %s", [value])
        return {row[0] for row in cursor.fetchall()}


def months_around(now: datetime, before: int, after: int) -> list[date]:
    current = partitions.month_of(now)
    return [partitions.add_months(current, n) for n in range(-before, after + 1)]


@postgres_only
def test_the_tables_are_partitioned_by_month_after_migrate() -> None:
    current = partitions.month_of(timezone.now())
    for table in ("trace_epcisevent", "trace_eventepc", "trace_scan"):
        assert partitions.is_partitioned(table)
        assert set(months_around(timezone.now(), 0, 3)) <= partitions.existing_months(table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_partkeydef('trace_epcisevent'::regclass), "
                       "pg_get_partkeydef('trace_scan'::regclass), "
                       "pg_get_constraintdef((SELECT oid FROM pg_constraint WHERE conname = "
                       "'trace_epcisevent_pkey'))")
        assert cursor.fetchone() == ("RANGE (event_time)", "RANGE (scanned_at)",
                                     "PRIMARY KEY (id, event_time)")
        cursor.execute("SELECT 1 FROM pg_class WHERE relname = %s",
                       [partitions.default_name("trace_scan")])
        assert cursor.fetchone()
    assert partitions.partition_name("trace_scan", current).endswith(f"_p{current:%Y_%m}")


@postgres_only
def test_rows_land_in_their_month_and_out_of_range_times_in_default(people) -> None:
    now = timezone.now()
    current = partitions.month_of(now)
    capture_at(people["admin"], now, datetime(1990, 1, 1, tzinfo=TZ))
    assert partition_of("trace_epcisevent", event_id="urn:test:P0") == {
        partitions.partition_name("trace_epcisevent", current)}
    assert partition_of("trace_epcisevent", event_id="urn:test:P1") == {
        "trace_epcisevent_default"}
    # The identifier rows follow their event into the same month.
    event = EpcisEvent.objects.get(event_id="urn:test:P0")
    assert partition_of("trace_eventepc", event_id=event.pk) == {
        partitions.partition_name("trace_eventepc", current)}
    Scan.objects.create(scanned_at=now, result=Scan.Result.UNKNOWN, source="now")
    Scan.objects.create(scanned_at=now + timedelta(days=400), result=Scan.Result.UNKNOWN,
                        source="future")
    assert partition_of("trace_scan", source="now") == {
        partitions.partition_name("trace_scan", current)}
    assert partition_of("trace_scan", source="future") == {"trace_scan_default"}


@postgres_only
def test_ensure_is_idempotent_and_moves_waiting_rows_out_of_default(people) -> None:
    far = partitions.add_months(partitions.month_of(timezone.now()), 6)
    Scan.objects.create(scanned_at=local(far), result=Scan.Result.UNKNOWN, source="early")
    assert partition_of("trace_scan", source="early") == {"trace_scan_default"}

    created = partitions.ensure(ahead=6)
    assert sorted(created) == sorted(partitions.partition_name(table, m)
                                     for table in ("trace_epcisevent", "trace_eventepc",
                                                   "trace_scan")
                                     for m in months_around(timezone.now(), -4, 6))
    assert partitions.ensure(ahead=6) == []
    out = StringIO()
    call_command("partitions", "ensure", "--ahead", "6", stdout=out)
    assert "Đủ phân vùng rồi" in out.getvalue()
    assert partition_of("trace_scan", source="early") == {partitions.partition_name("trace_scan",
                                                                                    far)}


@postgres_only
def test_ensure_from_a_day_inside_a_month_starts_with_that_month(people) -> None:
    # A mid-month ``since`` (e.g. "the last 29 days") once walked the 4th of each month, missed
    # the partitions named after the 1st and failed creating one that existed.
    current = partitions.month_of(timezone.now())
    back = partitions.add_months(current, -2)
    created = partitions.ensure(ahead=0, since=back.replace(day=17))
    assert sorted(created) == sorted(partitions.partition_name(table, m)
                                     for table in ("trace_epcisevent", "trace_eventepc",
                                                   "trace_scan")
                                     for m in (back, partitions.add_months(back, 1)))
    assert partitions.ensure(ahead=0, since=back.replace(day=17)) == []


@pytest.fixture
def past_months(people, chain, settings):
    """Partitions for May–September 2025 with events and scans in June and July 2025; the chain's
    events (June 2025) are what a lot's journey and its stamp ranges point at."""
    settings.EPCIS_EVENT_RETENTION_MONTHS = 1
    settings.STAMP_SCAN_RETENTION_DAYS = 30
    if connection.vendor == "postgresql":
        partitions.ensure(now=NOW, ahead=0, since=date(2025, 5, 1))
    june, july = date(2025, 6, 1), date(2025, 7, 1)
    capture_at(people["admin"], local(june), local(june, 20), local(july), prefix="M")
    for i, month in enumerate((june, june, july)):
        Scan.objects.create(scanned_at=local(month), result=Scan.Result.OK,
                            product=chain.dried, source=f"s{i}")
    return june, july


def _counts(month: date) -> tuple[int, int, int]:
    start, end = partitions.bounds(month)
    return (EpcisEvent.objects.filter(event_time__gte=start, event_time__lt=end).count(),
            EventEpc.objects.filter(event_time__gte=start, event_time__lt=end).count(),
            Scan.objects.filter(scanned_at__gte=start, scanned_at__lt=end).count())


def test_archive_of_a_past_month_keeps_other_months_and_journeys(chain, past_months,
                                                                 tmp_path) -> None:
    june, july = past_months
    pinned = set(LotEvent.objects.values_list("event_id", flat=True))
    assert EpcisEvent.objects.filter(pk__in=pinned, event_time__month=6).count() == len(pinned)
    july_before = _counts(july)

    results = partitions.remove_months("events", july, folder=tmp_path, now=NOW)
    results += partitions.remove_months("scans", july, folder=tmp_path, now=NOW)

    # (On PostgreSQL May's empty partitions are dropped too.)
    assert [(r.family, r.month) for r in results if any(r.rows.values())] == [
        ("events", june), ("scans", june)]
    events, scans = (r for r in results if r.month == june)
    # June held 2 captured events and the chain's own events (harvest, transform, pack, ship).
    assert events.rows["trace_epcisevent"] == 2 + len(pinned)
    assert events.kept == len(pinned)
    assert events.dropped_partition == (connection.vendor == "postgresql")
    assert _counts(june) == (len(pinned), EventEpc.objects.filter(event_id__in=pinned).count(), 0)
    assert _counts(july) == july_before
    # The journey still reads: every LotEvent's event is there.
    assert set(EpcisEvent.objects.filter(pk__in=pinned).values_list("pk", flat=True)) == pinned
    assert list(selectors.lot_journey(chain.packed)) == list(
        LotEvent.objects.filter(lot=chain.packed))
    # Scans: folded into daily counts, the rows gone.
    assert sum(ScanDay.objects.values_list("scans", flat=True)) == 2
    assert scans.folded_days == 1

    files = {p.name: p for p in tmp_path.iterdir()}
    assert sorted(files) == sorted([
        "trace_epcisevent_2025-06.jsonl.gz", "trace_epcisevent_2025-06.manifest.json",
        "trace_eventepc_2025-06.jsonl.gz", "trace_eventepc_2025-06.manifest.json",
        "trace_scan_2025-06.jsonl.gz", "trace_scan_2025-06.manifest.json"])
    with gzip.open(files["trace_epcisevent_2025-06.jsonl.gz"], "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    assert {r["event_id"] for r in rows} >= {"urn:test:M0", "urn:test:M1"}
    assert rows[0]["data"]["type"] in {"ObjectEvent", "TransformationEvent", "AggregationEvent"}
    manifest = json.loads(files["trace_scan_2025-06.manifest.json"].read_text())
    assert manifest["rows"] == 2 and manifest["month"] == "2025-06"
    assert AuditEntry.objects.filter(action="trace.partitions_archive",
                                     object_repr="2025-06").count() == 2
    if connection.vendor == "postgresql":
        assert june not in partitions.existing_months("trace_epcisevent")
        assert july in partitions.existing_months("trace_epcisevent")
        assert partition_of("trace_epcisevent", id=min(pinned)) == {"trace_epcisevent_default"}
    # Run again: nothing left to archive in June (the kept events stay where they are).
    assert partitions.remove_months("events", july, folder=tmp_path, now=NOW) == []


def test_drop_and_archive_respect_the_retention_period(past_months) -> None:
    june, july = past_months
    with pytest.raises(Invalid) as refused:
        partitions.remove_months("scans", date(2025, 9, 1), now=NOW)
    assert refused.value.code == "trace.partition_retention"
    assert _counts(july)[2] == 1
    with pytest.raises(CommandError, match="NNNN-TT"):
        call_command("partitions", "drop", "--before", "2025/07", "--table", "scans")
    partitions.remove_months("scans", july, now=NOW)
    assert _counts(june)[2] == 0 and _counts(july)[2] == 1


@postgres_only
def test_a_journey_query_for_a_date_window_reads_only_that_months_partitions(
        people, past_months) -> None:
    epc = "https://id.gs1.org/01/08930000000019/21/S1"  # object_event(1): the June 20 event
    params = QueryDict(mutable=True)
    params.update({"MATCH_anyEPC": epc, "GE_eventTime": "2025-06-01T00:00:00+07:00",
                   "LT_eventTime": "2025-07-01T00:00:00+07:00"})
    with CaptureQueriesContext(connection) as queries:
        page = selectors.query_events(people["admin"], params)
    assert [e.event_id for e in page.events] == ["urn:test:M1"]
    # Without the window the same event is found too (the window only narrows the partitions).
    unbounded = QueryDict(f"MATCH_anyEPC={epc}")
    assert [e.event_id for e in selectors.query_events(people["admin"], unbounded).events] == [
        "urn:test:M1"]

    sql = queries.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    touched = set(re.findall(r"trace_(epcisevent|eventepc)_(p\d{4}_\d{2}|default)", plan))
    assert touched == {("epcisevent", "p2025_06"), ("eventepc", "p2025_06")}, plan


@postgres_only
def test_scan_evidence_and_counterfeit_counts_prune_to_their_window(chain, past_months) -> None:
    _june, july = past_months
    start, end = partitions.bounds(july)
    scans = Scan.objects.filter(batch_id=chain.batch.pk, serial=1, scanned_at__gte=start,
                                scanned_at__lt=end)
    plan = scans.explain()
    assert "trace_scan_p2025_07" in plan and "trace_scan_p2025_06" not in plan, plan
    suspicious = selectors.suspicious_stamps(Scan.objects.all(), start)
    assert suspicious == []
    counted = Scan.objects.filter(scanned_at__gte=start, result=Scan.Result.SUSPICIOUS)
    assert "trace_scan_p2025_06" not in counted.explain()


@sqlite_only
def test_on_sqlite_the_commands_say_partitioning_is_a_postgresql_feature(past_months,
                                                                         tmp_path) -> None:
    out = StringIO()
    call_command("partitions", "ensure", stdout=out)
    call_command("partitions", "list", "--table", "scans", stdout=out)
    text = out.getvalue()
    assert "tính năng của PostgreSQL" in text and "(sqlite)" in text
    assert "2025-06" in text and "2025-07" in text


def test_archive_command_writes_files_and_reports(past_months, tmp_path, settings) -> None:
    # The command uses the real clock: a retention of one day lets June 2025 go.
    settings.STAMP_SCAN_RETENTION_DAYS = 1
    settings.STAMP_SUSPICIOUS_DAYS = 1
    out = StringIO()
    call_command("partitions", "archive", "--before", "2025-07", "--to", str(tmp_path),
                 "--table", "scans", stdout=out)
    assert "scans 2025-06: trace_scan 2" in out.getvalue()
    assert (tmp_path / "trace_scan_2025-06.jsonl.gz").exists()
    assert partitions.verify_archive(tmp_path / "trace_scan_2025-06.jsonl.gz")[0] == 2


def test_the_lot_page_journey_finds_each_event_by_id_and_time(chain) -> None:
    """lot_journey looks events up by id and occurred_at = event_time: the services write the
    two equal, to the microsecond."""
    harvest = services.record_harvest(
        actor=chain.people["producer"], zone=chain.zone, product=chain.fruit, lot_code="VT-X",
        harvested_at=datetime(2025, 6, 11, 7, 0, 1, 123456, tzinfo=TZ), quantity=Decimal(5),
        unit="kg")
    for lot in (harvest, chain.packed):
        journey = selectors.lot_journey(lot)
        plain = list(LotEvent.objects.filter(lot=lot).select_related("event"))
        assert [(r.pk, r.event.event_id) for r in journey] == [
            (r.pk, r.event.event_id) for r in plain]
        assert journey


@postgres_only
def test_the_conversion_moves_existing_rows_and_keeps_keys_indexes_and_the_sequence() -> None:
    """convert_table (migration 0006) on a plain table holding rows, with an index, a unique
    constraint, a check and a foreign key pointing at it."""
    june, july = date(2025, 6, 1), date(2025, 7, 1)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE partitions_probe (id bigint GENERATED BY DEFAULT AS IDENTITY "
                       "PRIMARY KEY, at timestamptz NOT NULL, code text NOT NULL, n int CHECK "
                       "(n >= 0), CONSTRAINT partitions_probe_code UNIQUE (code))")
        cursor.execute("CREATE INDEX partitions_probe_at ON partitions_probe (at, id)")
        cursor.execute("CREATE TABLE partitions_probe_ref (probe_id bigint REFERENCES "
                       "partitions_probe (id))")
        cursor.execute("INSERT INTO partitions_probe (at, code, n) VALUES (%s, 'a', 1), "
                       "(%s, 'b', 2), (%s, 'c', 3)",
                       [local(june), local(july), datetime(1999, 1, 1, tzinfo=TZ)])
        cursor.execute("INSERT INTO partitions_probe_ref VALUES (1)")

        partitions.convert_table("partitions_probe", "at", [june, july])

        cursor.execute("SELECT code, tableoid::regclass::text FROM partitions_probe ORDER BY id")
        assert cursor.fetchall() == [("a", "partitions_probe_p2025_06"),
                                     ("b", "partitions_probe_p2025_07"),
                                     ("c", "partitions_probe_default")]
        cursor.execute("INSERT INTO partitions_probe (at, code, n) VALUES (%s, 'd', 4) "
                       "RETURNING id", [local(july, 2)])
        assert cursor.fetchone()[0] == 4  # the identity continues after the copied rows
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE "
                       "conrelid = 'partitions_probe'::regclass ORDER BY conname")
        assert cursor.fetchall() == [
            ("partitions_probe_code", "UNIQUE (code, at)"),
            ("partitions_probe_n_check", "CHECK ((n >= 0))"),
            ("partitions_probe_pkey", "PRIMARY KEY (id, at)")]
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'partitions_probe_at'")
        assert "(at, id)" in cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE "
                       "conrelid = 'partitions_probe_ref'::regclass AND contype = 'f'")
        assert cursor.fetchone()[0] == 0

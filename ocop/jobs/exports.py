"""Excel exports of the lists ("Xuất Excel"): one mechanism, every app registers its lists.

The jobs app knows no domain, so each owning app describes its list — the columns, the rows (the
list page's own selector, given the requester and the page's filters) and who may export it — as
a :class:`ListExport` and registers it from its ``jobs.py`` (imported by ``AppConfig.ready()``),
the way job kinds are registered. One job kind, ``list_export``, runs them all in the
background with the progress bar of every job, and its ``allowed`` asks the list's own rule at
the request and at every download (docs/background-jobs.md).

Why the rows are selected when the job runs, by the list's selector for the requester: the file
holds exactly what the list page would show that person with those filters — their jurisdiction,
their role, and for council members only the dossiers assigned to them without a conflict of
interest — and nothing the page hides (no council scores on a list that does not show them).

The file format (docs/background-jobs.md, "List exports"): one sheet of rows, header on row 1 in
Vietnamese with the header row frozen and a filter on it, so the rows can be sorted and filtered
and (for the registry) imported back; labels instead of internal codes, dates as real dates shown
dd/mm/yyyy, amounts with thousands separators. What the file is — the list, the requester's
scope, the filters in words, the number of rows, who made it and when — is on a second sheet,
"Thông tin", rather than in a title row above the header (the registry's files must keep the
header on row 1 to import back, and every export reads the same way). Headers and labels are
Vietnamese whatever the interface language, like the registry's files: a file passed between
offices reads the same everywhere.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ocop.audit import services as audit
from ocop.core.refusals import ALLOWED, Forbidden, NotFound, Verdict, denied
from ocop.core.spreadsheets import safe_cell
from ocop.jobs import services as jobs
from ocop.jobs.kinds import JobKind, Output, Progress, register
from ocop.jobs.models import Job

if TYPE_CHECKING:
    from ocop.accounts.models import User

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_EVERY = 500  # rows between two progress reports
# The filters kept on the job and in its audit entry: the list page's query string, bounded so
# that a crafted URL cannot store an arbitrary amount of text.
MAX_FILTERS, MAX_FILTER_KEY, MAX_FILTER_VALUE = 20, 40, 200

# Excel number formats (the file's own, independent of the reader's locale settings).
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
NUMBER_FORMATS = {"date": DATE_FORMAT, "datetime": DATETIME_FORMAT, "int": "#,##0",
                  "money": "#,##0", "decimal": "#,##0.00"}


@dataclass(frozen=True)
class Column:
    """One column: its Vietnamese header, how to read the value from a row, how to show it."""

    header: str
    value: Callable[[Any], Any]
    kind: str = "text"  # text | int | decimal | money | date | datetime
    width: int = 18  # characters
    # For a stored code: its choices, so the file shows the label. Looked up once per file, not
    # per row (a model's get_FOO_display rebuilds its dictionary at every call: a fifth of the
    # time of a 10,000-row export).
    choices: Iterable[tuple[Any, Any]] | None = None


def active(user: User) -> Verdict:
    """The default rule: any active account may export the rows the list shows it."""
    if getattr(user, "is_authenticated", False) and user.is_active:
        return ALLOWED
    return denied(_("Hãy đăng nhập."), "jobs.export_sign_in")


@dataclass(frozen=True)
class ListExport:
    """A list page's export, registered by the app that owns the list."""

    name: str  # "dossiers.dossiers": in the URL, the job's params and the audit action
    title: str | Promise  # "Danh sách hồ sơ OCOP": the job's title and the info sheet
    sheet: str  # the sheet's name (Vietnamese, at most 31 characters)
    filename: str  # "ho-so" → ho-so-20261130.xlsx
    columns: Sequence[Column]
    # The list page's selector: the rows ``user`` sees with these filters (the page's query
    # string, "page" removed), in the page's order.
    rows: Callable[[User, Mapping[str, str]], QuerySet | Iterable[Any]]
    # Who may export: the list page's own rule, as a Verdict (its reason is the refusal).
    allowed: Callable[[User], Verdict] = active
    # The filters in words for the info sheet, e.g. [("Trạng thái", "Đã nộp")]; labels only.
    describe: Callable[[Mapping[str, str]], list[tuple[str, str]]] = field(
        default=lambda filters: [])
    # The list page showing these filters (``list_page``): the job page's way back to it.
    page: Callable[[Mapping[str, str]], str] | None = None


def list_page(url_name: str) -> Callable[[Mapping[str, str]], str]:
    """A ``page``: the list at ``url_name`` with the export's filters in its query string."""
    def page(filters: Mapping[str, str]) -> str:
        url = reverse(url_name)
        return f"{url}?{urlencode(filters)}" if filters else url
    return page


EXPORTS: dict[str, ListExport] = {}

# How a filter's raw value is put in words: a mapping of codes to labels (a TextChoices'
# ``choices`` as a dict), a function (a unit's name from its key), or None (the text typed).
Labels = Mapping[Any, Any] | Callable[[str], Any] | None


def describe_with(*spec: tuple[str, str, Labels]) -> Callable[[Mapping[str, str]],
                                                               list[tuple[str, str]]]:
    """A ``describe`` from (query key, Vietnamese label, labels) triples; a value the labels do
    not know is left out, as the list's filter ignores it."""
    def describe(filters: Mapping[str, str]) -> list[tuple[str, str]]:
        out = []
        for key, label, labels in spec:
            raw = filters.get(key)
            if not raw:
                continue
            if labels is None:
                text = raw
            elif callable(labels):
                text = labels(raw)
            else:
                text = labels.get(raw)
            if text not in (None, ""):
                out.append((label, str(text)))
        return out
    return describe


def register_export(export: ListExport) -> ListExport:
    if export.name in EXPORTS:
        raise ValueError(f"list export {export.name!r} is registered twice")
    if len(export.sheet) > 31:
        raise ValueError(f"sheet name of {export.name!r} is longer than Excel allows")
    EXPORTS[export.name] = export
    return export


def filters_from(query: Mapping[str, str]) -> dict[str, str]:
    """The list page's filters from its query string: non-empty values, without the page number,
    bounded in number and length."""
    out: dict[str, str] = {}
    for key, value in query.items():
        if not value or key == "page" or len(key) > MAX_FILTER_KEY:
            continue
        out[key] = str(value)[:MAX_FILTER_VALUE]
        if len(out) == MAX_FILTERS:
            break
    return out


def may_export(user: User, name: str) -> Verdict:
    export = EXPORTS.get(name)
    if export is None:
        return denied(_("Không có danh sách này."), "jobs.export_unknown")
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return active(user)
    return export.allowed(user)


def start_export(*, actor: User, name: str, filters: Mapping[str, str]) -> Job:
    """Queue the export of list ``name`` with the page's ``filters``. Exports leave the
    platform, so the audit entry ``<name>.export`` keeps the filters."""
    export = EXPORTS.get(name)
    if export is None:
        raise NotFound(_("Không có danh sách này."), code="jobs.export_unknown")
    verdict = may_export(actor, name)
    if not verdict:
        raise Forbidden(verdict.reason, code=verdict.code)
    filters = filters_from(filters)
    title = str(export.title)
    with transaction.atomic():
        job = jobs.enqueue(actor=actor, kind=Job.Kind.LIST_EXPORT,
                           params={"export": name, "filters": filters},
                           title=_("Xuất Excel: %(list)s") % {"list": title})
        audit.record(actor=actor, action=f"{name}.export", object_type=name,
                     object_repr=title, changes={"filters": filters})
    return job


# --- The workbook ----------------------------------------------------------------------------


def scope_of(user: User) -> str:
    """Whose rows the file can hold, in words (the info sheet)."""
    if user.is_nationwide:
        return _("Toàn quốc")
    if user.producer_id:
        return user.producer.name
    if user.unit_id:
        return user.unit.full_name
    return _("Không có địa bàn")


def _cell(sheet: Any, value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        # Excel has no time zones: the local time the offices read on the pages.
        value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) \
            else value
    elif isinstance(value, Decimal) and kind in ("int", "money"):
        value = int(value)
    if isinstance(value, (date, int, float, Decimal)) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = NUMBER_FORMATS.get(
            kind, DATETIME_FORMAT if isinstance(value, datetime)
            else DATE_FORMAT if isinstance(value, date) else "General")
        return cell
    # Names typed by users: never formulas (OWASP, ocop/core/spreadsheets.py).
    return safe_cell(str(value))


def _bold(sheet: Any, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def write_workbook(export: ListExport, rows: QuerySet | Iterable[Any], *,
                   info: Sequence[tuple[str, Any]] = (),
                   progress: Callable[[int], None] | None = None) -> tuple[IO[bytes], int]:
    """Write ``rows`` to a temporary .xlsx (write-only mode: memory stays flat) and return it
    rewound, with the number of rows written. ``progress(rows_written)`` every PROGRESS_EVERY
    rows. Call it inside ``translation.override("vi")``: labels are the file's values."""
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(export.sheet)
    columns = list(export.columns)
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([_bold(sheet, c.header) for c in columns])
    labels = [{code: str(label) for code, label in c.choices} if c.choices is not None
              else None for c in columns]
    iterator = rows.iterator(chunk_size=2000) if isinstance(rows, QuerySet) else iter(rows)
    written = 0
    for obj in iterator:
        values = [c.value(obj) for c in columns]
        for i, known in enumerate(labels):
            if known is not None:
                values[i] = known.get(values[i], values[i])
        sheet.append([_cell(sheet, v, c.kind) for v, c in zip(values, columns, strict=True)])
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{written + 1}"
    about = wb.create_sheet("Thông tin")
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 70
    for label, value in [*info, ("Số dòng", written)]:
        about.append([_bold(about, label), _cell(about, value, "int" if isinstance(value, int)
                                                 else "text")])
    # Returned open to the caller (the job stores it); the OS removes it on close.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    wb.save(out)
    out.seek(0)
    return out, written


def info_rows(export: ListExport, user: User, filters: Mapping[str, str],
              when: datetime) -> list[tuple[str, Any]]:
    described = export.describe(filters)
    return [
        ("Danh sách", str(export.title)),
        ("Phạm vi", scope_of(user)),
        ("Bộ lọc", "; ".join(f"{label}: {value}" for label, value in described)
         or "Không lọc (toàn bộ danh sách)"),
        ("Người xuất", user.get_full_name() or user.username),
        ("Thời điểm xuất", when),
    ]


def export_file(export: ListExport, user: User, filters: Mapping[str, str], *,
                when: datetime | None = None,
                progress: Progress | None = None) -> tuple[IO[bytes], int]:
    """The workbook of ``export`` for ``user`` with ``filters`` (the job's work; tests call it
    directly too)."""
    with translation.override("vi"):  # labels are the file's values (see the module doc)
        rows = export.rows(user, filters)
        total = rows.count() if isinstance(rows, QuerySet) else None
        if total is None:
            rows = list(rows)
            total = len(rows)
        if progress is not None:
            progress(0, total)
        return write_workbook(
            export, rows, info=info_rows(export, user, filters, when or timezone.now()),
            progress=(lambda done: progress(done, total)) if progress is not None else None)


def _allowed(user: User, params: dict[str, Any]) -> bool:
    return bool(may_export(user, str(params.get("export", ""))))


def _run(job: Job, progress: Progress) -> Output:
    export = EXPORTS[job.params["export"]]
    out, _count = export_file(export, job.requested_by, job.params["filters"],
                              when=job.created_at, progress=progress)
    return Output(out, f"{export.filename}-{timezone.localdate(job.created_at):%Y%m%d}.xlsx",
                  XLSX)


def _back(job: Job) -> tuple[str, str] | None:
    export = EXPORTS.get(job.params["export"])
    if export is None or export.page is None:
        return None
    return export.page(job.params.get("filters", {})), _("Quay lại danh sách")


register(Job.Kind.LIST_EXPORT, JobKind(_allowed, _run, back=_back))

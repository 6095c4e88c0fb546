"""The staff page's imports (a legacy Excel list or a JSON Lines batch) as background jobs
(ocop/jobs/kinds.py).

The request checks the upload (size and content: a real workbook, or UTF-8 JSON Lines whose
every line is an object) and stores it under an unguessable name that no URL serves; the job
reads it, applies the batch all or nothing (``services.import_records``, one transaction)
reporting the rows tried, keeps the report in the import history, and deletes the upload.
Only the requester sees the job, and only while the exchange's own rule still lets them import
into that province (``permissions.can_exchange`` and ``scope_of``); the report itself is an
``ImportBatch``, shown to the staff of its province as before.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from ocop.accounts.models import User
from ocop.core.files import UnguessableUploadTo
from ocop.core.refusals import Refusal
from ocop.exchange import excel, jsonl, permissions, services
from ocop.exchange.models import ImportBatch
from ocop.jobs import services as jobs
from ocop.jobs.kinds import JobKind, Progress, register
from ocop.jobs.models import Job
from ocop.registry.uploads import SPREADSHEET_KINDS, validate_upload
from ocop.units.models import Unit

XLSX, JSONL = "xlsx", "jsonl"
MAX_EXCEL_ROWS = 2_000  # Excel rows of one list (8,000 records); larger lists: split, or the API
_STORE = UnguessableUploadTo("imports")


def check_upload(file: Any) -> str:
    """The upload's format by its content (``xlsx`` or ``jsonl``); a file that is neither, or
    too large, raises ValidationError on ``file`` with the reason in Vietnamese. Nothing is
    stored here."""
    name = PurePath(getattr(file, "name", "") or "tệp").name
    file.seek(0)
    head = file.read(4)
    file.seek(0)
    if head.startswith(b"PK\x03\x04"):
        # Size, real workbook (not a renamed zip or .docx), no macros, no zip bomb.
        validate_upload(file, SPREADSHEET_KINDS, "file")
        try:
            load_workbook(file, read_only=True).close()
        except Exception:  # openpyxl raises many kinds for a broken package
            raise ValidationError({"file": _(
                "Tệp “%(name)s” không mở được như bảng tính Excel (.xlsx); hãy lưu lại tệp "
                "bằng Excel rồi tải lên.") % {"name": name}}) from None
        finally:
            file.seek(0)
        return XLSX
    limit = settings.UPLOAD_MAX_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError({"file": _("Tệp “%(name)s” quá lớn (%(size).1f MB); tối đa "
                                         "%(max).0f MB.") % {"name": name,
                                                             "size": size / 1048576,
                                                             "max": limit / 1048576}})
    try:
        rows = jsonl.parse(file.read(limit + 1), limit=limit)
    except Refusal as refusal:
        raise ValidationError({"file": _(
            "Tệp “%(name)s” không phải bảng tính Excel (.xlsx) hay tệp JSON Lines (.jsonl) "
            "hợp lệ: %(reason)s") % {"name": name, "reason": refusal.message}}) from None
    finally:
        file.seek(0)
    if not rows:
        raise ValidationError({"file": _("Tệp “%(name)s” không có bản ghi nào.")
                               % {"name": name}})
    return JSONL


def _allowed(user: User, params: dict[str, Any]) -> bool:
    """May still import into the job's province (the exchange's own rule, as at the request)."""
    if not permissions.can_exchange(user):
        return False
    scope = permissions.scope_of(user)
    return scope is None or scope == params["province"]


def _read(job: Job, fh: IO[bytes], progress: Progress) -> ImportBatch:
    params = job.params
    province = Unit.objects.get(pk=params["province"]) if params["province"] else None
    if params["format"] == XLSX:
        parsed = excel.parse(fh, province=province,
                             issuing_unit=Unit.objects.get(pk=params["issuing_unit"]),
                             signer_name=params["signer_name"],
                             signer_title=params["signer_title"])
        rows, problems, digest = parsed.rows, parsed.problems, parsed.digest
        if parsed.row_count > MAX_EXCEL_ROWS:
            problems = [services.Problem(1, "", _(
                "Tệp có %(n)d dòng, quá %(max)d dòng nhập được trên trang; hãy chia nhỏ.")
                % {"n": parsed.row_count, "max": MAX_EXCEL_ROWS})]
        count, source = parsed.row_count, ImportBatch.Source.EXCEL
    else:
        body = fh.read()
        rows, problems = jsonl.parse(body, limit=settings.UPLOAD_MAX_BYTES), []
        digest = hashlib.sha256(body).hexdigest()
        count, source = len(rows), ImportBatch.Source.RECORDS
    if problems:  # refused before any row is tried: every row has been read
        progress(count, count)
    return services.import_records(
        rows, actor=job.requested_by, partner=None, province=province, source=source,
        file_name=params["name"], digest=digest, problems=problems, progress=progress)


def _run(job: Job, progress: Progress) -> None:
    """Read the stored upload and apply it (all or nothing); the report is an ImportBatch and
    the job's ``outcome`` names it with the counts. The upload is deleted once read."""
    params = job.params
    try:
        # The report is in the requester's language, not the worker's.
        with (translation.override(params["language"]),
              default_storage.open(params["upload"], "rb") as fh):
            batch = _read(job, fh, progress)
    finally:
        default_storage.delete(params["upload"])
    job.outcome = {"batch": batch.pk, "status": batch.status, "rows": batch.rows,
                   "created": batch.created, "updated": batch.updated,
                   "unchanged": batch.unchanged, "problems": len(batch.problems)}


def _follow(job: Job) -> tuple[str, str]:
    outcome = job.outcome
    if job.status == Job.Status.FAILED or "batch" not in outcome:
        return reverse("exchange:home"), _("Quay lại trang trao đổi dữ liệu")
    url = reverse("exchange:batch", args=[outcome["batch"]])
    if outcome["status"] == ImportBatch.Status.APPLIED:
        return url, _("Đã nhập: %(created)d bản ghi thêm mới, %(updated)d cập nhật, "
                      "%(unchanged)d không thay đổi. Xem kết quả") % outcome
    return url, _("Bị từ chối, không ghi gì: %(problems)d lỗi. Xem báo cáo lỗi") % outcome


def start_import(*, actor: User, file: Any, file_format: str, province: Unit | None,
                 issuing_unit: Unit | None = None, signer_name: str = "",
                 signer_title: str = "") -> Job:
    """Store an upload already passed by ``check_upload`` and queue its import. The stored name
    is random (``imports/<aa>/<32 hex>.<ext>``) and no view serves it: only the job reads it."""
    if not _allowed(actor, {"province": province.pk if province else None}):
        raise jobs.JobRefused(_("Không tìm thấy."),
                              code="jobs.exchange_import.not_allowed")
    name = PurePath(getattr(file, "name", "") or "tep").name
    file.seek(0)
    path = default_storage.save(_STORE(None, f"upload.{file_format}"), file)
    params = {"upload": path, "name": name[:200], "format": file_format,
              "province": province.pk if province else None,
              "issuing_unit": issuing_unit.pk if issuing_unit else None,
              "signer_name": signer_name, "signer_title": signer_title,
              "language": get_language()}
    try:
        return jobs.enqueue(actor=actor, kind=Job.Kind.EXCHANGE_IMPORT, params=params,
                            title=_("Nhập dữ liệu từ “%(name)s”") % {"name": name[:200]})
    except BaseException:
        default_storage.delete(path)  # no job will ever read it
        raise


register(Job.Kind.EXCHANGE_IMPORT, JobKind(_allowed, _run, _follow, long_transaction=True))

"""Writes of the browser workflow: stage an uploaded sheet, activate it, accept a non-official
sheet for recognition, and the acceptance gate the recognition step calls.

Every write runs in one transaction with its audit entry. A staged version is stored but never
used: ``selectors.versions()`` (what dossiers, coverage and the public pages read) only returns
active versions, so nothing applies until ``activate``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.audit import services as audit
from ocop.core.refusals import Invalid
from ocop.criteria import permissions, selectors
from ocop.criteria.engine import CriteriaSet, CriteriaSetError, Problem
from ocop.criteria.engine.excel import excel_bytes
from ocop.criteria.models import CriteriaSetVersion, SheetAcceptance
from ocop.criteria.services import digest, parse_upload, version_fields
from ocop.registry import uploads
from ocop.registry.models import ProductSet

State = CriteriaSetVersion.State
OFFICIAL = "official"


class SheetRefused(Invalid):
    """An upload that cannot be staged: ``problems`` names each place (sheet/row/column for the
    Excel template, the field for YAML); the message joins them."""

    def __init__(self, problems: list[Problem], *, code: str) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems), code=code)


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def _refuse(name: str, message: str, field: str | None = None, *, code: str) -> SheetRefused:
    return SheetRefused([Problem(message, source=name, field=field)], code=code)


def read_upload(file: File) -> CriteriaSet:
    """Check the file by size and content (an Excel workbook or UTF-8 YAML text, nothing else),
    then parse and validate it exactly as ``manage.py criteria validate`` does."""
    name = getattr(file, "name", "") or _("tệp")
    kind = uploads.detect_kind(file)
    if kind == "text":
        size = file.size if file.size is not None else len(file.read())
        if size > settings.UPLOAD_MAX_BYTES:
            raise _refuse(name, _("Tệp quá lớn; tối đa %(max).0f MB.")
                          % {"max": settings.UPLOAD_MAX_BYTES / 1048576},
                          code="criteria.file_too_large")
        file.seek(0)
        return _parse(name.rsplit(".", 1)[0] + ".yaml", file.read())
    try:
        uploads.validate_upload(file, frozenset({"xlsx"}))
    except ValidationError as exc:
        messages = [str(m) for m in exc.messages]
        raise SheetRefused([Problem(m, source=name) for m in messages],
                           code="criteria.file_refused") from None
    file.seek(0)
    return _parse(name.rsplit(".", 1)[0] + ".xlsx", file.read())


def _parse(name: str, content: bytes) -> CriteriaSet:
    try:
        return parse_upload(name, content)
    except CriteriaSetError as exc:
        raise SheetRefused(list(exc.problems), code="criteria.sheet_invalid") from None


def _applies_to_known(criteria_set: CriteriaSet) -> None:
    applies = criteria_set.applies_to
    source = criteria_set.source
    if applies.product_set:
        if not ProductSet.objects.filter(code=applies.product_set).exists():
            raise _refuse(source, _("Bộ sản phẩm “%(code)s” (applies_to.product_set) không có "
                                    "trong danh mục.") % {"code": applies.product_set},
                          "applies_to.product_set", code="criteria.product_set_unknown")
    elif not (applies.subgroup and ProductSet.objects.filter(subgroup_id=applies.subgroup)
              .exists()):
        raise _refuse(source, _("Tệp phải nêu bộ sản phẩm áp dụng (applies_to.product_set) "
                                "hoặc một phân nhóm có bộ sản phẩm (applies_to.subgroup)."),
                      "applies_to", code="criteria.applies_to_missing")


@transaction.atomic
def stage(*, actor: User, file: File) -> CriteriaSetVersion:
    """Validate an upload and store it as a staged version (replacing an earlier staged upload
    of the same code and version). It must be a new version number: a version in use — above
    all one already used for scoring (locked) — never changes."""
    _check(permissions.can_upload(actor))
    criteria_set = read_upload(file)
    _applies_to_known(criteria_set)
    source = criteria_set.source
    newest = (CriteriaSetVersion.objects.select_for_update(no_key=True)
              .filter(code=criteria_set.code, state=State.ACTIVE).order_by("-version").first())
    if newest is not None and criteria_set.version <= newest.version:
        message = (_("Phiên bản %(version)d của bộ “%(code)s” đã dùng để chấm, không sửa được; "
                     "hãy đặt số phiên bản %(next)d.") if newest.locked else
                   _("Bộ “%(code)s” đã có phiên bản %(version)d đang áp dụng; hãy đặt số phiên "
                     "bản %(next)d."))
        raise _refuse(source, message % {"code": criteria_set.code, "version": newest.version,
                                         "next": newest.version + 1}, "version",
                      code="criteria.version_in_use")
    fields = {**version_fields(criteria_set), "source_name": source[:200],
              "imported_by": actor, "state": State.STAGED}
    row, created = CriteriaSetVersion.objects.select_for_update().update_or_create(
        code=criteria_set.code, version=criteria_set.version, state=State.STAGED,
        defaults=fields)
    audit.record(actor=actor, action="criteria.stage" if created else "criteria.restage",
                 obj=row, changes={"sha256": row.sha256, "file": row.source_name,
                                   "product_sets": selectors.product_sets_of(row)})
    return row


def replaced_by(row: CriteriaSetVersion) -> CriteriaSetVersion | None:
    """The active version a staged one would replace: the newest active version of the same
    code, else the sheet its product set is scored on today."""
    same_code = (selectors.versions().filter(code=row.code, version__lt=row.version)
                 .order_by("-version").first())
    if same_code is not None or not row.product_set:
        return same_code
    product_set = ProductSet.objects.filter(code=row.product_set).first()
    return selectors.sheet_for(product_set, timezone.localdate()) if product_set else None


@transaction.atomic
def activate(*, actor: User, version: CriteriaSetVersion,
             effective_from: dt.date) -> CriteriaSetVersion:
    """Make a staged version apply from ``effective_from`` to the product sets of its file's
    ``applies_to``; the previous version of the same code ends the day before."""
    _check(permissions.can_activate(actor))
    row = CriteriaSetVersion.objects.select_for_update(no_key=True).get(pk=version.pk)
    if row.state != State.STAGED:
        raise ValidationError(_("Phiên bản này đã được kích hoạt."))
    if row.effective_to is not None and row.effective_to < effective_from:
        raise ValidationError({"effective_from": _(
            "Ngày hiệu lực sau ngày hết hiệu lực ghi trong tệp (%(day)s).")
            % {"day": row.effective_to.strftime("%d/%m/%Y")}})
    previous = (CriteriaSetVersion.objects.select_for_update(no_key=True)
                .filter(code=row.code, state=State.ACTIVE, version__lt=row.version)
                .order_by("-version").first())
    if previous is not None and previous.effective_from >= effective_from:
        raise ValidationError({"effective_from": _(
            "Ngày hiệu lực phải sau ngày %(day)s, ngày phiên bản %(version)d bắt đầu áp dụng.")
            % {"day": previous.effective_from.strftime("%d/%m/%Y"),
               "version": previous.version}})
    # The effective date is part of the set's data: the stored content (and its hash) says
    # exactly what applies, as for a file imported with that date.
    data = dict(row.data)
    data["legal_basis"] = {**data["legal_basis"], "effective_from": effective_from.isoformat()}
    row.data, row.sha256, row.effective_from = data, digest(data), effective_from
    row.state, row.activated_by, row.activated_at = State.ACTIVE, actor, timezone.now()
    row.save()
    if previous is not None and (previous.effective_to is None
                                 or previous.effective_to >= effective_from):
        previous.effective_to = effective_from - dt.timedelta(days=1)
        previous.save(update_fields=["effective_to"])
        audit.record(actor=actor, action="criteria.supersede", obj=previous,
                     changes={"effective_to": previous.effective_to, "superseded_by": str(row)})
    audit.record(actor=actor, action="criteria.activate", obj=row,
                 changes={"effective_from": effective_from, "sha256": row.sha256,
                          "product_sets": selectors.product_sets_of(row)})
    return row


@transaction.atomic
def discard(*, actor: User, version: CriteriaSetVersion) -> None:
    """Delete a staged upload (nothing refers to it: it was never used)."""
    row = CriteriaSetVersion.objects.select_for_update().get(pk=version.pk)
    _check(permissions.can_see_staged(actor, row))
    if row.state != State.STAGED:
        raise ValidationError(_("Chỉ xoá được phiên bản chưa kích hoạt."))
    audit.record(actor=actor, action="criteria.discard", obj=row,
                 changes={"sha256": row.sha256, "file": row.source_name})
    row.delete()


def template_bytes(product_set: ProductSet) -> bytes:
    """The Excel template to start from: the product set's current sheet (parts A/B/C, groups,
    criteria, options, mandatory rules) with the next version number filled in."""
    row = selectors.sheet_for(product_set, timezone.localdate())
    if row is None:
        raise ValidationError(_("Bộ sản phẩm “%(set)s” chưa có phiếu nào để làm mẫu.")
                              % {"set": product_set.name_vi})
    newest = selectors.versions().filter(code=row.code).order_by("-version").first()
    criteria_set = selectors.engine_set(row)
    return excel_bytes(dataclasses.replace(criteria_set, version=newest.version + 1))


# --- The acceptance gate -----------------------------------------------------------------------


def _province_of(actor: User):
    return None if actor.is_nationwide else actor.unit


@transaction.atomic
def accept(*, actor: User, version: CriteriaSetVersion, reason: str) -> SheetAcceptance:
    """Record that the actor's province (every province, for the central office) accepts a
    non-official sheet version for recognition decisions."""
    _check(permissions.can_accept(actor))
    reason = reason.strip()
    if version.state != State.ACTIVE or version.status_kind == OFFICIAL:
        raise ValidationError(_("Chỉ cần chấp nhận phiếu không chính thức đang áp dụng."))
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do chấp nhận phiếu này.")})
    province = _province_of(actor)
    if SheetAcceptance.objects.filter(version=version, province=province).exists():
        raise ValidationError(_("Phiếu này đã được chấp nhận."))
    acceptance = SheetAcceptance.objects.create(version=version, province=province,
                                                reason=reason[:2000], accepted_by=actor)
    audit.record(actor=actor, action="criteria.accept", obj=acceptance,
                 changes={"version": str(version), "province": province.pk if province else "",
                          "reason": acceptance.reason})
    return acceptance


def is_accepted(version: CriteriaSetVersion, province: Any) -> bool:
    return SheetAcceptance.objects.filter(version=version).filter(
        Q(province__isnull=True) | Q(province=province)).exists()


def dossier_province(dossier: Any):
    commune = dossier.product.producer.commune
    return commune.current_province or commune


def require_accepted(dossier: Any) -> None:
    """Refuse to recognise a dossier scored on a non-official sheet the province has not
    accepted. Called by the recognition step before a certificate is issued."""
    version = dossier.criteria_set
    if version.status_kind == OFFICIAL:
        return
    province = dossier_province(dossier)
    if is_accepted(version, province):
        return
    raise ValidationError(_(
        "Hồ sơ %(ref)s được chấm trên phiếu “%(sheet)s” (phiên bản %(version)d), không phải bộ "
        "tiêu chí chính thức, và %(province)s chưa chấp nhận phiên bản này để công nhận. Cơ quan "
        "thường trực OCOP tỉnh hoặc Văn phòng Điều phối Trung ương chấp nhận tại %(url)s rồi ban "
        "hành lại.") % {"ref": dossier.reference, "sheet": version.title_vi,
                        "version": version.version, "province": province.full_name,
                        "url": reverse("criteria:accept", args=[version.pk])})

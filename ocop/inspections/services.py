"""Every write of the inspections app: plans, visits, photos, samples, revocation proposals and
consumer complaints.

Keyword-only arguments, one transaction per change with its audit entry inside it, refusals
through ``ocop.core.refusals`` (Vietnamese message, stable code, field errors). A refused
change writes nothing: each service checks everything before its first write, and runs in one
transaction so that a failure half-way (a revocation the certificates app refuses) undoes the
rows already written. ``today`` is injectable for tests and the demo.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import unquote, urlsplit
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.accounts.selectors import central_office_users, province_office_users
from ocop.audit import services as audit
from ocop.certificates import services as certificate_services
from ocop.certificates.models import Certificate
from ocop.core.refusals import Conflict, Forbidden, Invalid, NotFound, Refusal
from ocop.core.validators import plain_text_errors
from ocop.inspections import permissions
from ocop.inspections.models import (
    CHECKLIST,
    Complaint,
    ComplaintState,
    Finding,
    FindingResult,
    HeldVisit,
    InspectionPlan,
    PlanKind,
    ProposalState,
    RevocationProposal,
    Sample,
    Visit,
    VisitPhoto,
)
from ocop.notifications.services import notify
from ocop.registry.models import Product
from ocop.registry.uploads import validate_image_upload
from ocop.trace import stamps
from ocop.units.models import Unit

TEXT_MAX = 4000


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _office_accounts(province_id: str | None) -> list[User]:
    """Who hears of a complaint or a proposal: the province's standing office, or the central
    office when the province is not known."""
    if province_id is None:
        return central_office_users()
    return province_office_users(province_id)


def _long_text(errors: dict[str, str], field: str, value: str, label: str, *,
               required: bool = False) -> None:
    if required and not value.strip():
        errors[field] = _("Hãy nhập %(field)s.") % {"field": label}
    elif len(value) > TEXT_MAX:
        errors[field] = _("%(field)s dài quá %(max)d ký tự.") % {"field": label, "max": TEXT_MAX}


# --- Plans -----------------------------------------------------------------------------------


@transaction.atomic
def create_plan(*, actor: User, province: Unit, kind: str, title: str, starts_on: date,
                ends_on: date, inspectors: Iterable[User],
                complaints: Iterable[Complaint] = ()) -> InspectionPlan:
    """Open an inspection plan of ``province``; ``complaints`` (kind "complaint") are the
    consumer reports it answers, which leave the new-complaints list."""
    permissions.can_create_plan(actor, province).check()
    inspectors, complaints = list(inspectors), list(complaints)
    errors: dict[str, str] = {}
    if province.era != "current" or province.level != "province":
        errors["province"] = _("Kế hoạch kiểm tra thuộc một tỉnh/thành phố hiện hành.")
    if kind not in PlanKind.values:
        errors["kind"] = _("Loại kế hoạch không hợp lệ.")
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Hãy nhập tên kế hoạch.")
    elif len(title) > 255:
        errors["title"] = _("Tên kế hoạch dài quá 255 ký tự.")
    errors.update(plain_text_errors({"title": (_("Tên kế hoạch"), title)}))
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("Ngày kết thúc không được trước ngày bắt đầu.")
    elif starts_on and ends_on and (ends_on - starts_on).days > 366:
        errors["ends_on"] = _("Một kế hoạch kiểm tra kéo dài tối đa một năm.")
    if not inspectors:
        errors["inspectors"] = _("Hãy giao kế hoạch cho ít nhất một người kiểm tra.")
    for person in inspectors:
        if not (verdict := permissions.may_be_assigned(person, province)):
            errors["inspectors"] = verdict.reason
            break
    if kind == PlanKind.COMPLAINT and not complaints:
        errors["kind"] = _("Kế hoạch kiểm tra theo phản ánh phải gắn với một phản ánh.")
    for complaint in complaints:
        permissions.can_handle_complaint(actor, complaint).check()
        if complaint.province_id not in (None, province.pk):
            errors["complaints"] = _("Phản ánh %(ref)s thuộc tỉnh khác.") % {
                "ref": complaint.reference}
    if errors:
        raise Invalid(_("Chưa lập được kế hoạch kiểm tra: hãy sửa các mục được đánh dấu."),
                      code="inspections.plan_invalid", fields=errors)
    plan = InspectionPlan.objects.create(kind=kind, province=province, title=title,
                                         starts_on=starts_on, ends_on=ends_on, created_by=actor)
    plan.inspectors.set(inspectors)
    for complaint in complaints:
        complaint.plan = plan
        complaint.state = ComplaintState.IN_PLAN
        complaint.province = province
        complaint.save(update_fields=["plan", "state", "province"])
    audit.record(actor=actor, action="inspections.plan.create", obj=plan, changes={
        "kind": kind, "province": province.pk, "title": title, "starts_on": starts_on,
        "ends_on": ends_on, "inspectors": sorted(p.pk for p in inspectors),
        "complaints": [c.pk for c in complaints]})
    notify([p for p in inspectors if p.pk != actor.pk], "inspection.assigned",
           {"title": title, "plan_id": plan.pk}, plan)
    return plan


# --- Visits ----------------------------------------------------------------------------------


def _findings_errors(findings: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    unknown = set(findings) - set(CHECKLIST)
    if unknown:
        errors["findings"] = _("Nội dung kiểm tra không có trong danh mục: %(items)s.") % {
            "items": ", ".join(sorted(unknown))}
    for item in CHECKLIST:
        if item not in findings:
            errors[f"finding_{item}"] = _("Hãy chọn kết quả cho “%(item)s”.") % {
                "item": CHECKLIST[item]}
            continue
        result, note = findings[item]
        if result not in FindingResult.values:
            errors[f"finding_{item}"] = _("Kết quả của “%(item)s” không hợp lệ.") % {
                "item": CHECKLIST[item]}
        elif result == FindingResult.FAIL and not (note or "").strip():
            errors[f"note_{item}"] = _("Hãy ghi rõ vì sao “%(item)s” không đạt.") % {
                "item": CHECKLIST[item]}
        elif len(note or "") > TEXT_MAX:
            errors[f"note_{item}"] = _("Ghi chú dài quá %(max)d ký tự.") % {"max": TEXT_MAX}
    return errors


def valid_certificate(product: Product, day: date) -> Certificate | None:
    """The product's certificate valid on ``day`` (the best rating, the newest first)."""
    return (Certificate.objects.filter(product=product).valid_on(day)
            .order_by("-stars", "-issued_on", "-id").first())


@transaction.atomic
def record_visit(*, actor: User, plan: InspectionPlan, product: Product, visited_on: date,
                 place: str, findings: Mapping[str, tuple[str, str]], conclusion: str = "",
                 follow_up_by: date | None = None, sanctions: str = "",
                 today: date | None = None, client_id: UUID | None = None) -> Visit:
    """Record the inspection of one certified product under ``plan`` with the checklist's
    findings (``{item: (result, note)}``, every item of ``CHECKLIST``). A conclusion given
    now concludes the visit (the producer then sees it)."""
    today = _today(today)
    permissions.can_record_visit(actor, plan).check()
    permissions.can_inspect_product(actor, product).check()
    if product.producer.commune.current_province_id != plan.province_id:
        raise Forbidden(_("Sản phẩm “%(product)s” không thuộc %(province)s của kế hoạch này.")
                        % {"product": product.name, "province": plan.province.full_name},
                        code="inspections.product_outside_plan")
    certificate = valid_certificate(product, visited_on or today)
    if certificate is None:
        raise Conflict(_("Sản phẩm “%(product)s” không có giấy chứng nhận OCOP còn hiệu lực vào "
                         "ngày kiểm tra; chỉ kiểm tra sau công nhận sản phẩm đã được chứng "
                         "nhận.") % {"product": product.name},
                       code="inspections.product_not_certified")
    errors: dict[str, str] = {}
    if visited_on is None:
        errors["visited_on"] = _("Hãy nhập ngày kiểm tra.")
    elif visited_on > today:
        errors["visited_on"] = _("Ngày kiểm tra không được sau hôm nay.")
    elif not plan.starts_on <= visited_on <= plan.ends_on:
        errors["visited_on"] = _("Ngày kiểm tra phải trong thời gian của kế hoạch "
                                 "(%(start)s – %(end)s).") % {
            "start": f"{plan.starts_on:%d/%m/%Y}", "end": f"{plan.ends_on:%d/%m/%Y}"}
    place = (place or "").strip()
    if not place:
        errors["place"] = _("Hãy nhập địa điểm kiểm tra.")
    elif len(place) > 255:
        errors["place"] = _("Địa điểm dài quá 255 ký tự.")
    errors.update(plain_text_errors({"place": (_("Địa điểm"), place)}))
    errors.update(_findings_errors(findings))
    _conclusion_errors(errors, conclusion, follow_up_by, sanctions, visited_on)
    if errors:
        raise Invalid(_("Chưa ghi nhận được lần kiểm tra: hãy sửa các mục được đánh dấu."),
                      code="inspections.visit_invalid", fields=errors)
    visit = Visit.objects.create(
        plan=plan, product=product, certificate=certificate, inspector=actor,
        visited_on=visited_on, place=place, conclusion=conclusion.strip(),
        concluded_at=timezone.now() if conclusion.strip() else None,
        follow_up_by=follow_up_by, sanctions=sanctions.strip(), client_id=client_id)
    Finding.objects.bulk_create(
        Finding(visit=visit, item=item, result=findings[item][0],
                note=(findings[item][1] or "").strip()) for item in CHECKLIST)
    audit.record(actor=actor, action="inspections.visit.record", obj=visit, changes={
        "plan": plan.pk, "product": product.pk, "certificate": certificate.number,
        "visited_on": visited_on, "place": place,
        "findings": {item: findings[item][0] for item in CHECKLIST},
        "concluded": visit.concluded, "follow_up_by": follow_up_by})
    return visit


def _conclusion_errors(errors: dict[str, str], conclusion: str, follow_up_by: date | None,
                       sanctions: str, visited_on: date | None) -> None:
    _long_text(errors, "conclusion", conclusion or "", _("kết luận"))
    _long_text(errors, "sanctions", sanctions or "", _("biện pháp xử lý"))
    if follow_up_by is not None and visited_on is not None and follow_up_by < visited_on:
        errors["follow_up_by"] = _("Hạn khắc phục không được trước ngày kiểm tra.")


@transaction.atomic
def conclude_visit(*, actor: User, visit: Visit, conclusion: str,
                   follow_up_by: date | None = None, sanctions: str = "") -> Visit:
    permissions.can_edit_visit(actor, visit).check()
    locked = Visit.objects.select_for_update(no_key=True).get(pk=visit.pk)
    if locked.concluded:
        raise Conflict(_("Lần kiểm tra này đã có kết luận."), code="inspections.visit_concluded")
    errors: dict[str, str] = {}
    _long_text(errors, "conclusion", conclusion or "", _("kết luận"), required=True)
    _conclusion_errors(errors, "", follow_up_by, sanctions, locked.visited_on)
    if errors:
        raise Invalid(_("Chưa ghi được kết luận: hãy sửa các mục được đánh dấu."),
                      code="inspections.conclusion_invalid", fields=errors)
    locked.conclusion = conclusion.strip()
    locked.follow_up_by = follow_up_by
    locked.sanctions = (sanctions or "").strip()
    locked.concluded_at = timezone.now()
    locked.save(update_fields=["conclusion", "follow_up_by", "sanctions", "concluded_at"])
    audit.record(actor=actor, action="inspections.visit.conclude", obj=locked, changes={
        "conclusion": locked.conclusion, "follow_up_by": follow_up_by,
        "sanctions": locked.sanctions})
    return locked


@transaction.atomic
def add_photo(*, actor: User, visit: Visit, file: Any, caption: str = "",
              captured_at: datetime | None = None, client_id: UUID | None = None) -> VisitPhoto:
    """A photo taken during the visit: checked by content (a real PNG/JPEG/WebP image)."""
    permissions.can_edit_visit(actor, visit).check()
    caption = (caption or "").strip()
    errors = plain_text_errors({"caption": (_("Chú thích"), caption)})
    if len(caption) > 255:
        errors["caption"] = _("Chú thích dài quá 255 ký tự.")
    if file is None:
        errors["photo"] = _("Hãy chọn ảnh.")
    if errors:
        raise Invalid(_("Chưa thêm được ảnh."), code="inspections.photo_invalid", fields=errors)
    original = str(getattr(file, "name", "") or "")[:255]
    try:
        validate_image_upload(file, "photo")
    except ValidationError as exc:
        raise Invalid(_("Chưa thêm được ảnh."), code="inspections.photo_invalid",
                      fields={k: " ".join(v) for k, v in exc.message_dict.items()}) from None
    photo = VisitPhoto.objects.create(visit=visit, file=file, original_name=original,
                                      caption=caption, uploaded_by=actor,
                                      captured_at=captured_at, client_id=client_id)
    audit.record(actor=actor, action="inspections.visit.photo", obj=visit, changes={
        "photo": photo.pk, "file": photo.file, "name": original, "caption": caption})
    return photo


# --- Visits recorded offline (docs/offline.md) -------------------------------------------------


def payload_hash(data: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a visit as the device holds it (keys sorted at every
    level, no spaces, UTF-8): what visit.js computes when the inspector presses save."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class VisitReceipt:
    """The visit recorded (``visit``) or held back with a conflict (``held``)."""

    visit: Visit | None
    held: HeldVisit | None
    replayed: bool


def _uuid(value: Any) -> UUID:
    try:
        return UUID(str(value))
    except (TypeError, ValueError):
        raise Invalid(_("Thiếu mã lần gửi hoặc mã không hợp lệ."),
                      code="inspections.client_id_invalid") from None


def _day(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Invalid(_("Ngày không hợp lệ."), code="inspections.visit_invalid",
                      fields={field: _("Ngày không hợp lệ.")}) from None


def _replayed_visit(actor: User, visit: Visit) -> VisitReceipt:
    if visit.inspector_id != actor.pk:
        raise Invalid(_("Mã lần gửi này đã được dùng cho lần kiểm tra khác."),
                      code="inspections.client_id_reused")
    return VisitReceipt(visit, None, True)


def receive_visit(*, actor: User, plan_id: int, client_id: Any, data: Any, content_hash: str,
                  captured_at: datetime | None = None, today: date | None = None) -> VisitReceipt:
    """Record a visit the inspector's device saved offline, exactly once.

    The unique constraint on ``Visit.client_id`` is what makes a retry one visit (a visit whose
    insert fails on it is answered with the stored one); the look-up first only lets a replay
    that arrives after the plan or certificate changed find its visit instead of a conflict.
    A mismatching ``content_hash`` is refused and nothing stored. A visit that can no longer be
    recorded — the inspector was taken off the plan, the product's certificate is no longer
    valid on the visit's day — is kept as a ``HeldVisit`` with the reason (the caller answers
    409); bad input is ``Invalid`` (422) and the device keeps its copy."""
    uuid = _uuid(client_id)
    if not isinstance(data, Mapping):
        raise Invalid(_("Dữ liệu gửi lên không đúng định dạng."), code="inspections.format")
    if content_hash != payload_hash(data):
        raise Invalid(_("Biên bản trên máy đã bị thay đổi sau khi lưu (mã kiểm tra không "
                        "khớp) nên không được nhận. Hãy mở lại biên bản, kiểm tra rồi lưu "
                        "lại."), code="inspections.hash_mismatch")
    plan = InspectionPlan.objects.filter(pk=plan_id).first()
    if plan is None or not permissions.records_visits(actor):
        raise NotFound(_("Không tìm thấy kế hoạch kiểm tra."))
    existing = Visit.objects.filter(client_id=uuid).first()
    if existing is not None:
        return _replayed_visit(actor, existing)
    held = HeldVisit.objects.filter(client_id=uuid, inspector=actor).first()
    if held is not None:
        return VisitReceipt(None, held, True)
    product = Product.objects.select_related("producer__commune").filter(
        pk=data.get("product") if isinstance(data.get("product"), int) else None).first()
    if product is None:
        raise Invalid(_("Hãy chọn sản phẩm được kiểm tra."), code="inspections.visit_invalid",
                      fields={"product": _("Hãy chọn sản phẩm được kiểm tra.")})
    raw = data.get("findings") if isinstance(data.get("findings"), Mapping) else {}
    findings = {str(k): (str(v[0]), str(v[1] or "")) for k, v in raw.items()
                if isinstance(v, list | tuple) and len(v) == 2}
    try:
        with transaction.atomic():
            visit = record_visit(
                actor=actor, plan=plan, product=product,
                visited_on=_day(data.get("visited_on"), "visited_on"),
                place=str(data.get("place") or ""), findings=findings,
                conclusion=str(data.get("conclusion") or ""),
                follow_up_by=_day(data.get("follow_up_by"), "follow_up_by"),
                sanctions=str(data.get("sanctions") or ""), today=today, client_id=uuid)
    except IntegrityError:
        return _replayed_visit(actor, Visit.objects.get(client_id=uuid))
    except (Forbidden, Conflict) as exc:
        return VisitReceipt(None, _hold_visit(actor, plan, uuid, data, captured_at, exc), False)
    return VisitReceipt(visit, None, False)


def _hold_visit(actor: User, plan: InspectionPlan, uuid: UUID, data: Mapping[str, Any],
                captured_at: datetime | None, refusal: Forbidden | Conflict) -> HeldVisit:
    keep = _("Bản của bạn đã được giữ lại để cơ quan thường trực xem xét.")
    try:
        with transaction.atomic():
            held = HeldVisit.objects.create(
                client_id=uuid, plan=plan, inspector=actor, data=dict(data),
                content_hash=payload_hash(data), captured_at=captured_at,
                reason_code=refusal.code, message=f"{refusal.message} {keep}")
            audit.record(actor=actor, action="inspections.visit.held", obj=plan, changes={
                "client_id": str(uuid), "reason": refusal.code})
    except IntegrityError:
        held = HeldVisit.objects.get(client_id=uuid)
        if held.inspector_id != actor.pk:
            raise Invalid(_("Mã lần gửi này đã được dùng cho lần kiểm tra khác."),
                          code="inspections.client_id_reused") from None
    return held


def receive_photo(*, actor: User, visit_client_id: Any, client_id: Any, file: Any,
                  caption: str = "", captured_at: datetime | None = None
                  ) -> tuple[VisitPhoto, bool]:
    """A photo taken offline, uploaded after its visit: once per ``client_id`` (the unique
    constraint; a retry answers the stored photo), checked as an image by content, with the
    time the device took it. Returns (photo, replayed)."""
    uuid = _uuid(client_id)
    visit = Visit.objects.select_related("plan").filter(client_id=_uuid(visit_client_id)).first()
    if visit is None:
        raise NotFound(_("Lần kiểm tra của ảnh này chưa tới máy chủ."))
    existing = VisitPhoto.objects.filter(client_id=uuid).first()
    if existing is not None and existing.visit_id == visit.pk:
        return existing, True
    try:
        with transaction.atomic():
            photo = add_photo(actor=actor, visit=visit, file=file, caption=caption,
                              captured_at=captured_at, client_id=uuid)
    except IntegrityError:
        photo = VisitPhoto.objects.get(client_id=uuid)
        if photo.visit_id != visit.pk:
            raise Invalid(_("Mã lần gửi này đã được dùng cho ảnh khác."),
                          code="inspections.client_id_reused") from None
        return photo, True
    return photo, False


# --- The office imports a file of visits an inspector's device could not send ----------------

EXPORT_KIND = "ocop-bien-ban-cho-gui"
# The photos inside one exported file (visit.js leaves out what does not fit and says so);
# base64 makes the file a third larger, hence the import's own limit on the file.
EXPORT_PHOTOS_MAX = 15_000_000


@dataclass
class ImportLine:
    """What became of one visit of an imported file, and of each of its photos."""

    place: str
    visited_on: str
    outcome: str
    message: str
    photos: list[tuple[str, str]]


def _imported_photo(actor: User, visit_client_id: UUID, photo: Any) -> tuple[str, str]:
    photo = photo if isinstance(photo, Mapping) else {}
    name = str(photo.get("name") or _("ảnh"))[:255]
    try:
        content = base64.b64decode(str(photo.get("data") or ""), validate=True)
    except (binascii.Error, ValueError):
        return name, _("Ảnh trong tệp bị hỏng, không đọc được.")
    try:
        _photo, replayed = receive_photo(
            actor=actor, visit_client_id=visit_client_id, client_id=photo.get("client_id"),
            file=ContentFile(content, name=name), caption=str(photo.get("caption") or ""),
            captured_at=_moment_or_none(photo.get("captured_at")))
    except Refusal as exc:
        return name, " ".join([exc.message, *map(str, exc.fields.values())])
    return name, _("Đã có ảnh này từ trước.") if replayed else _("Đã thêm ảnh.")


def _shown_day(value: Any) -> str:
    try:
        return f"{date.fromisoformat(str(value)):%d/%m/%Y}"
    except ValueError:
        return ""


def _moment_or_none(value: Any) -> datetime | None:
    try:
        return parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None


def import_visits(*, actor: User, plan: InspectionPlan, data: Any,
                  today: date | None = None) -> list[ImportLine]:
    """The standing office of the plan's province imports a file of visits an inspector
    exported from their device (visit.js) when it could not reach the server. Each visit goes
    through ``receive_visit`` as the inspector's own (the same constraint on ``client_id``: a
    visit already sent, or imported twice, is recorded once; a visit that can no longer be
    recorded is held), then each photo inside the file through ``receive_photo``. Items are
    independent: one refused does not undo the others. The import itself is audited under the
    office's name."""
    permissions.can_create_plan(actor, plan.province).check()
    if not isinstance(data, Mapping) or data.get("kind") != EXPORT_KIND \
            or not isinstance(data.get("items"), list):
        raise Invalid(_("Tệp không phải tệp “biên bản chờ gửi” của trang ghi nhận kiểm tra."),
                      code="inspections.import_format")
    inspector = User.objects.filter(username=str(data.get("username") or "")).first()
    if inspector is None or not permissions.records_visits(inspector):
        raise Invalid(_("Người xuất tệp không phải người kiểm tra."),
                      code="inspections.import_inspector")
    lines = []
    for item in data["items"]:
        item = item if isinstance(item, Mapping) else {}
        visit_data = item.get("data") if isinstance(item.get("data"), Mapping) else {}
        line = ImportLine(place=str(visit_data.get("place") or ""),
                          visited_on=_shown_day(visit_data.get("visited_on")),
                          outcome="refused", message="", photos=[])
        lines.append(line)
        if item.get("plan") != plan.pk:
            line.message = _("Biên bản thuộc kế hoạch kiểm tra khác: hãy nhập ở trang của kế "
                             "hoạch đó.")
            continue
        try:
            receipt = receive_visit(
                actor=inspector, plan_id=plan.pk, client_id=item.get("client_id"),
                data=item.get("data"), content_hash=str(item.get("content_hash") or ""),
                captured_at=_moment_or_none(item.get("captured_at")), today=today)
        except Refusal as exc:
            line.message = " ".join([exc.message, *map(str, exc.fields.values())])
            continue
        audit.record(actor=actor, action="inspections.visit.import", obj=plan, changes={
            "client_id": str(item.get("client_id")), "inspector": inspector.pk,
            "replayed": receipt.replayed, "held": receipt.held is not None})
        if receipt.held is not None:
            line.outcome, line.message = "conflict", receipt.held.message
            continue
        line.outcome = "accepted"
        line.message = (_("Đã có lần kiểm tra này từ trước, không ghi lại.") if receipt.replayed
                        else _("Đã ghi nhận lần kiểm tra."))
        photos = item.get("photos") if isinstance(item.get("photos"), list) else []
        line.photos = [_imported_photo(inspector, receipt.visit.client_id, photo)
                       for photo in photos]
    return lines


@transaction.atomic
def add_sample(*, actor: User, visit: Visit, description: str, lab: str,
               result: str = "") -> Sample:
    permissions.can_edit_visit(actor, visit).check()
    description, lab, result = (description or "").strip(), (lab or "").strip(), \
        (result or "").strip()
    errors: dict[str, str] = {}
    if not description:
        errors["description"] = _("Hãy mô tả mẫu đã lấy.")
    if not lab:
        errors["lab"] = _("Hãy nhập phòng kiểm nghiệm.")
    for field, value in (("description", description), ("lab", lab)):
        if len(value) > 255:
            errors[field] = _("Dài quá 255 ký tự.")
    _long_text(errors, "result", result, _("kết quả kiểm nghiệm"))
    errors.update(plain_text_errors({"description": (_("Mẫu lấy"), description),
                                     "lab": (_("Phòng kiểm nghiệm"), lab)}))
    if errors:
        raise Invalid(_("Chưa ghi được mẫu kiểm nghiệm."), code="inspections.sample_invalid",
                      fields=errors)
    sample = Sample.objects.create(visit=visit, description=description, lab=lab, result=result)
    audit.record(actor=actor, action="inspections.visit.sample", obj=visit, changes={
        "sample": sample.pk, "description": description, "lab": lab, "result": result})
    return sample


# --- Revocation ------------------------------------------------------------------------------


@transaction.atomic
def propose_revocation(*, actor: User, visit: Visit, reason: str,
                       today: date | None = None) -> RevocationProposal:
    """A failing visit proposes revoking the certificate it inspected; the visit is the
    evidence. The standing office completes (or declines) it."""
    today = _today(today)
    permissions.can_propose_revocation(actor, visit).check()
    failing = [f for f in visit.findings.all() if f.result == FindingResult.FAIL]
    if not failing:
        raise Conflict(_("Chỉ đề nghị thu hồi khi có nội dung kiểm tra không đạt."),
                       code="inspections.nothing_failed")
    certificate = Certificate.objects.select_for_update(no_key=True).get(pk=visit.certificate_id)
    if certificate.status_on(today) != "valid":
        raise Conflict(_("Giấy chứng nhận %(number)s không còn hiệu lực; không cần thu hồi.")
                       % {"number": certificate.number}, code="inspections.certificate_not_valid")
    if RevocationProposal.objects.filter(certificate=certificate,
                                         state=ProposalState.PROPOSED).exists():
        raise Conflict(_("Giấy chứng nhận %(number)s đã có một đề nghị thu hồi đang chờ xử lý.")
                       % {"number": certificate.number}, code="inspections.proposal_open")
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    _long_text(errors, "reason", reason, _("lý do đề nghị thu hồi"), required=True)
    if errors:
        raise Invalid(_("Chưa gửi được đề nghị thu hồi."), code="inspections.proposal_invalid",
                      fields=errors)
    try:
        with transaction.atomic():
            proposal = RevocationProposal.objects.create(
                visit=visit, certificate=certificate, reason=reason, proposed_by=actor)
    except IntegrityError:
        raise Conflict(_("Giấy chứng nhận %(number)s đã có một đề nghị thu hồi đang chờ xử lý.")
                       % {"number": certificate.number},
                       code="inspections.proposal_open") from None
    audit.record(actor=actor, action="inspections.revocation.propose", obj=proposal, changes={
        "visit": visit.pk, "certificate": certificate.number, "reason": reason,
        "failing": [f.item for f in failing]})
    notify(_office_accounts(certificate.administered_by_id), "inspection.revocation_proposed",
           {"number": certificate.number, "product": visit.product.name,
            "ref": visit.reference, "proposal_id": proposal.pk}, proposal)
    return proposal


def revocation_reason(proposal: RevocationProposal) -> str:
    """The reason published on the certificate: the proposal's, naming the visit (Vietnamese,
    as the certificate keeps it whatever the reader's language)."""
    visit = proposal.visit
    return (f"{proposal.reason.strip()} (Biên bản kiểm tra {visit.reference} "
            f"ngày {visit.visited_on:%d/%m/%Y})")


@transaction.atomic
def complete_revocation(*, actor: User, proposal: RevocationProposal, decision_number: str,
                        revoked_on: date | None = None,
                        today: date | None = None) -> RevocationProposal:
    """The standing office revokes the certificate as proposed, through the certificates app's
    own service (its rules, its audit entry, its notifications); the proposal is closed in the
    same transaction, so either both happen or neither."""
    today = _today(today)
    permissions.can_complete_revocation(actor, proposal).check()
    # The joined rows are locked too, as PostgreSQL's UPDATE locks (no_key): a foreign-key check
    # of a row referring to them is not blocked (registry.services._locked says why).
    locked = RevocationProposal.objects.select_for_update(no_key=True).select_related(
        "visit", "certificate").get(pk=proposal.pk)
    if locked.state != ProposalState.PROPOSED:
        raise Conflict(_("Đề nghị thu hồi này đã được xử lý."), code="inspections.proposal_closed")
    try:
        certificate_services.revoke_certificate(
            actor=actor, certificate=locked.certificate, reason=revocation_reason(locked),
            decision_number=decision_number or "", revoked_on=revoked_on, today=today)
    except PermissionDenied as exc:
        raise Forbidden(str(exc) or _("Bạn không có quyền thực hiện thao tác này."),
                        code="inspections.not_revoking_office") from None
    except ValidationError as exc:
        fields = {k: " ".join(v) for k, v in exc.message_dict.items()} \
            if hasattr(exc, "error_dict") else {"__all__": " ".join(exc.messages)}
        raise Invalid(_("Chưa thu hồi được giấy chứng nhận."),
                      code="inspections.revocation_invalid", fields=fields) from None
    locked.state = ProposalState.COMPLETED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = decision_number.strip()
    locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    audit.record(actor=actor, action="inspections.revocation.complete", obj=locked, changes={
        "certificate": locked.certificate.number, "decision_number": decision_number.strip()})
    return locked


@transaction.atomic
def decline_revocation(*, actor: User, proposal: RevocationProposal,
                       note: str) -> RevocationProposal:
    permissions.can_complete_revocation(actor, proposal).check()
    locked = RevocationProposal.objects.select_for_update(no_key=True).get(pk=proposal.pk)
    if locked.state != ProposalState.PROPOSED:
        raise Conflict(_("Đề nghị thu hồi này đã được xử lý."), code="inspections.proposal_closed")
    errors: dict[str, str] = {}
    _long_text(errors, "note", (note or "").strip(), _("lý do không thu hồi"), required=True)
    if errors:
        raise Invalid(_("Hãy nêu lý do không thu hồi."), code="inspections.decline_invalid",
                      fields=errors)
    locked.state = ProposalState.DECLINED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()
    locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    audit.record(actor=actor, action="inspections.revocation.decline", obj=locked,
                 changes={"note": locked.decision_note})
    return locked


# --- Complaints ------------------------------------------------------------------------------


def _stamp_product(stamp: str) -> Product | None:
    """The product a stamp address names (``/01/<gtin>/10/<lot>/21/<serial>`` or
    ``/t/<product>/<lot>/<serial>``, with or without the site and signature): used only to
    route the complaint to the right province, so the signature is not required — a forged
    stamp is exactly what people report."""
    path = unquote(urlsplit(stamp.strip()).path)
    try:
        if path.startswith("/01/"):
            parsed = stamps.parse_gs1(path)
        elif path.startswith("/t/"):
            parts = path.split("/")
            if len(parts) != 5:
                return None
            parsed = stamps.parse_platform(parts[2], parts[3], parts[4])
        else:
            return None
    except stamps.StampFormatError:
        return None
    products = Product.objects.select_related("producer__commune")
    if parsed.gtin:
        return products.filter(gtin__in=stamps.gtin_forms(parsed.gtin)).first()
    return products.filter(pk=parsed.product_id).first()


@transaction.atomic
def submit_complaint(*, text: str, contact: str = "", stamp: str = "",
                     certificate_number: str = "", photo: Any = None) -> Complaint:
    """A consumer's report (no account). Routed to the province of the product that the
    certificate number or the stamp names; to the central office when neither is known."""
    text, contact = (text or "").strip(), (contact or "").strip()
    stamp, certificate_number = (stamp or "").strip(), (certificate_number or "").strip().upper()
    errors: dict[str, str] = {}
    if len(text) < 10:
        errors["text"] = _("Hãy mô tả sự việc (ít nhất 10 ký tự).")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("Nội dung dài quá %(max)d ký tự.") % {"max": TEXT_MAX}
    if len(contact) > 150:
        errors["contact"] = _("Thông tin liên hệ dài quá 150 ký tự.")
    if len(stamp) > 300:
        errors["stamp"] = _("Mã tem dài quá 300 ký tự.")
    if len(certificate_number) > 32:
        errors["certificate_number"] = _("Số giấy chứng nhận dài quá 32 ký tự.")
    errors.update(plain_text_errors({"contact": (_("Liên hệ"), contact),
                                     "stamp": (_("Tem truy xuất"), stamp),
                                     "certificate_number": (_("Số giấy chứng nhận"),
                                                            certificate_number)}))
    original = ""
    if photo is not None and "photo" not in errors:
        original = str(getattr(photo, "name", "") or "")[:255]
        try:
            validate_image_upload(photo, "photo")
        except ValidationError as exc:
            errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise Invalid(_("Chưa gửi được phản ánh: hãy sửa các mục được đánh dấu."),
                      code="inspections.complaint_invalid", fields=errors)
    certificate = (Certificate.objects.select_related("product__producer__commune")
                   .filter(number=certificate_number).first() if certificate_number else None)
    product = certificate.product if certificate else (_stamp_product(stamp) if stamp else None)
    if certificate is None and product is not None:
        certificate = (Certificate.objects.filter(product=product)
                       .order_by("-issued_on", "-id").first())
    province_id = (certificate.administered_by_id if certificate else
                   product.producer.commune.current_province_id if product else None)
    complaint = Complaint.objects.create(
        text=text, contact=contact, stamp=stamp, certificate_number=certificate_number,
        product=product, certificate=certificate, province_id=province_id,
        photo=photo if photo is not None else "", photo_name=original)
    # No personal data in the audit log: the contact stays on the complaint only.
    audit.record(actor=None, action="inspections.complaint.submit", obj=complaint, changes={
        "province": province_id, "product": product.pk if product else None,
        "certificate": certificate.number if certificate else None, "photo": bool(original)})
    data = {"ref": complaint.reference, "complaint_id": complaint.pk}
    if product is not None:
        notify(_office_accounts(province_id), "inspection.complaint",
               {**data, "product": product.name}, complaint)
    else:
        notify(_office_accounts(province_id), "inspection.complaint_unnamed", data, complaint)
    return complaint


@transaction.atomic
def close_complaint(*, actor: User, complaint: Complaint) -> Complaint:
    permissions.can_handle_complaint(actor, complaint).check()
    locked = Complaint.objects.select_for_update(no_key=True).get(pk=complaint.pk)
    if locked.state != ComplaintState.NEW:
        raise Conflict(_("Phản ánh này đã được xử lý."), code="inspections.complaint_handled")
    locked.state = ComplaintState.CLOSED
    locked.save(update_fields=["state"])
    audit.record(actor=actor, action="inspections.complaint.close", obj=locked,
                 changes={"state": ComplaintState.CLOSED})
    return locked

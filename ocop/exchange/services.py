"""Every write of the exchange: the change log, partners and keys, and the import.

The change log is filled from the audit log: every write of the registry and the certificates
app records an audit entry in its own transaction (house rule), so a receiver of the audit
entry's ``post_save`` (connected in ``ExchangeConfig.ready``) sees every producer, product,
decision, certificate and revocation change, including the bulk ones that model signals would
miss (paper certificates entered with ``bulk_create``), and writes the feed entry in that same
transaction.

The import is all-or-nothing per batch: every row is tried inside one transaction (each in its
own savepoint, so that one bad row does not hide the problems of the next), and if any row has a
problem the whole batch is rolled back and only the report is kept. Each row is an upsert by
the record's official key that writes only what differs, so importing the same batch twice
changes nothing the second time (and writes no audit entry, hence no feed entry).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.audit import services as audit
from ocop.audit.models import AuditEntry
from ocop.certificates import services as certificates
from ocop.certificates.models import Certificate, RecognitionDecision
from ocop.core.refusals import Refusal
from ocop.core.text import fold
from ocop.exchange import records, selectors, signing
from ocop.exchange.models import (
    Change,
    Entity,
    FeedHead,
    ImportBatch,
    Op,
    Partner,
)
from ocop.registry import services as registry
from ocop.registry.models import Producer, Product, ProductSet
from ocop.units.models import Unit

# Audit actions that change a record of the feed: (entity, op).
_ACTIONS: dict[str, tuple[str, str]] = {
    "registry.producer.create": (Entity.PRODUCER, Op.UPSERT),
    "registry.producer.update": (Entity.PRODUCER, Op.UPSERT),
    "registry.producer.delete": (Entity.PRODUCER, Op.DELETE),
    "registry.product.create": (Entity.PRODUCT, Op.UPSERT),
    "registry.product.update": (Entity.PRODUCT, Op.UPSERT),
    "registry.product.delete": (Entity.PRODUCT, Op.DELETE),
    "certificates.decision.create": (Entity.DECISION, Op.UPSERT),
    "certificates.issue": (Entity.CERTIFICATE, Op.UPSERT),
    "certificates.revoke": (Entity.REVOCATION, Op.UPSERT),
}
# (``registry.product.stars`` is left out on purpose: stars follow from the certificates,
# which the feed carries; the receiving platform recomputes them.)


# --- The change log ----------------------------------------------------------------------------


def record_change(entity: str, op: str, obj: Any) -> Change:
    """Append one feed entry inside the caller's transaction. The lock on the head row is held
    until that transaction ends, so entries are numbered in commit order, without gaps."""
    feed_head, _created = FeedHead.objects.select_for_update(no_key=True).get_or_create(id=1)
    if entity == Entity.PRODUCT:
        records.ensure_code(obj)
    seq = max(selectors.last_numbered(), feed_head.floor) + 1
    key, province, data = records.describe(entity, obj)
    return Change.objects.create(seq=seq, entity=entity, op=op, key=key,
                                 province=province or "", data=data, recorded_at=timezone.now())


# How far the feed's numbering jumps when the instance is restored from a backup: more than the
# changes the lost instance can have numbered after the backup was taken (the whole country makes
# of the order of a hundred thousand a year).
RESTORE_GAP = 1_000_000_000


def skip_past_restore() -> int:
    """After a restore from a backup: number the next change past every number the instance
    may have given out after the backup, and return the new floor.

    The restored feed ends at the backup's last change, but the national database (or any
    partner) may already hold changes the instance numbered after it: their numbers are lost with
    them, and without this the next changes would be given the same numbers, which a reader past
    them would never ask for. The floor leaves one gap in the numbering instead; a reader whose
    cursor is anywhere up to the floor reads on from there (``selectors.head``)."""
    with transaction.atomic():
        FeedHead.objects.select_for_update(no_key=True).get_or_create(id=1)
        before = selectors.head()
        floor = before + RESTORE_GAP
        FeedHead.objects.filter(id=1).update(floor=floor)
        audit.record(actor=None, action="exchange.feed.restored", object_type="exchange.feedhead",
                     object_repr="Nguồn thay đổi (trao đổi dữ liệu)",
                     changes={"head": before, "floor": floor})
    return floor


def on_audit_entry(sender: type, instance: AuditEntry, created: bool, raw: bool = False,
                   **kwargs: Any) -> None:
    """``post_save`` of an audit entry: a feed entry for the changes the feed carries."""
    if raw or not created or (spec := _ACTIONS.get(instance.action)) is None:
        return
    entity, op = spec
    # Read with the rows ``describe`` names (commune, producer, decision) joined in: fetched one
    # by one they were several queries more per entry of an import.
    obj = records.rows(entity).filter(pk=instance.object_id).first()
    if obj is not None:  # every audited write of these models records before the row is gone
        record_change(entity, op, obj)


# --- Partners ----------------------------------------------------------------------------------


@transaction.atomic
def register_partner(*, actor: User, code: str, name: str, public_key_pem: str,
                     base_url: str = "", province: Unit | None = None) -> Partner:
    errors: dict[str, str] = {}
    code = code.strip()
    if not code:
        errors["code"] = _("Hãy nhập mã nền tảng.")
    elif Partner.objects.filter(code=code).exists():
        errors["code"] = _("Mã nền tảng “%(code)s” đã được đăng ký.") % {"code": code}
    if not name.strip():
        errors["name"] = _("Hãy nhập tên nền tảng.")
    if problem := signing.public_key_error(public_key_pem):
        errors["public_key_pem"] = problem
    if province is not None and (province.level != Unit.Level.PROVINCE or not province.is_current):
        errors["province"] = _("Hãy chọn một tỉnh/thành phố hiện hành.")
    if errors:
        raise ValidationError(errors)
    partner = Partner.objects.create(code=code, name=name.strip(),
                                     public_key_pem=public_key_pem.strip(), base_url=base_url,
                                     province=province)
    audit.record(actor=actor, action="exchange.partner.register", obj=partner,
                 changes={"code": code, "name": partner.name, "base_url": base_url,
                          "province": province.pk if province else None})
    return partner


@transaction.atomic
def set_partner_active(*, actor: User | None, partner: Partner, active: bool) -> Partner:
    partner.active = active
    partner.save(update_fields=["active"])
    audit.record(actor=actor, action="exchange.partner.active", obj=partner,
                 changes={"active": active})
    return partner


@transaction.atomic
def create_signing_key(*, actor: User | None) -> Any:
    key = signing.generate_key()
    audit.record(actor=actor, action="exchange.key.create", obj=key, changes={"kid": key.kid})
    return key


# --- Import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Report:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _RowProblem(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


class _Rollback(Exception):
    pass


CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass(frozen=True)
class Scope:
    """Who imports, and where they may write: ``actor`` a staff account (the registry and
    certificates services check its role and jurisdiction themselves), or ``actor=None`` with
    ``province`` the partner's province (checked here; None = the whole country)."""

    actor: User | None
    province: str | None
    today: date


def _required(data: dict[str, Any], name: str) -> Any:
    value = data.get(name)
    if value in (None, ""):
        raise _RowProblem(name, _("Thiếu giá trị bắt buộc."))
    return value


def _unit(key: str | None, column: str) -> Unit | None:
    if not key:
        return None
    unit = Unit.objects.filter(pk=key).first()
    if unit is None:
        raise _RowProblem(column, _("Không có đơn vị hành chính mã “%(key)s”.") % {"key": key})
    return unit


def _in_scope(scope: Scope, province: str | None, what: str) -> None:
    if scope.province and province != scope.province:
        raise _RowProblem("", _("%(what)s nằm ngoài tỉnh/thành phố mà nền tảng này được phép "
                                "gửi.") % {"what": what})


def _differs(current: Any, new: Any) -> bool:
    return str(current if current is not None else "") != str(new if new is not None else "")


def _producer(data: dict[str, Any], scope: Scope) -> str:
    tax_code = str(_required(data, "tax_code")).strip()
    commune = _unit(_required(data, "commune"), "commune")
    _in_scope(scope, commune.current_province_id, _("Chủ thể %(code)s") % {"code": tax_code})
    fields = {name: data[name] for name in records.PRODUCER_KEYS if name in data}
    fields["commune"] = commune
    existing = Producer.objects.select_related("commune").filter(tax_code=tax_code).first()
    if existing is None:
        registry.create_producer(actor=scope.actor, data={**fields, "tax_code": tax_code})
        return CREATED
    changed = {name: value for name, value in fields.items()
               if (existing.commune_id != value.pk if name == "commune"
                   else _differs(getattr(existing, name), value))}
    if not changed:
        return UNCHANGED
    registry.update_producer(actor=scope.actor, producer=existing, data=changed)
    return UPDATED


def _find_product(data: dict[str, Any], producer: Producer) -> Product | None:
    if code := data.get("code"):
        return records.product_by_code(str(code))
    # A legacy list has no product codes: the same name at the same producer is the same product.
    name = fold(str(data.get("name", "")).strip())
    for product in Product.objects.filter(producer=producer).select_related("producer__commune"):
        if fold(product.name.strip()) == name:
            return product
    return None


def _product(data: dict[str, Any], scope: Scope) -> str:
    tax_code = str(_required(data, "producer")).strip()
    producer = Producer.objects.select_related("commune").filter(tax_code=tax_code).first()
    if producer is None:
        raise _RowProblem("producer", _("Chưa có chủ thể mã số thuế %(code)s (hãy gửi chủ thể "
                                        "trước sản phẩm).") % {"code": tax_code})
    _in_scope(scope, producer.commune.current_province_id,
              _("Sản phẩm “%(name)s”") % {"name": data.get("name", "")})
    set_code = _required(data, "product_set")
    product_set = ProductSet.objects.filter(pk=set_code).first()
    if product_set is None:
        raise _RowProblem("product_set", _("Không có bộ sản phẩm mã “%(code)s”.")
                          % {"code": set_code})
    _required(data, "name")
    fields = {name: data[name] for name in records.PRODUCT_KEYS if name in data}
    fields["product_set"] = product_set
    existing = _find_product(data, producer)
    if existing is None:
        token = records.incoming_code.set(str(data["code"]) if data.get("code") else None)
        try:
            registry.create_product(actor=scope.actor, producer=producer, data=fields)
        finally:
            records.incoming_code.reset(token)
        return CREATED
    if existing.producer_id != producer.pk:
        raise _RowProblem("producer", _("Sản phẩm mã %(code)s đã thuộc một chủ thể khác.")
                          % {"code": data.get("code")})
    changed = {name: value for name, value in fields.items()
               if (existing.product_set_id != value.pk if name == "product_set"
                   else _differs(getattr(existing, name), value))}
    if not changed:
        return UNCHANGED
    registry.update_product(actor=scope.actor, product=existing, data=changed)
    return UPDATED


def _day(value: Any, column: str) -> date:
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise _RowProblem(column, _("Ngày “%(value)s” không hợp lệ.") % {"value": value}) from None


def _decision(data: dict[str, Any], scope: Scope) -> str:
    number = str(_required(data, "number")).strip()
    unit = _unit(data.get("issuing_unit"), "issuing_unit")
    if unit is not None:
        _in_scope(scope, unit.current_province_id or unit.pk,
                  _("Quyết định số %(number)s") % {"number": number})
    day = _day(_required(data, "date"), "date")
    existing = RecognitionDecision.objects.filter(issuing_unit=unit, number=number).first()
    if existing is not None:
        if existing.date != day or existing.level != data.get("level", existing.level):
            raise _RowProblem("number", _("Quyết định số %(number)s đã có với ngày hoặc cấp khác.")
                              % {"number": number})
        return UNCHANGED
    certificates.create_decision(
        actor=scope.actor, number=number, date=day,
        signer_name=str(_required(data, "signer_name")),
        signer_title=str(_required(data, "signer_title")), level=str(_required(data, "level")),
        issuing_unit=unit, signing_capacity=data.get("signing_capacity") or None)
    return CREATED


def _certificate(data: dict[str, Any], scope: Scope) -> str:
    ref = data.get("decision") or {}
    decision = RecognitionDecision.objects.filter(
        issuing_unit_id=ref.get("issuing_unit") or None, number=ref.get("number")).first()
    if decision is None:
        raise _RowProblem("decision", _("Chưa có quyết định số %(number)s (hãy gửi quyết định "
                                        "trước giấy chứng nhận).") % {"number": ref.get("number")})
    if code := data.get("product"):
        product = records.product_by_code(str(code))
    else:
        # A legacy list's row names its product by name and producer (no product code).
        producer = Producer.objects.filter(tax_code=data.get("producer")).first()
        product = producer and _find_product({"name": data.get("product_name")}, producer)
        code = data.get("product_name")
    if product is None:
        raise _RowProblem("product", _("Chưa có sản phẩm “%(code)s”.") % {"code": code})
    number = data.get("number") or None
    if number:
        existing = Certificate.objects.filter(number=number).first()
    else:
        existing = Certificate.objects.filter(product=product, decision=decision).first()
    try:
        stars = int(_required(data, "stars"))
        score = Decimal(str(_required(data, "total_score")))
    except (TypeError, ValueError, InvalidOperation):
        raise _RowProblem("stars", _("Hạng sao hoặc điểm không phải là số.")) from None
    issued_on = _day(data.get("issued_on") or decision.date, "issued_on")
    result = UNCHANGED
    if existing is None:
        province = certificates.administering_province(decision, product)
        _in_scope(scope, province.pk, _("Giấy chứng nhận %(number)s") % {"number": number or ""})
        existing = certificates.record_known_certificate(
            actor=scope.actor, number=number, decision=decision, product=product, stars=stars,
            total_score=score, issued_on=issued_on, today=scope.today)
        result = CREATED
    else:
        _in_scope(scope, existing.administered_by_id,
                  _("Giấy chứng nhận %(number)s") % {"number": existing.number})
        if (existing.product_id != product.pk or existing.decision_id != decision.pk
                or existing.stars != stars or existing.total_score != score
                or existing.issued_on != issued_on):
            raise _RowProblem("number", _(
                "Giấy chứng nhận số %(number)s đã có với nội dung khác (sản phẩm, quyết định, "
                "hạng sao, điểm hoặc ngày cấp); giấy đã cấp không sửa được.")
                % {"number": existing.number})
    if data.get("revoked_on") and existing.revoked_on is None:
        certificates.revoke_certificate(
            actor=scope.actor, certificate=existing,
            reason=str(data.get("revocation_reason") or ""),
            decision_number=str(data.get("revocation_decision_number") or ""),
            revoked_on=_day(data["revoked_on"], "revoked_on"), today=scope.today)
        result = UPDATED if result == UNCHANGED else result
    return result


def _delete(entity: str, data: dict[str, Any], scope: Scope) -> str:
    if entity == Entity.PRODUCER:
        found = Producer.objects.select_related("commune").filter(
            tax_code=data.get("tax_code")).first()
        if found is None:
            return UNCHANGED
        _in_scope(scope, found.commune.current_province_id, _("Chủ thể"))
        registry.delete_producer(actor=scope.actor, producer=found)
        return UPDATED
    if entity == Entity.PRODUCT:
        found = records.product_by_code(str(data.get("code", "")))
        if found is None:
            return UNCHANGED
        _in_scope(scope, found.producer.commune.current_province_id, _("Sản phẩm"))
        registry.delete_product(actor=scope.actor, product=found)
        return UPDATED
    raise _RowProblem("op", _("Không xoá được loại bản ghi này qua trao đổi."))


_APPLY = {Entity.PRODUCER: _producer, Entity.PRODUCT: _product, Entity.DECISION: _decision,
          Entity.CERTIFICATE: _certificate, Entity.REVOCATION: _certificate}


def _messages(error: Exception) -> list[tuple[str, str]]:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return [(name, " ".join(str(m) for m in messages))
                    for name, messages in error.message_dict.items()]
        return [("", " ".join(error.messages))]
    if isinstance(error, Refusal):
        return list(error.fields.items()) or [("", error.message)]
    return [("", str(error) or _("Bạn không có quyền ghi bản ghi này."))]


def apply_row(record: dict[str, Any], scope: Scope) -> str:
    entity = record.get("entity")
    if entity not in _APPLY:
        raise _RowProblem("entity", _("Loại bản ghi “%(entity)s” không được hỗ trợ.")
                          % {"entity": str(entity)[:40]})
    data = record.get("data")
    if not isinstance(data, dict):
        raise _RowProblem("data", _("Bản ghi thiếu phần nội dung (data)."))
    if record.get("op", Op.UPSERT) == Op.DELETE:
        return _delete(entity, data, scope)
    return _APPLY[entity](data, scope)


def apply_records(rows: list[dict[str, Any]], scope: Scope,
                  progress: Callable[[int, int], None] | None = None) -> Report:
    """Apply every row, all or nothing (see the module's docstring). ``progress(done, total)``
    counts the upload's rows (``_row``: an Excel row is four records, a JSON line one) as they
    are tried; a background job shows it (ocop/exchange/jobs.py)."""
    report = Report(rows=len(rows))
    numbers = [int(record.get("_row", index)) for index, record in enumerate(rows, start=1)]
    total, done = len(set(numbers)), 0
    if progress is not None:
        progress(0, total)
    try:
        with transaction.atomic():
            for index, record in enumerate(rows, start=1):
                number = numbers[index - 1]
                if progress is not None and index > 1 and number != numbers[index - 2]:
                    done += 1  # every record of the previous row has been tried
                    progress(done, total)
                columns = record.get("_columns", {})
                try:
                    with transaction.atomic():
                        outcome = apply_row(record, scope)
                except _RowProblem as problem:
                    report.problems.append(Problem(number, columns.get(problem.column,
                                                                       problem.column),
                                                   problem.message))
                    continue
                except (ValidationError, PermissionDenied, Refusal) as error:
                    report.problems.extend(Problem(number, columns.get(name, name), text)
                                           for name, text in _messages(error))
                    continue
                except (TypeError, ValueError, AttributeError, KeyError):
                    # A record from outside with a value of the wrong type (a list for a tax
                    # code, a number for a decision): the row is refused, not the server.
                    report.problems.append(Problem(number, "", _(
                        "Bản ghi có giá trị không đúng kiểu dữ liệu của trao đổi.")))
                    continue
                setattr(report, outcome, getattr(report, outcome) + 1)
            if progress is not None and total:
                progress(total, total)
            if report.problems:
                raise _Rollback
    except _Rollback:
        report.created = report.updated = report.unchanged = 0
    return report


def import_records(rows: list[dict[str, Any]], *, actor: User | None, partner: Partner | None,
                   province: Unit | None, source: str, file_name: str = "",
                   digest: str = "", today: date | None = None,
                   problems: list[Problem] | None = None,
                   progress: Callable[[int, int], None] | None = None) -> ImportBatch:
    """Apply a batch and keep its report in the import history. ``problems`` found before
    applying (a broken file) refuse the batch without trying any row."""
    scope = Scope(actor=actor, province=province.pk if province else None,
                  today=today or timezone.localdate())
    if problems:
        report = Report(rows=len(rows), problems=list(problems))
    else:
        report = apply_records(rows, scope, progress)
    batch = ImportBatch.objects.create(
        source=source, status=ImportBatch.Status.APPLIED if report.ok else
        ImportBatch.Status.REFUSED, file_name=file_name[:255], digest=digest,
        created_by=actor, partner=partner, province=province, rows=report.rows,
        created=report.created, updated=report.updated, unchanged=report.unchanged,
        problems=[p.as_dict() for p in report.problems[:1000]])
    return batch


@transaction.atomic
def advance_cursor(*, partner: Partner, pull: int | None = None, push: int | None = None) -> None:
    """Remember how far we have read the partner's feed / sent ours (after the batch applied)."""
    fields = []
    if pull is not None:
        partner.pull_cursor = pull
        fields.append("pull_cursor")
    if push is not None:
        partner.push_cursor = push
        fields.append("push_cursor")
    partner.save(update_fields=fields)

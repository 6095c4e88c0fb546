"""Issue → reminders → expiry → revocation, with a controlled clock (``today=`` everywhere)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from ocop.audit.models import AuditEntry
from ocop.certificates import services
from ocop.certificates.models import Certificate, ExpiryReminder
from ocop.certificates.tasks import certificates_daily
from ocop.notifications.models import Notification
from ocop.registry.models import Product
from ocop.rules.certification import add_months
from ocop.worker.testing import outcome

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("start", "months", "end"), [
    (date(2024, 2, 29), 36, date(2027, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2024, 10, 31), 36, date(2027, 10, 31)),
    (date(2024, 12, 15), 1, date(2025, 1, 15)),
])
def test_add_calendar_months(start, months, end):
    assert add_months(start, months) == end


def test_issue_numbers_dates_and_administration(cw):
    cert = cw.issue()
    # Issued by huyện Lục Ngạn (LD219) of tỉnh Bắc Giang (LP24, code 24) before the reform.
    assert cert.number == "OCOP-24-2024-00001"
    assert cw.issue("legacy").number == "OCOP-24-2024-00002"
    assert cert.valid_until == date(2027, 2, 28)  # 36 calendar months from a 29 February
    # The abolished district's certificate is administered by today's Bắc Ninh.
    assert cert.administered_by_id == "P24"
    assert Product.objects.get(pk=cw.products["own"].pk).stars == 3
    hanoi = cw.issue("hanoi", decision=cw.hanoi_decision, issued_on=date(2025, 9, 1), stars=4)
    assert hanoi.number == "OCOP-01-2025-00001"
    assert hanoi.administered_by_id == "P01"
    assert AuditEntry.objects.filter(action="certificates.issue").count() == 3
    producer_user = cw.users["producer"]
    assert Notification.objects.filter(recipient=producer_user, target_id=str(cert.pk)).exists()


def test_issue_refuses_uncertifiable_and_foreign_issuers(cw):
    with pytest.raises(ValidationError):
        cw.issue(stars=2)
    with pytest.raises(ValidationError):
        cw.issue(score="100.50")
    # Hà Nội's office cannot issue under Bắc Ninh's decision.
    with pytest.raises(PermissionDenied):
        services.issue_certificate(actor=cw.users["other_province_office"],
                                   decision=cw.province_decision, product=cw.products["own"],
                                   stars=3, total_score=60, today=date(2025, 9, 1))
    assert not Certificate.objects.exists()


def _run_days(first: date, last: date) -> dict[date, services.DailyReport]:
    reports = {}
    day = first
    while day <= last:
        reports[day] = services.run_daily(today=day)
        day += timedelta(days=1)
    return reports


def test_reminders_at_90_and_30_days_exactly_once_and_expiry_on_the_day(cw):
    cert = cw.issue()  # valid until 28/02/2027 inclusive
    reports = _run_days(date(2026, 11, 20), date(2027, 3, 3))
    sent = {(day, d): r.reminders[d] for day, r in reports.items() for d in (90, 30)
            if r.reminders[d]}
    assert sent == {
        (date(2026, 11, 30), 90): [cert.number],  # 28/02/2027 − 90 days
        (date(2027, 1, 29), 30): [cert.number],
    }
    assert ExpiryReminder.objects.filter(certificate=cert).count() == 2
    expired_days = [day for day, r in reports.items() if r.expired]
    assert expired_days == [date(2027, 3, 1)]  # the first day after the last valid day
    cert.refresh_from_db()
    assert cert.status_on(date(2027, 2, 28)) == "valid"
    assert cert.status_on(date(2027, 3, 1)) == "expired"
    assert cert.expiry_recorded_on == date(2027, 3, 1)
    assert Product.objects.get(pk=cert.product_id).stars is None
    # Producer account and the administering office (Bắc Ninh) got each message once.
    for role in ("producer", "province_office"):
        assert Notification.objects.filter(recipient=cw.users[role],
                                           target_id=str(cert.pk)).count() >= 3
    assert not Notification.objects.filter(recipient=cw.users["other_province_office"]).exists()


def test_missed_days_catch_up_without_sending_the_90_day_reminder_late(cw):
    cert = cw.issue()
    # The job did not run until 60 days before: the 90-day reminder goes out then.
    assert services.run_daily(today=date(2026, 12, 30)).reminders[90] == [cert.number]
    # Second run on the same day: nothing more.
    again = services.run_daily(today=date(2026, 12, 30))
    assert again.reminders == {90: [], 30: []}
    other = cw.issue("legacy")
    # Silent until 10 days before: only the 30-day reminder, never the stale 90-day one.
    report = services.run_daily(today=date(2027, 2, 18))
    assert report.reminders[90] == []
    assert sorted(report.reminders[30]) == sorted([cert.number, other.number])
    assert not ExpiryReminder.objects.filter(certificate=other, days_before=90).exists()


def test_renewed_product_is_not_reminded(cw):
    old = cw.issue()
    cw.issue(decision=cw.province_decision, issued_on=date(2026, 11, 1), stars=4)
    report = services.run_daily(today=date(2026, 11, 30))
    assert old.number not in report.reminders[90]
    assert Product.objects.get(pk=old.product_id).stars == 4


def test_revocation_takes_effect_at_once(cw):
    cert = cw.issue(today=date(2025, 1, 10))
    revoked = services.revoke_certificate(
        actor=cw.users["province_office"], certificate=cert,
        reason="Vi phạm an toàn thực phẩm", decision_number="99/QĐ-UBND",
        revoked_on=date(2025, 3, 1), today=date(2025, 3, 1),
    )
    assert revoked.status_on(date(2025, 3, 1)) == "revoked"
    assert revoked.status_on(date(2025, 2, 28)) == "valid"
    assert Product.objects.get(pk=cert.product_id).stars is None
    entry = AuditEntry.objects.get(action="certificates.revoke")
    assert entry.changes["decision_number"] == "99/QĐ-UBND"
    with pytest.raises(ValidationError):
        services.revoke_certificate(actor=None, certificate=cert, reason="x",
                                    decision_number="1", today=date(2025, 3, 2))
    # A revoked certificate is neither reminded nor "expired" later.
    assert services.run_daily(today=date(2027, 3, 5)).expired == []


def test_revocation_rules(cw):
    cert = cw.issue(today=date(2025, 1, 10))
    with pytest.raises(PermissionDenied):
        services.revoke_certificate(actor=cw.users["other_province_office"], certificate=cert,
                                    reason="x", decision_number="1", today=date(2025, 2, 1))
    with pytest.raises(PermissionDenied):
        services.revoke_certificate(actor=cw.users["producer"], certificate=cert,
                                    reason="x", decision_number="1", today=date(2025, 2, 1))
    with pytest.raises(ValidationError) as exc:
        services.revoke_certificate(actor=None, certificate=cert, reason=" ",
                                    decision_number="", revoked_on=date(2025, 3, 1),
                                    today=date(2025, 2, 1))
    assert set(exc.value.message_dict) == {"reason", "decision_number", "revoked_on"}


def test_command_and_task(cw, django_capture_on_commit_callbacks):
    cert = cw.issue()
    out = io.StringIO()
    call_command("certificates_daily", "--date", "2026-11-30", stdout=out)
    assert "1 nhắc 90 ngày" in out.getvalue()
    # Run at once by the test's queue (immediate, or Redis / the database: ocop/worker/testing.py).
    with django_capture_on_commit_callbacks(execute=True):
        result = certificates_daily.enqueue("2027-03-01")
    assert outcome(result).return_value["expired"] == [cert.number]

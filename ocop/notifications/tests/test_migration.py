"""0002 converts stored sentences into verb codes and values; what it cannot read is kept."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from ocop.accounts.models import Role
from ocop.accounts.testing import make_user
from ocop.notifications.models import Notification

BEFORE = [("notifications", "0001_initial")]
AFTER = None  # the app's latest migration, so later ones are never left unapplied


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes("notifications"))


@pytest.mark.django_db(transaction=True)
def test_migration_converts_legacy_rows(units) -> None:
    user = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    texts = {
        # Written by a Vietnamese page.
        "vi": "Chủ thể đã rút hồ sơ HS-2025-000012 — “Mật ong Đồng Cốc”.",
        # Written by an English page, with a plural and a date.
        "en": "OCOP certificate no. 24-0001 (“Vải thiều”) expires after 28/02/2027 "
              "(30 days left). The producer may submit a re-assessment dossier.",
        # A level and a decimal, as the old code wrote them.
        "level": "Hồ sơ HS-7 — “Trà” (91.50 điểm) được đề nghị cấp trung ương đánh giá.",
        "member": "Nguyễn Văn An (Chủ tịch hội đồng) kê khai xung đột lợi ích với hồ sơ HS-9, "
                  "không tham gia chấm hồ sơ này.",
        "other": "Một câu không còn mẫu nào.",
    }
    _migrate(BEFORE)
    try:
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps.get_model(
            "notifications", "Notification")
        ids = {key: old.objects.create(recipient_id=user.pk, verb=text, link="/ho-so/5/").pk
               for key, text in texts.items()}
    finally:
        _migrate(AFTER)
    rows = {key: Notification.objects.get(pk=pk) for key, pk in ids.items()}
    assert (rows["vi"].verb, rows["vi"].data) == (
        "dossier.withdrawn", {"ref": "HS-2025-000012", "product": "Mật ong Đồng Cốc"})
    assert (rows["en"].verb, rows["en"].data) == (
        "certificate.expiry_reminder",
        {"number": "24-0001", "product": "Vải thiều", "day": "2027-02-28", "days": 30})
    assert rows["level"].data == {"ref": "HS-7", "product": "Trà", "mean": "91.50",
                                  "level": "central"}
    assert rows["member"].data == {"member": "Nguyễn Văn An", "ref": "HS-9"}
    assert (rows["other"].verb, rows["other"].data) == ("legacy", {"text": texts["other"]})
    # Converted rows read in either language; without the ids of a link they keep the stored
    # one (a certificate's link is built from its number).
    with translation.override("en"):
        assert rows["vi"].text == (
            "The producer has withdrawn dossier HS-2025-000012 — “Mật ong Đồng Cốc”.")
        assert rows["level"].text.startswith("Dossier HS-7 — “Trà” (91.50 points)")
        assert rows["other"].text == texts["other"]
    with translation.override("vi"):
        assert rows["en"].text.startswith(
            "Giấy chứng nhận OCOP số 24-0001 (“Vải thiều”) hết hiệu lực sau ngày 28/02/2027")
    assert {key: r.url for key, r in rows.items() if r.url != "/ho-so/5/"} == {
        "en": "/giay-chung-nhan/24-0001/"}
    # And back: the sentences return in Vietnamese.
    _migrate(BEFORE)
    try:
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps.get_model(
            "notifications", "Notification")
        back = {key: old.objects.get(pk=pk).verb for key, pk in ids.items()}
    finally:
        _migrate(AFTER)
    assert back["vi"] == texts["vi"] and back["other"] == texts["other"]
    assert back["level"] == texts["level"]
    assert back["en"] == ("Giấy chứng nhận OCOP số 24-0001 (“Vải thiều”) hết hiệu lực sau ngày "
                          "28/02/2027 (còn 30 ngày). Chủ thể có thể nộp hồ sơ đánh giá lại.")

"""Per-object history: the selector and the web/audit_history.html partial."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from ocop.accounts.models import Role
from ocop.accounts.testing import make_user
from ocop.audit import services as audit
from ocop.audit.selectors import history_for, history_for_type_id
from ocop.registry.models import LegalForm, Producer

pytestmark = pytest.mark.django_db


@pytest.fixture
def producer(units) -> Producer:
    return Producer.objects.create(
        legal_form=LegalForm.COOPERATIVE,
        name="HTX Chè Tân Cương",
        tax_code="4600123456",
        commune=units.xa_luc_ngan,
        representative_name="Lê Văn Bình",
    )


def test_history_is_newest_first_with_field_labels(producer):
    officer = make_user(Role.COMMUNE_OFFICER, unit=producer.commune, first_name="Phạm Thu Hà")
    audit.record(actor=officer, action="producer.create", obj=producer, changes={})
    audit.record(
        actor=officer,
        action="producer.update",
        obj=producer,
        changes=audit.diff_fields(
            {"name": "HTX Chè", "employees": 5}, {"name": producer.name, "employees": 5}
        ),
    )
    audit.record(actor=None, action="producer.note", obj=producer, changes={"note": "tự động"})
    # Another object's entries stay out.
    audit.record(
        actor=officer, action="producer.update", object_type="registry.producer", object_id="999"
    )

    items = history_for(producer)
    assert [i.entry.action for i in items] == [
        "producer.note",
        "producer.update",
        "producer.create",
    ]
    change = items[1].changes[0]
    assert (change.field, change.label, change.old, change.new) == (
        "name",
        "tên chủ thể",
        "HTX Chè",
        "HTX Chè Tân Cương",
    )
    assert change.is_pair and not items[0].changes[0].is_pair
    assert history_for_type_id("registry.producer", producer.pk)[0].entry == items[0].entry

    html = render_to_string("web/audit_history.html", {"history": items})
    assert "Lịch sử thay đổi" in html and "Phạm Thu Hà" in html and "Hệ thống" in html
    assert '<span class="old">HTX Chè</span> → <span class="new">HTX Chè Tân Cương</span>' in html
    assert 'data-label="Thời điểm"' in html


def test_history_query_count_does_not_grow(producer):
    actor = make_user(Role.CENTRAL)
    for i in range(20):
        audit.record(actor=actor, action="producer.update", obj=producer, changes={"n": [i, i + 1]})
    with CaptureQueriesContext(connection) as queries:
        items = history_for(producer)
        render_to_string("web/audit_history.html", {"history": items})
    assert len(items) == 20
    assert len(queries) == 1


def test_empty_history_and_unknown_type(db):
    assert history_for_type_id("no.such", 1) == []
    html = render_to_string("web/audit_history.html", {"history": []})
    assert "Chưa có thay đổi nào được ghi nhận." in html

"""The catalogue's anonymous pages go through the WSGI fast path (ocop/operations/fastpath.py)
as gunicorn serves them: replayed without a query, per language, and a revocation shows at once
in the process that made it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.catalogue.tests.conftest import revoke
from ocop.operations.testing import call

pytestmark = pytest.mark.django_db


def test_list_and_product_pages_are_replayed_until_a_revocation(app, catalogue):
    for path in (reverse("catalogue:list") + "?q=vai+thieu",
                 reverse("catalogue:product", args=[catalogue.vai.pk])):
        first = call(app, path)
        assert first.status == 200 and "Vải thiều Lục Ngạn sấy khô" in first.body
        with CaptureQueriesContext(connection) as queries:
            again = call(app, path, cookies={"csrftoken": "a" * 32})
        assert "Age" in again.headers and len(queries) == 0 and again.body == first.body
        english = call(app, path, cookies={"django_language": "en"})
        assert "Age" not in english.headers and english.headers["Content-Language"] == "en"

    revoke(catalogue.vai_certificate, catalogue.today)
    gone = call(app, reverse("catalogue:product", args=[catalogue.vai.pk]))
    assert gone.status == 404
    listed = call(app, reverse("catalogue:list") + "?q=vai+thieu")
    assert "Vải thiều Lục Ngạn sấy khô" not in listed.body

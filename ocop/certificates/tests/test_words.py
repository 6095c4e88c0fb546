"""Decision phrases are one sentence per language, never "Number … days …"."""

from __future__ import annotations

import pytest
from django.test import Client

from ocop.certificates.tests.test_verification import certs  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "phrase"), [
    ("vi", "Quyết định số {number} ngày {day}"),
    ("en", "Decision No. {number} of {day}"),
])
def test_verification_page_writes_the_decision_as_a_phrase(certs, language, phrase):  # noqa: F811
    cert = certs["valid"]
    client = Client()
    client.cookies["django_language"] = language
    html = client.get(f"/verify/{cert.number}").content.decode()
    decision = cert.decision
    assert phrase.format(number=decision.number, day=f"{decision.date:%d/%m/%Y}") in html

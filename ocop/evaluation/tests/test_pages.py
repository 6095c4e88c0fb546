"""The scoring page: renders the sheet with evidence, autosaves through htmx, submits once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ocop.accounts.testing import login_client
from ocop.evaluation.models import ScoreSheet
from ocop.evaluation.tests.conftest import answers_for

pytestmark = pytest.mark.django_db


def test_scoring_page_autosave_and_submit(ev):
    member = ev.members["second"]
    client = login_client(member.user)
    url = reverse("evaluation:score", args=[ev.dossier.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'hx-post="' in html and 'type="radio"' in html
    answers = answers_for(ev.dossier, 65)
    code, option = next(iter(answers.items()))
    saved = client.post(url, {f"c-{code}": option}, headers={"HX-Request": "true"})
    assert saved.status_code == 200 and "Đã lưu nháp" in saved.content.decode()
    assert ScoreSheet.objects.get(member=member).answers == {code: option}
    bad = client.post(url, {f"c-{code}": "zzz"}, headers={"HX-Request": "true"})
    assert bad.status_code == 409
    form = {f"c-{c}": o for c, o in answers.items()}
    submit_url = reverse("evaluation:submit", args=[ev.dossier.pk])
    assert f'formaction="{submit_url}"' in html
    response = client.post(submit_url, form)
    assert response.status_code == 302
    assert ScoreSheet.objects.get(member=member).state == "submitted"
    again = client.post(submit_url, form, follow=True)
    assert "đã nộp" in again.content.decode().lower()
    assert ScoreSheet.objects.filter(member=member).count() == 1
    assert "disabled" in client.get(url).content.decode()

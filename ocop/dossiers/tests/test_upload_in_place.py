"""Documents uploaded on the dossier page: with htmx the documents section is swapped in place
(messages inside it), without JS the plain form posts and redirects back to the item."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ocop.accounts.testing import login_client
from ocop.dossiers import checklist, services
from ocop.dossiers.testing import D2024, Cycle, pdf

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def draft(cycle: Cycle):
    dossier = services.open_dossier(actor=cycle.users["producer"], product=cycle.products["own"],
                                    today=D2024)
    item = next(i for i in checklist.items_for(dossier.product, dossier.target_stars)
                if i.is_mandatory(dossier.target_stars))
    return dossier, item.code


def test_htmx_upload_returns_the_documents_section_only(cycle: Cycle) -> None:
    dossier, item = draft(cycle)
    client = login_client(cycle.users["producer"])
    url = reverse("dossiers:attach", args=[dossier.pk])
    edit = client.get(reverse("dossiers:edit", args=[dossier.pk])).content.decode()
    assert f'hx-post="{url}" hx-encoding="multipart/form-data" hx-target="#checklist"' in edit

    response = client.post(url, {"checklist_item": item, "file": pdf("giay-phep.pdf")},
                           headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="panel" id="checklist">')
    assert "<html" not in html and 'id="dossier-form"' not in html
    assert "Đã thêm tài liệu." in html and "giay-phep.pdf" in html
    assert dossier.documents.filter(checklist_item=item).count() == 1

    document = dossier.documents.get()
    response = client.post(reverse("dossiers:remove_document", args=[dossier.pk, document.pk]),
                           headers=HTMX)
    html = response.content.decode()
    assert "Đã bỏ tài liệu khỏi hồ sơ." in html and "giay-phep.pdf" not in html
    assert not dossier.documents.exists()


def test_htmx_upload_error_is_shown_in_the_section(cycle: Cycle) -> None:
    dossier, item = draft(cycle)
    client = login_client(cycle.users["producer"])
    response = client.post(reverse("dossiers:attach", args=[dossier.pk]),
                           {"checklist_item": item}, headers=HTMX)  # no file chosen
    html = response.content.decode()
    assert response.status_code == 200 and 'class="msg msg-error"' in html
    assert not dossier.documents.exists()


def test_upload_without_javascript_still_redirects(cycle: Cycle) -> None:
    dossier, item = draft(cycle)
    client = login_client(cycle.users["producer"])
    response = client.post(reverse("dossiers:attach", args=[dossier.pk]),
                           {"checklist_item": item, "file": pdf()})
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:edit", args=[dossier.pk]) + f"#item-{item}"
    page = client.get(response["Location"]).content.decode()
    assert page.count("Đã thêm tài liệu.") == 1  # the flash shows once, at the top
    assert dossier.documents.count() == 1

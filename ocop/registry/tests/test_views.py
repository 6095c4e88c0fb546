import re
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.testing import login_client
from ocop.audit.models import AuditEntry
from ocop.certificates.testing import certify
from ocop.registry import services
from ocop.registry.models import EvidenceDocument, Producer, Product
from ocop.registry.tests.test_uploads import PDF, png_bytes

FORM = {
    "legal_form": "cooperative", "name": "HTX Gà đồi Yên Thế", "tax_code": "2914177765",
    "commune": "C07582", "representative_name": "Phạm Văn D", "employees": "10",
    "local_employees": "8", "members": "7", "status": "active",
}


def test_create_producer_page(world, client):
    login_client(world.users["commune_officer"], client)
    url = reverse("registry:producer_create")
    assert client.get(url).status_code == 200
    # Another commune of the same province is outside a commune officer's reach.
    response = client.post(url, {**FORM, "commune": "C07210"})
    assert "ngoài địa bàn" in response.context["form"].errors["commune"][0]
    response = client.post(url, {**FORM, "local_employees": "11", "tax_code": "2914177766"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "tax_code" in errors and "local_employees" in errors
    response = client.post(url, FORM)
    producer = Producer.objects.get(tax_code="2914177765")
    assert response.status_code == 302 and response.url == reverse(
        "registry:producer_detail", args=[producer.pk])


def test_producer_edits_own_profile_but_not_locked_fields(world, client):
    login_client(world.users["producer"], client)
    own = world.producers["own"]
    url = reverse("registry:producer_edit", args=[own.pk])
    form = client.get(url).context["form"]
    assert form.fields["tax_code"].disabled and form.fields["legal_form"].disabled
    data = {**FORM, "commune": own.commune_id, "name": "HTX Vải thiều Lục Ngạn (mới)",
            "tax_code": "2914177765", "legal_form": "enterprise"}
    response = client.post(url, data)
    assert response.status_code == 302
    own.refresh_from_db()
    # Disabled fields ignore what was posted.
    assert own.name.endswith("(mới)") and own.tax_code == "0100109106"
    assert own.legal_form == "cooperative"
    assert not own.publish_contact  # nobody's contact is public by default

    # The producer chooses to publish its phone and e-mail for buyers; the change is audited.
    response = client.post(url, {**data, "publish_contact": "on"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.publish_contact
    assert AuditEntry.objects.filter(action="registry.producer.update", object_id=str(own.pk),
                                     changes__has_key="publish_contact").exists()


def test_htmx_search_returns_only_the_results_partial(world, client):
    login_client(world.users["admin"], client)
    response = client.get(reverse("registry:producer_list"), {"q": "gom bac giang"},
                          headers={"HX-Request": "true", "HX-Target": "results"})
    body = response.content.decode()
    assert "<html" not in body
    assert "Công ty Gốm Bắc Giang" in body and "HTX Trà Hoàn Kiếm" not in body
    assert "xuat-excel/?q=gom+bac+giang" in body
    full = client.get(reverse("registry:producer_list")).content.decode()
    assert "<html" in full and 'hx-get="/chu-the/"' in full


def test_a_producer_with_a_few_products_gets_no_filter_panel(world, client):
    login_client(world.users["producer"], client)
    for name in ("registry:product_list", "registry:producer_list", "dossiers:list",
                 "certificates:list"):
        page = client.get(reverse(name)).content.decode()
        assert 'role="search"' not in page and 'id="results"' in page
    # A filter in use (a link from another page) keeps the panel, to change or clear it.
    page = client.get(reverse("registry:product_list"), {"status": "active"}).content.decode()
    assert 'role="search"' in page
    login_client(world.users["commune_officer"], client)
    assert 'role="search"' in client.get(reverse("registry:product_list")).content.decode()


def test_product_list_shows_stars(world, client):
    certify(world.products["own"], 4, issued_on=timezone.localdate())
    login_client(world.users["admin"], client)
    body = client.get(reverse("registry:product_list")).content.decode()
    assert '<span class="stars" aria-label="4 sao">★★★★☆</span>' in body


def test_product_create_with_image_and_edit(world, client):
    login_client(world.users["producer"], client)
    url = reverse("registry:product_create")
    response = client.post(url, {"name": "Vải sấy dẻo", "product_set": "1048-01",
                                 "status": "active", "gtin": "8934567890120",
                                 "image": SimpleUploadedFile("vai.png", png_bytes())})
    product = Product.objects.get(name="Vải sấy dẻo")
    assert response.status_code == 302
    assert product.producer == world.producers["own"]
    assert product.image.name.endswith(".png")
    # A disguised image is refused beside the image field.
    edit = reverse("registry:product_edit", args=[product.pk])
    response = client.post(edit, {"name": "Vải sấy dẻo", "product_set": "1048-01",
                                  "status": "active", "image": SimpleUploadedFile("x.png", PDF)})
    assert "PDF" in response.context["form"].errors["image"][0]


def test_staff_product_create_picks_producer(world, client):
    login_client(world.users["province_office"], client)
    url = reverse("registry:product_create")
    page = client.get(url).content.decode()
    assert "HTX Vải thiều Lục Ngạn" in page and "HTX Trà Hoàn Kiếm" not in page
    assert "<title>Thêm sản phẩm: chọn chủ thể · OCOP</title>" in page
    other = world.producers["other_province"]
    assert client.get(url, {"chu_the": other.pk}).status_code == 404


def test_documents_on_detail_page_with_expired_badge_and_file(world, client):
    producer = world.producers["own"]
    login_client(world.users["commune_officer"], client)
    url = reverse("registry:document_create", args=[producer.pk])
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(url, {"doc_type": "food_safety", "number": "45/ATTP",
                                 "issued_on": "2022-01-10", "expires_on": yesterday.isoformat(),
                                 "file": SimpleUploadedFile("attp.pdf", PDF)})
    assert response.status_code == 302
    doc = EvidenceDocument.objects.get(number="45/ATTP")
    detail = client.get(reverse("registry:producer_detail", args=[producer.pk])).content.decode()
    assert "Hết hạn" in detail and "45/ATTP" in detail
    # Commune officers may not delete documents: no link, and the URL is refused.
    assert reverse("registry:document_delete", args=[producer.pk, doc.pk]) not in detail
    file_url = reverse("registry:document_file", args=[producer.pk, doc.pk])
    response = client.get(file_url)
    assert b"".join(response.streaming_content) == PDF
    # The producer itself downloads its own document too.
    login_client(world.users["producer"], client)
    assert client.get(file_url).status_code == 200


def test_the_product_page_does_not_repeat_the_products_name_on_each_document(world, client):
    product = world.products["own"]
    services.create_document(actor=None, producer=product.producer,
                             data={"doc_type": "other", "number": "12/KN", "product": product})
    login_client(world.users["producer"], client)
    mark = f'<small class="muted">{product.name}</small>'
    page = client.get(reverse("registry:product_detail", args=[product.pk])).content.decode()
    assert "12/KN" in page and mark not in page
    page = client.get(reverse("registry:producer_detail", args=[product.producer_id]))
    assert mark in page.content.decode()  # the producer's page lists every product's papers


def test_document_file_not_served_outside_reach(world, client):
    producer = world.producers["own"]
    doc = services.create_document(actor=None, producer=producer, data={"doc_type": "other"},
                                   file=SimpleUploadedFile("a.pdf", PDF))
    url = reverse("registry:document_file", args=[producer.pk, doc.pk])
    login_client(world.users["council_member"], client)
    assert client.get(url).status_code == 200
    from ocop.accounts.models import User

    hanoi = User.objects.create_user(username="hn", role="province_office",
                                     unit=world.units.ha_noi)
    login_client(hanoi, client)
    assert client.get(url).status_code == 404


def test_document_edit_and_delete_pages(world, client):
    producer = world.producers["own"]
    doc = services.create_document(actor=None, producer=producer,
                                   data={"doc_type": "other", "number": "1"})
    login_client(world.users["producer"], client)
    edit = reverse("registry:document_edit", args=[producer.pk, doc.pk])
    response = client.post(edit, {"doc_type": "trademark", "number": "2"})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.doc_type == "trademark"
    delete = reverse("registry:document_delete", args=[producer.pk, doc.pk])
    page = client.get(delete)
    assert page.status_code == 200
    assert re.search(r"<title>Xoá [^<·]+ · OCOP</title>", page.content.decode())
    assert client.post(delete).status_code == 302
    assert not EvidenceDocument.objects.filter(pk=doc.pk).exists()


def test_delete_producer_with_products_shows_message(world, client):
    producer = world.producers["other_commune"]
    login_client(world.users["province_office"], client)
    response = client.post(reverse("registry:producer_delete", args=[producer.pk]), follow=True)
    assert "còn 1 sản phẩm" in response.content.decode()
    assert Producer.objects.filter(pk=producer.pk).exists()

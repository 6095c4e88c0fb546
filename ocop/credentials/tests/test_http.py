"""The published documents over HTTP: the credential endpoint, the DID documents, the status
lists, the JSON-LD contexts, the trust list, the form on the verify page, the PDF's attachment."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date

import pytest
from django.test import Client

from ocop.accounts.testing import login_client
from ocop.certificates import services as certificates
from ocop.credentials import documents
from ocop.credentials.models import Credential
from ocop.credentials.tests.helpers import body, check, header

pytestmark = pytest.mark.django_db


def test_credential_endpoint_is_public_and_typed(cw):
    certificate = cw.issue()
    response = Client().get(f"/api/v1/certificates/{certificate.number}/credential")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response.headers
    token = response.content.decode()
    assert token == certificate.credential.jwt
    assert check(token).ok


def test_credential_endpoint_for_unknown_number(cw):
    response = Client().get("/api/v1/certificates/OCOP-24-2024-99999/credential")
    assert response.status_code == 404
    assert response.json()["code"] == "credentials.certificate_unknown"
    assert "OCOP-24-2024-99999" in response.json()["message"]


def test_certificate_without_credential_gets_one_on_first_request(cw):
    certificate = cw.issue()
    Credential.objects.all().delete()
    first = Client().get(f"/api/v1/certificates/{certificate.number}/credential")
    again = Client().get(f"/api/v1/certificates/{certificate.number}/credential")
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert Credential.objects.count() == 1


def test_did_documents(cw):
    certificate = cw.issue()
    client = Client()
    platform = client.get("/.well-known/did.json")
    assert platform["Content-Type"] == "application/did+json"
    assert platform.json()["id"] == "did:web:127.0.0.1%3A8000"
    assert platform.json()["service"][0]["serviceEndpoint"] == [
        "http://127.0.0.1:8000/issuers/24/did.json"]
    issuer = client.get("/issuers/24/did.json").json()
    assert issuer["id"] == documents.issuer_did("24")
    [method] = issuer["verificationMethod"]
    assert method["id"] == header(certificate.credential.jwt)["kid"]
    assert method["publicKeyJwk"] == certificate.credential.key.public_jwk
    assert "d" not in method["publicKeyJwk"]
    assert client.get("/issuers/01/did.json").status_code == 404  # Hà Nội has issued nothing


def test_status_list_is_signed_and_follows_revocation(cw):
    certificate = cw.issue()
    url = body(certificate.credential.jwt)["credentialStatus"]["statusListCredential"]
    path = url.removeprefix(documents.base_url())
    index = certificate.credential.status_index

    def published_bit() -> bool:
        response = Client().get(path)
        assert response["Content-Type"] == "application/vc+jwt"
        listed = body(response.content.decode())
        assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        assert listed["issuer"]["id"] == documents.issuer_did("24")
        bits = documents.decode_list(listed["credentialSubject"]["encodedList"])
        return documents.bit(bits, index)

    assert not published_bit()
    certificates.revoke_certificate(actor=None, certificate=certificate, reason="Vi phạm",
                                    decision_number="9/QĐ-UBND", today=date(2025, 3, 1))
    assert published_bit()
    assert Client().get("/issuers/24/status/2").status_code == 404


def test_contexts_are_served_offline_copies():
    client = Client()
    for url, (path, name) in documents.CONTEXTS.items():
        response = client.get(f"/jsonld/{name}")
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/ld+json"
        assert response.content == path.read_bytes()
        assert "@context" in json.loads(response.content)
    assert client.get("/jsonld/khong-co.jsonld").status_code == 404


def test_trust_list_names_keys_lists_and_contexts(cw):
    certificate = cw.issue()
    trust = Client().get("/issuers/keys.json").json()
    [issuer] = trust["issuers"]
    assert issuer["name"] == "Ủy ban nhân dân thành phố Bắc Ninh"
    assert issuer["keys"][0]["state"] == "active"
    assert "d" not in issuer["keys"][0]["jwk"]
    assert trust["status_lists"] == [
        body(certificate.credential.jwt)["credentialStatus"]["statusListCredential"]]
    assert trust["contexts"][documents.DCC_CONTEXT] == (
        "http://127.0.0.1:8000/jsonld/untp-dcc-working.jsonld")


def test_verify_page_offers_the_credential_form(cw):
    certificate = cw.issue()
    for path in ("/verify/", f"/verify/{certificate.number}"):
        response = Client().get(path)
        html = response.content.decode()
        assert 'id="vc-verify"' in html and "credentials/verify.js" in html
        assert 'data-keys-url="/issuers/keys.json"' in html
        assert "Kiểm tra chứng nhận số" in html
        assert "Set-Cookie" not in response.headers
        assert "style=" not in html
    # The certificate's own page (where its QR code leads) links to its credential; the lookup
    # page and an unknown number do not.
    link = f'href="/api/v1/certificates/{certificate.number}/credential"'
    assert link in Client().get(f"/verify/{certificate.number}").content.decode()
    assert "/credential\"" not in Client().get("/verify/").content.decode()
    assert "/credential\"" not in Client().get("/verify/OCOP-24-2024-99999").content.decode()


def test_verify_page_registers_its_service_worker(cw):
    certificate = cw.issue()
    for path in ("/verify/", f"/verify/{certificate.number}"):
        html = Client().get(path).content.decode()
        assert 'data-worker="/issuers/verify-sw.js?static=/static/"' in html
        assert 'data-scope="/verify/"' in html
    response = Client().get("/issuers/verify-sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    # Allowed to control the public verify pages, and nothing above them.
    assert response["Service-Worker-Allowed"] == "/verify/"
    assert response["Cache-Control"] == "no-cache"
    assert "Set-Cookie" not in response.headers
    script = b"".join(response.streaming_content) if response.streaming else response.content
    assert b'const PREFIX = "ocop-verify-"' in script
    # No cache of the council and inspections worker's name: they share the origin's caches.
    assert b"ocop-pages-" not in script and b"ocop-static-" not in script


def test_schema_served_for_the_browser(cw):
    response = Client().get("/schemas/untp-dcc.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.content == documents.SCHEMA_PATH.read_bytes()
    html = Client().get("/verify/").content.decode()
    assert 'data-schema-url="/schemas/untp-dcc.json"' in html
    assert 'credentials/schema-check.js" type="module"' in html


def test_pdf_embeds_the_credential(cw, tmp_path):
    certificate = cw.issue()
    user = cw.users["province_office"]
    response = login_client(user).get(f"/giay-chung-nhan/{certificate.number}/pdf")
    assert response.status_code == 200
    pdf = tmp_path / "gcn.pdf"
    pdf.write_bytes(response.content)
    # poppler's pdfdetach (installed by `make system-deps-test`), our own temporary folder.
    tool = shutil.which("pdfdetach") or "pdfdetach"
    listing = subprocess.run([tool, "-list", str(pdf)], capture_output=True, text=True,  # noqa: S603
                             check=True).stdout
    assert f"{certificate.number}.jwt" in listing
    subprocess.run([tool, "-saveall", "-o", str(tmp_path), str(pdf)], check=True)  # noqa: S603
    assert (tmp_path / f"{certificate.number}.jwt").read_text() == certificate.credential.jwt

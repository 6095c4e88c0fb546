"""Public documents for verifiers: the DID documents (did:web), the status list credentials, the
copies of the JSON-LD contexts and the trust list the verify page pins. No login, no session, no
cookie; readable from any origin (a verifier elsewhere fetches them from its own page)."""

from __future__ import annotations

import json
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ocop.core import serviceworkers
from ocop.credentials import documents, selectors

# A revocation shows in the published list within this long (as on the verify page).
MAX_AGE = "public, max-age=60"


def _public(content: bytes | str, content_type: str, cache: str = MAX_AGE) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = cache
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json(document: dict, content_type: str = "application/json") -> HttpResponse:
    return _public(json.dumps(document, ensure_ascii=False, indent=1), content_type)


@require_GET
def platform_did(request: HttpRequest) -> HttpResponse:
    return _json(selectors.platform_document(), "application/did+json")


@require_GET
def issuer_did(request: HttpRequest, code: str) -> HttpResponse:
    document = selectors.issuer_document(code)
    if document is None:
        raise Http404(code)
    return _json(document, "application/did+json")


@require_GET
def status_list(request: HttpRequest, code: str, number: int) -> HttpResponse:
    token = selectors.status_list_jwt(code, number)
    if token is None:
        raise Http404(code)
    return _public(token, documents.MEDIA_TYPE)


@require_GET
def trust_list(request: HttpRequest) -> HttpResponse:
    return _json(selectors.trust_list())


_CONTEXT_FILES = {name: path for path, name in documents.CONTEXTS.values()}


@require_GET
def context(request: HttpRequest, name: str) -> HttpResponse:
    path = _CONTEXT_FILES.get(name)
    if path is None:
        raise Http404(name)
    # A context never changes under its name: a day's cache is safe.
    return _public(path.read_bytes(), "application/ld+json", "public, max-age=86400")


@require_GET
def schema(request: HttpRequest) -> HttpResponse:
    """The UNTP DCC JSON Schema copied in ocop/credentials/untp/, which the verify page runs in
    the browser as the command line does with Python's jsonschema. Changes only with a release."""
    return _public(documents.SCHEMA_PATH.read_bytes(), "application/schema+json",
                   "public, max-age=86400")


@require_GET
def verify_worker(request: HttpRequest) -> HttpResponse:
    """The verify page's service worker (static/credentials/verify-sw.js), served by a view so
    that it may control the verify pages: a worker's scope is at most its script's folder unless
    ``Service-Worker-Allowed`` widens it, and this one is allowed exactly the public verify pages
    (``/verify/``), nothing else of the site. Not cached (the browser checks it for updates)."""
    return serviceworkers.script_response(
        "credentials/verify-sw.js", allowed_scope=reverse("certificates:verify_lookup"))


def verify_section(number: str | None) -> str:
    """Hook ``certificates.verify_page_sections``: the form that verifies a credential in the
    browser, and on a certificate's page the link to its credential (what the QR code's
    verify address leads to). The same for every visitor (the page is cached publicly): the keys
    are fetched by the script, not written into the page."""
    return render_to_string("credentials/verify_section.html", {
        "messages": _browser_messages(),
        "credential_path": f"/api/v1/certificates/{quote(number)}/credential" if number else "",
        "worker_url": reverse("credentials:verify_worker"),
        "worker_scope": reverse("certificates:verify_lookup"),
        "number": number,
    })


def _browser_messages() -> dict[str, str]:
    """The verifier's sentences, translated here (the script has none of its own)."""
    return {
        "malformed": _("Tệp không phải là chứng nhận số: một chứng nhận số (vc+jwt) gồm ba phần "
                       "ngăn bởi dấu chấm, mỗi phần đọc được."),
        "algorithm": _("Chứng nhận số dùng thuật toán không được chấp nhận; nền tảng chỉ chấp "
                       "nhận ES256 (vc+jwt)."),
        "not_credential": _("Tệp không phải là chứng nhận số của giấy chứng nhận OCOP."),
        "unknown_issuer": _("Cơ quan cấp “{issuer}” không có trong danh sách cơ quan cấp tin cậy "
                            "của nền tảng OCOP."),
        "unknown_key": _("Khoá ký không có trong danh sách khoá của {issuer}: chứng nhận số "
                         "không do cơ quan này cấp."),
        "compromised": _("Khoá ký của {issuer} đã bị báo lộ ngày {day}: chứng nhận số ký bằng "
                         "khoá này không còn đáng tin; hãy tải bản mới."),
        "signature": _("Chữ ký không hợp lệ: nội dung đã bị sửa hoặc không do {issuer} ký."),
        "not_yet": _("Chứng nhận số chưa có hiệu lực: hiệu lực từ ngày {day}."),
        "expired": _("Giấy chứng nhận đã hết hiệu lực: chỉ có giá trị đến hết ngày {day}."),
        "revoked": _("Giấy chứng nhận đã bị thu hồi (danh sách trạng thái của {issuer})."),
        "no_status": _("Chưa kiểm tra được việc thu hồi: máy này chưa lưu danh sách trạng thái "
                       "thu hồi. Hãy kết nối mạng và mở lại trang."),
        "bad_status": _("Danh sách trạng thái thu hồi đã lưu không tin cậy được."),
        "no_trust": _("Máy này chưa lưu danh sách khoá của các cơ quan cấp. Hãy kết nối mạng và "
                      "mở lại trang."),
        "qr_unreadable": _("Mã QR không chứa chứng nhận số đọc được."),
        "valid": _("Chứng nhận số hợp lệ"),
        "valid_detail": _("{product}: {stars} sao, giấy chứng nhận số {number}, do {issuer} "
                          "cấp, có giá trị đến hết ngày {day}."),
        "refused": _("Không chấp nhận"),
        "as_of": _("Tình trạng tính đến {day} (đang không có mạng: dùng danh sách đã lưu)."),
        "checked_now": _("Tình trạng thu hồi vừa kiểm tra với máy chủ."),
        "keys_saved": _("Đã lưu khoá của {count} cơ quan cấp trên máy này để kiểm tra khi mất "
                        "mạng (cập nhật {day})."),
        "empty": _("Hãy dán chứng nhận số hoặc chọn tệp trước."),
        "no_crypto": _("Trình duyệt này không hỗ trợ kiểm tra chữ ký (WebCrypto). Hãy dùng trình "
                       "duyệt mới hơn."),
        "schema": _("Nội dung không đúng mẫu UNTP DCC tại “{where}”: {what}"),
        "schema_ok": _("Nội dung đúng mẫu UNTP DCC (JSON Schema)."),
        "no_schema": _("Chưa kiểm tra được nội dung theo mẫu UNTP DCC: máy này chưa lưu mẫu. "
                       "Chữ ký và tình trạng thu hồi vẫn được kiểm tra."),
        "page_kept": _("Trang này đã được lưu trên máy: khi mất mạng vẫn mở lại được để kiểm "
                       "tra chứng nhận số."),
        "offline_copy": _("Không kết nối được máy chủ: trang, khoá và danh sách trạng thái thu "
                          "hồi đang dùng là bản đã lưu trên máy này."),
    }

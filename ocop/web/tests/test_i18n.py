"""The English interface: Vietnamese by default, English through the switch in the header (its
cookie; the API also honours Accept-Language), and a catalogue with every message translated
(docs/translation.md)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from ocop.accounts.models import Role
from ocop.accounts.testing import login_client, make_user
from ocop.criteria import selectors as criteria_selectors
from ocop.criteria import services as criteria_services
from ocop.jobs.testing import start_and_download
from ocop.registry.models import LegalForm, ProductGroup, ProductSet
from ocop.registry.testing import TAX_CODES, make_producer, make_product
from ocop.registry.tests.test_excel import check, producer_row, xlsx

PO_FILE = Path(settings.BASE_DIR) / "ocop" / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogue() -> Iterator[None]:
    """Compile the catalogue when the .mo is missing or older than the .po (``make test`` does
    it already; a bare ``pytest`` run would otherwise test a stale English interface)."""
    if not MO_FILE.exists() or MO_FILE.stat().st_mtime < PO_FILE.stat().st_mtime:
        call_command("compilemessages", locale=["en"], ignore_patterns=[".venv/*"], verbosity=0)
    # Entering override_settings(LOCALE_PATHS=…) fires Django's own cache reset, so catalogues
    # loaded earlier in this process are read again from the fresh .mo.
    with override_settings(LOCALE_PATHS=list(settings.LOCALE_PATHS)):
        yield


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def product(units):
    group = ProductGroup.objects.create(code="1", name_vi="Thực phẩm", name_en="Food")
    product_set = ProductSet.objects.create(code="1048-01", group=group,
                                            name_vi="Rau, củ, quả, hạt tươi")
    producer = make_producer("HTX Vải thiều Lục Ngạn", units.xa_luc_ngan, TAX_CODES[0])
    return make_product(producer, "Vải thiều sấy khô", product_set, shelf_life_days=365)


@pytest.fixture
def officer(units):
    return make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh, first_name="Trần Thị Bình")


# --- Language selection ---------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_vietnamese_by_default(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="vi">' in html
    assert "Tên đăng nhập" in html and "Mật khẩu" in html
    assert "Username" not in html


@pytest.mark.django_db
def test_pages_stay_vietnamese_for_an_english_browser(client):
    """Pages change language only through the switch, not the browser's Accept-Language."""
    html = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content
    assert '<html lang="vi">' in html.decode()


@pytest.mark.django_db
def test_login_page_in_english_by_the_switch_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in html
    assert "Username" in html and "Password" in html and "Sign in" in html
    assert "Tên đăng nhập" not in html
    # The switch offers the other language, named in that language.
    assert ">Tiếng Việt</button>" in html


@pytest.mark.django_db
def test_login_error_message_in_english(client):
    make_user(Role.CENTRAL, username="an")
    response = english(client).post(
        reverse("accounts:login"), {"username": "an", "password": "sai-mat-khau"}
    )
    assert "Incorrect username or password." in response.content.decode()


@pytest.mark.django_db
def test_set_language_switch_sets_the_cookie_and_redirects(client):
    login = reverse("accounts:login")
    response = client.post(reverse("set_language"), {"language": "en", "next": login})
    assert response.status_code == 302 and response.url == login
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Sign in" in client.get(login).content.decode()

    client.post(reverse("set_language"), {"language": "vi", "next": login})
    html = client.get(login).content.decode()
    assert '<html lang="vi">' in html and "Tên đăng nhập" in html


# --- Key pages in English -------------------------------------------------------------------


@pytest.mark.django_db
def test_home_in_both_languages(officer):
    client = login_client(officer)
    html = client.get(reverse("web:home")).content.decode()
    assert "Xin chào, Trần Thị Bình." in html and "Cơ quan thường trực tỉnh" in html

    html = english(client).get(reverse("web:home")).content.decode()
    assert "Hello, Trần Thị Bình." in html
    assert "Provincial standing office" in html  # the role label, a model choice
    assert ">Producers</a>" in html and ">Products</a>" in html and "Sign out" in html
    assert "Xin chào" not in html


@pytest.mark.django_db
def test_producer_list_in_english(officer, product):
    html = english(login_client(officer)).get(reverse("registry:producer_list")).content.decode()
    assert "OCOP producers" in html
    assert "1 producer" in html  # ngettext: singular
    assert "Export to Excel" in html and "Add producer" in html
    assert "HTX Vải thiều Lục Ngạn" in html  # data is never translated
    assert "Chủ thể OCOP" not in html


@pytest.mark.django_db
def test_product_detail_in_english(officer, product):
    client = english(login_client(officer))
    html = client.get(reverse("registry:product_detail", args=[product.pk])).content.decode()
    assert "In production and on sale" in html  # Product.Status label
    assert "Product set" in html and "Shelf life" in html and "365 days" in html
    assert "Not rated" in html
    assert "1. Food" in html  # the group's name_en from the classification data
    html = login_client(officer).get(
        reverse("registry:product_detail", args=[product.pk])
    ).content.decode()
    assert "Đang sản xuất, kinh doanh" in html and "Chưa xếp hạng" in html


@pytest.mark.django_db
def test_criteria_pages_in_english_use_the_sets_english_labels(client):
    criteria_services.load_shipped_sets()
    html = english(client).get(reverse("criteria:sheet_list")).content.decode()
    assert "Criteria sets for assessing and rating OCOP products" in html
    assert "OCOP score sheet under Decision 1048/QĐ-TTg" in html  # title_en of the set
    assert "Legal basis" in html and "Reconstructed; verify against the source" in html

    html = client.get(reverse("criteria:sheet", args=["1048-rau-cu-qua-hat-tuoi"]))
    html = html.content.decode()
    assert "Product and community strength" in html  # a part's label_en
    assert "Calculate score" in html and " points</span>" in html

    vi = Client().get(reverse("criteria:sheet_list")).content.decode()
    assert "Bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP" in vi


@pytest.mark.django_db
def test_live_score_result_in_english(client):
    """The htmx result: score labels in English, advice names each criterion (engine JSON)."""
    criteria_services.load_shipped_sets()
    code = "1048-rau-cu-qua-hat-tuoi"
    _row, criteria_set = criteria_selectors.load(code)
    # The lowest option everywhere: the result is below 3 stars, so advice lists changes.
    answers = {f"c-{c.code}": min(c.options, key=lambda o: o.points).code
               for c in criteria_set.criteria}
    html = english(client).post(reverse("criteria:sheet", args=[code]), answers,
                                HTTP_HX_REQUEST="true").content.decode()
    assert "How to reach a higher rating" in html and " points)" in html
    assert "Not yet eligible for certification (below 3 stars)" in html
    changed = re.findall(r"<li><strong>([^<]+)</strong> ([^<:]*):", html)
    assert changed, html
    for criterion_code, label in changed:
        criterion = criteria_set.criterion(criterion_code)
        # The set's English where it has one (the advice JSON itself is Vietnamese only).
        assert label == (criterion.label_en or criterion.label_vi)
    assert any(criteria_set.criterion(code).label_en for code, _label in changed)


@pytest.mark.django_db
def test_registry_validation_messages_follow_the_language(officer, units):
    client = english(login_client(officer))
    response = client.post(reverse("registry:producer_create"), {
        "legal_form": LegalForm.COOPERATIVE, "name": "HTX Thử", "tax_code": "0100109107",
        "commune": units.xa_luc_ngan.pk, "representative_name": "Lê Văn C",
        "employees": "10", "local_employees": "12", "members": "0", "status": "active",
    })
    html = response.content.decode()
    assert "Tax code “0100109107” has a wrong check digit (the 10th digit)." in html
    assert "The number of local workers cannot exceed the total number of workers." in html


@pytest.mark.django_db
def test_excel_export_stays_vietnamese_on_the_english_interface(
        officer, product, django_capture_on_commit_callbacks):
    """Headers and choice values are the file format: an English export imports anywhere."""
    _job, response = start_and_download(english(login_client(officer)),
                                        django_capture_on_commit_callbacks,
                                        reverse("registry:producer_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "Chủ thể"
    assert rows[0][1:4] == ("Mã số thuế", "Tên chủ thể", "Loại hình")
    assert rows[1][3] == "Hợp tác xã" and rows[1][4] == "Đang hoạt động"


@pytest.mark.django_db
def test_excel_import_reads_vietnamese_values_and_reports_in_english(
        officer, units, django_capture_on_commit_callbacks):
    """The check runs in a background job, in the requester's language."""
    client = english(login_client(officer))
    url = reverse("registry:producer_import")
    good = producer_row("2914177765", "HTX Na Lục Ngạn", **{"Loại hình": "Hợp tác xã"})
    # The on-screen English label is accepted too.
    also_good = producer_row("3170669072", "Hộ Bánh đa Kế", **{"Loại hình": "Household business"})
    bad = producer_row("0102100740", "HTX Sai", **{"Số lao động": "mười"})
    _job, response = check(client, django_capture_on_commit_callbacks, url,
                           xlsx([good, also_good]))
    assert response.context["result"]["ok"], response.context["result"]["rows"]
    job, response = check(client, django_capture_on_commit_callbacks, url, xlsx([bad]))
    messages = [e["message"] for r in response.context["result"]["rows"] for e in r["errors"]]
    assert messages == ["must be a whole number"]
    assert "1 error; nothing has been imported." in response.content.decode()
    detail = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "See the check result" in detail


@pytest.mark.django_db
def test_api_error_messages_follow_accept_language(client, units):
    url = "/api/v1/units/provinces/P99/communes"
    assert client.get(url).json() == {"code": "units.unknown_province", "fields": [],
                                      "message": "Không tìm thấy tỉnh/thành phố"}
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {"code": "units.unknown_province", "fields": [],
                               "message": "Province/city not found"}


# --- The catalogue --------------------------------------------------------------------------


def _unquote(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), text[1:-1])


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt/msgid/msgid_plural/msgstr[...] texts, flags, references.

    Enough of the format for the files makemessages writes (polib is not a dependency)."""
    entries: list[dict] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": set(), "refs": [], "msgstr": {}}
        key = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(","))
            elif line.startswith("#:"):
                entry["refs"].extend(line[2:].split())
            elif line.startswith("#"):
                continue
            elif m := re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line):
                key = m.group(1)
                target = entry["msgstr"] if key.startswith("msgstr") else entry
                target[key] = _unquote(m.group(2))
            elif line.startswith('"') and key:
                target = entry["msgstr"] if key.startswith("msgstr") else entry
                target[key] += _unquote(line)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def _label(entry: dict) -> str:
    where = entry["refs"][0] if entry["refs"] else "?"
    return f"{entry['msgid']!r} ({where})"


def test_po_parser_reads_plurals_contexts_and_continuations(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgctxt "danh sách"\nmsgid "Chủ "\n"thể"\n'
        'msgstr "Producers"\n\n'
        '#: b.html:2\nmsgid "%(n)s sao"\nmsgid_plural "%(n)s sao"\n'
        'msgstr[0] "%(n)s star"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    header, ctx, plural = parse_po(po)
    assert header["msgstr"]["msgstr"] == "Language: en\n"
    assert ctx["msgctxt"] == "danh sách" and ctx["msgid"] == "Chủ thể"
    assert ctx["flags"] == {"fuzzy", "python-format"} and ctx["refs"] == ["a.py:1"]
    assert plural["msgstr"] == {"msgstr[0]": "%(n)s star", "msgstr[1]": ""}


def test_english_catalogue_is_complete():
    """Every message has an English text and none is fuzzy (a guess msgmerge made that nobody
    checked). Run makemessages, translate, compile: see docs/translation.md."""
    entries = [e for e in parse_po(PO_FILE) if not e.get("obsolete")]
    header = next(e for e in entries if e["msgid"] == "")
    assert "fuzzy" not in header["flags"], "the header is still marked fuzzy"
    messages = [e for e in entries if e["msgid"]]
    assert len(messages) > 300
    untranslated = [_label(e) for e in messages if not all(e["msgstr"].values())]
    fuzzy = [_label(e) for e in messages if "fuzzy" in e["flags"]]
    assert not untranslated, f"{len(untranslated)} untranslated: " + "; ".join(untranslated[:20])
    assert not fuzzy, f"{len(fuzzy)} fuzzy: " + "; ".join(fuzzy[:20])


_PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfr]")


def _placeholders(text: str) -> set[str]:
    return {m.group(0) for m in _PLACEHOLDER.finditer(text)}


def test_english_keeps_every_placeholder():
    """A renamed %(name)s raises KeyError at run time; a dropped one loses the value. (A plural
    form may leave out the number, as in "one row", so plural forms only must not add any.)"""
    wrong = []
    for e in parse_po(PO_FILE):
        if not e["msgid"] or e.get("obsolete"):
            continue
        expected = _placeholders(e["msgid"]) | _placeholders(e.get("msgid_plural", ""))
        for text in e["msgstr"].values():
            found = _placeholders(text)
            if text and (found != expected if "msgid_plural" not in e else found - expected):
                wrong.append(_label(e))
    assert not wrong, "placeholders differ: " + "; ".join(wrong)


# Tone marks in "oa", "oe" and "uy" ending a syllable: the interface puts the mark on the main
# vowel (hoá, khoá, xoá, hoà, khoẻ, huỷ, thuỷ), the spelling most of it used already. "quy" is
# not such a syllable (its "u" belongs to "qu"), so "quý" is right either way.
_OTHER_TONE_PLACEMENT = re.compile(r"\w*(?<![qQ])(?:[óòỏõọÓÒỎÕỌ][aAeE]|[úùủũụÚÙỦŨỤ][yY])(?!\w)")
# The criteria sets' status badge names what the shipped sets call themselves ("minh họa" in
# every illustrative YAML; those files are versioned data and keep their source's spelling).
_SPELLING_AS_IN_DATA = {"Minh họa, không chính thức"}


def test_one_tone_mark_placement_in_the_interface():
    mixed = [f"{match.group(0)!r} in {_label(e)}" for e in parse_po(PO_FILE)
             if e["msgid"] and not e.get("obsolete") and e["msgid"] not in _SPELLING_AS_IN_DATA
             for text in (e["msgid"], e.get("msgid_plural", ""))
             for match in _OTHER_TONE_PLACEMENT.finditer(text)]
    assert not mixed, "write the tone mark on the main vowel (hoá, not hóa): " + "; ".join(mixed)

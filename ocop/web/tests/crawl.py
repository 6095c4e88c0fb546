"""A bounded same-site crawler over the pages one account can reach (used by the crawl tests).

It starts from the home page, follows every same-site ``<a href>`` with GET, and visits at most
``per_pattern`` addresses of one *shape* (digits and codes replaced, query keys sorted), so every
kind of page is seen without walking all 45 certificates or 300 producers.
"""

from __future__ import annotations

import os
import re
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit

from django.conf import settings
from django.test import Client, override_settings

from ocop.demo.whole import build_whole_demo

# Marker for TEMPLATES OPTIONS string_if_invalid in the crawl: it lands in the HTML wherever a
# template variable does not resolve, naming the variable.
UNRESOLVED = "⟦unresolved:%s⟧"
UNRESOLVED_RE = re.compile(r"⟦unresolved:([^⟧]*)⟧")

# Never followed: actions that change the session (language switch, logout are POST anyway),
# Django's own admin (its templates rely on silent missing variables), the API (JSON, covered by
# its own tests and the schema fuzzing) and the media files of uploads.
SKIP_PREFIXES = ("/i18n/", "/dang-xuat/", "/quan-tri/", "/api/", "/media/", "/static/")
# PDF downloads are rendered by WeasyPrint (a sheet of 150 stamps takes half a minute) and are
# tested by their own apps; the crawl only checks the pages that link to them.
SKIP_SUFFIXES = ("/pdf", ".pdf")

# English words that have leaked into Vietnamese pages before: Django's untranslated defaults,
# Python values printed as-is, and leftovers of templates written in English. Whole words, case
# sensitive, looked for in the visible text only (not in attributes nor in lang="en" elements).
ENGLISH_LEFTOVERS = (
    "Select an option", "no answer given", "Number", "days", "day", "hours", "minutes",
    "Django", "Home", "Log out", "Log in", "Login", "Logout", "Search", "Submit", "Save",
    "Cancel", "Delete", "Edit", "Previous", "Next", "Page", "of", "None", "True", "False",
    "Yes", "No", "Error", "Required", "This field is required", "Download", "Back",
    "Status", "Date", "Name", "Total", "Score", "Details", "Actions", "Filter",
    "January", "February", "March", "April", "June", "July", "August", "September",
    "October", "November", "December", "Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.", "a.m.", "p.m.", "ago", "Menu",
)
_ENGLISH_RE = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(w) for w in ENGLISH_LEFTOVERS) + r")(?![\w])"
)


# The provinces the demo's accounts and cycles live in (today's Hà Nội and Bắc Ninh, old Bắc Giang
# and Bắc Ninh): the whole map would add time and no page.
DEMO_UNITS = "01,24,27"


# Stands in for the council minutes that WeasyPrint would render for each result (3 s apiece, most
# of the demo's build time); the PDFs have their own tests and the crawl does not open them.
PLACEHOLDER_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build_demo() -> None:
    """What ``manage.py demo`` builds (the same function), on the demo's provinces only, with
    cheap password hashes and placeholder minutes."""
    fast_hash = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (override_settings(PASSWORD_HASHERS=fast_hash), open(os.devnull, "w") as quiet,
          mock.patch("ocop.evaluation.services.minutes_pdf", return_value=PLACEHOLDER_PDF)):
        build_whole_demo(quiet, units_subset=DEMO_UNITS)


def strict_templates() -> override_settings:
    """Templates that print UNRESOLVED wherever a variable does not resolve."""
    templates = [{**engine, "OPTIONS": {**engine["OPTIONS"], "string_if_invalid": UNRESOLVED}}
                 for engine in settings.TEMPLATES]
    return override_settings(TEMPLATES=templates)


def shape(path_and_query: str) -> str:
    """The address with its variable parts generalised: ``/ho-so/12/`` → ``/ho-so/#/``."""
    parts = urlsplit(path_and_query)
    path = re.sub(r"\d+", "#", parts.path)
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


class _PageParser(HTMLParser):
    """Links and the visible text of a page, leaving out what is not Vietnamese UI text: scripts,
    styles, elements marked lang="en" (the language switch) and the values of audit entries
    (``td.changes``: stored data and codes, which the audit sentences will replace)."""

    _VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                       "meta", "source", "track", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self.ids: Counter[str] = Counter()  # a label or an aria reference finds the first only
        self.headings = 0  # <h1>: one per page says what the page is
        self._skip_tag: str | None = None  # the element whose content is left out, and
        self._skip_depth = 0  # how many of its kind are open (other tags may stay unclosed)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids[values["id"] or ""] += 1
        self.headings += tag == "h1"
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if self._skip_tag is not None:
            self._skip_depth += tag == self._skip_tag
        elif tag not in self._VOID and (tag in ("script", "style") or values.get("lang") == "en"
              or "changes" in (values.get("class") or "").split()):
            self._skip_tag, self._skip_depth = tag, 1

    def handle_endtag(self, tag: str) -> None:
        if tag == self._skip_tag:
            self._skip_depth -= 1
            if self._skip_depth == 0:
                self._skip_tag = None

    def handle_data(self, data: str) -> None:
        if self._skip_tag is None:
            self.text.append(data)


@dataclass
class Visit:
    url: str
    status: int
    content_type: str
    source: str  # the page whose link led here ("" for a start page)
    problems: list[str] = field(default_factory=list)
    html: str = ""


@dataclass
class CrawlResult:
    visits: list[Visit]

    @property
    def problems(self) -> list[str]:
        return [f"{v.url} (từ {v.source or 'đầu'}): {p}" for v in self.visits for p in v.problems]

    @property
    def server_errors(self) -> list[str]:
        return [f"{v.url} (từ {v.source or 'đầu'}): HTTP {v.status}" for v in self.visits
                if v.status >= 500]

    def html_pages(self) -> list[str]:
        return [v.url for v in self.visits if v.status == 200 and v.content_type == "text/html"]


def inspect_html(html: str, *, vietnamese: bool) -> tuple[list[str], list[str]]:
    """Links on the page and its problems: unresolved variables, English UI words, an id used
    twice, not exactly one <h1>."""
    parser = _PageParser()
    parser.feed(html)
    problems = [f"biến mẫu không có giá trị: {name}" for name in UNRESOLVED_RE.findall(html)]
    problems += [f"id lặp lại: {key!r}" for key, n in sorted(parser.ids.items()) if n > 1]
    if parser.headings != 1:
        problems.append(f"{parser.headings} thẻ h1 (cần đúng một)")
    if vietnamese:
        text = " ".join(" ".join(parser.text).split())
        for word in sorted(set(_ENGLISH_RE.findall(text))):
            at = text.find(word)
            problems.append(f"từ tiếng Anh {word!r}: …{text[max(0, at - 40):at + 40]}…")
    return parser.links, problems


def crawl(client: Client, *, start: Iterable[str] = ("/",), limit: int = 400,
          per_pattern: int = 2, within: str = "/",
          skip: tuple[str, ...] = SKIP_PREFIXES) -> CrawlResult:
    """GET every same-site page under ``within`` reachable from ``start`` (bounded), checking
    each one; addresses starting with one of ``skip`` are not followed."""
    queue: deque[tuple[str, str]] = deque((url, "") for url in start)
    seen: set[str] = set(start)
    per_shape: Counter[str] = Counter(shape(u) for u in seen)
    visits: list[Visit] = []
    while queue and len(visits) < limit:
        url, source = queue.popleft()
        try:
            response = client.get(url)
        except Exception as exc:  # the test client re-raises a view's exception: a 500
            visits.append(Visit(url, 500, "", source,
                                [f"lỗi máy chủ: {type(exc).__name__}: {exc}"]))
            continue
        content_type = response.get("Content-Type", "").split(";")[0]
        visit = Visit(url, response.status_code, content_type, source)
        visits.append(visit)
        if response.status_code >= 500:
            visit.problems.append(f"HTTP {response.status_code}")
        elif response.status_code in (403, 404):
            # Reached by a link on a page this account sees: the link should not be there.
            visit.problems.append(f"liên kết tới trang bị từ chối: HTTP {response.status_code}")
        if response.status_code in (301, 302, 303, 307, 308):
            links = [response["Location"]]
        elif content_type == "text/html" and not response.streaming:
            visit.html = response.content.decode()
            vietnamese = '<html lang="vi"' in visit.html
            links, page_problems = inspect_html(visit.html, vietnamese=vietnamese)
            visit.problems += page_problems
        else:
            links = []
        for link in links:
            target = _same_site(url, link)
            if (target is None or target in seen or not target.startswith(within)
                    or target.startswith(skip) or urlsplit(target).path.endswith(SKIP_SUFFIXES)):
                continue
            seen.add(target)
            key = shape(target)
            if per_shape[key] >= per_pattern:
                continue
            per_shape[key] += 1
            queue.append((target, url))
    return CrawlResult(visits)


def _same_site(base: str, link: str) -> str | None:
    absolute = urlsplit(urljoin("http://testserver" + base, urldefrag(link).url))
    if absolute.scheme not in ("http", "https") or absolute.netloc != "testserver":
        return None
    query = urlencode(parse_qsl(absolute.query, keep_blank_values=True))
    return absolute.path + (f"?{query}" if query else "")

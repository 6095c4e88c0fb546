"""Markdown to HTML that is safe to show to anyone.

Officers write in Markdown; the text is turned into HTML by Python-Markdown and then cleaned by
nh3 (the Rust ammonia sanitiser) against an allow-list: no script, no style, no event attribute,
no image from elsewhere (the site's CSP would block it anyway), links only to http(s) and mailto
and opened without handing over the page (``rel="noopener noreferrer nofollow"``).
"""

from __future__ import annotations

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = frozenset({
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "a",
    "table", "thead", "tbody", "tr", "th", "td",
})
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def render(text: str) -> SafeString:
    # A lone surrogate cannot come through a form, but would make the sanitiser raise.
    text = text.encode("utf-8", "replace").decode("utf-8")
    html = md.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    # Headings start at h2: the page's own h1 is the article's title.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return mark_safe(nh3.clean(
        html, tags=set(TAGS), attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES), link_rel="noopener noreferrer nofollow"))

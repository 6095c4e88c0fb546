"""Markdown from an office becomes HTML that cannot run anything in a reader's browser."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ocop.news.markdown import render


def test_formatting_survives():
    html = render("# Lịch\n\n**đậm** *nghiêng*\n\n- một\n- hai\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
                  "\n[Cổng OCOP](https://ocop.gov.vn)")
    assert "<h2>Lịch</h2>" in html and "<h1>" not in html
    assert "<strong>đậm</strong>" in html and "<em>nghiêng</em>" in html
    assert "<li>một</li>" in html and "<td>1</td>" in html
    assert '<a href="https://ocop.gov.vn" rel="noopener noreferrer nofollow">Cổng OCOP</a>' in html


def test_scripts_handlers_and_foreign_links_are_removed():
    html = render('<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n'
                  '[bấm](javascript:alert(3)) <a href="#" onclick="alert(4)">x</a>\n\n'
                  '<style>body{}</style><iframe src="https://evil.example"></iframe>')
    assert "alert(1)" not in html and "<script" not in html
    assert "<img" not in html and "onerror" not in html and "onclick" not in html
    assert "javascript:" not in html and "<iframe" not in html and "<style" not in html


_HANDLER = re.compile(r"<[^>]*\son\w+\s*=", re.IGNORECASE)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('<>"\'=/ :onerrorscriptjavahrefa[]()!*#-\n'))
               | st.characters(), max_size=200))
def test_no_input_yields_a_script_or_an_event_handler(text):
    html = render(text).lower()
    assert "<script" not in html
    assert not _HANDLER.search(html)
    assert "javascript:" not in re.sub(r">[^<]*<", "><", html)  # outside text nodes

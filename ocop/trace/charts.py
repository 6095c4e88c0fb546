"""A plain SVG bar chart (scans per day).

Hand-written rather than pygal: pygal's SVG carries an inline <style> element and a script link,
which the Content-Security-Policy (style-src/script-src 'self') blocks. Presentation attributes
(fill, font-size) are not styles and pass.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT, PAD = 640, 200, 12


def scans_chart(rows: list[dict[str, Any]]) -> SafeString:
    if not rows:
        return mark_safe("")
    top = max(r["n"] for r in rows) or 1
    step = (WIDTH - 2 * PAD) / len(rows)
    bars = []
    for i, row in enumerate(rows):
        h = (HEIGHT - 2 * PAD) * row["n"] / top
        x = PAD + i * step
        y = HEIGHT - PAD - h
        label = escape(f"{row['day']:%d/%m}: {row['n']}")
        bars.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(step - 2, 1):.1f}" '
                    f'height="{h:.1f}" fill="#b71c1c"><title>{label}</title></rect>')
    first, last = rows[0]["day"], rows[-1]["day"]
    # The height of the tallest bar, in words: the axis has no scale of its own.
    peak = _("Cao nhất: %(n)s lượt/ngày") % {"n": number_format(top)}  # as the table below
    # The words are HTML below the drawing, not SVG text: the drawing scales to the column, and
    # on a 390 px phone its 11-unit text shrank to about 6 px.
    return mark_safe(  # numbers and escaped labels only
        f'<figure class="scan-chart"><svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(_("Lượt quét theo ngày"))}">'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        f'stroke="#5b636b"/>{"".join(bars)}</svg>'
        f'<figcaption><span>{first:%d/%m/%Y}</span><span>{escape(peak)}</span>'
        f'<span>{last:%d/%m/%Y}</span></figcaption></figure>'
    )

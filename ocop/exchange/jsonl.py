"""JSON Lines batches of exchange records (the export's lines, or feed entries), as the API and
the staff page's upload read them: one JSON object a line, blank lines ignored, each record
marked with its line number (``_row``) for the report."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from ocop.api.errors import BadRequest

MAX_ROWS = 50_000


def parse(body: bytes, *, limit: int | None = None) -> list[dict[str, Any]]:
    """The records of ``body``; a batch that cannot be read at all (too large, not UTF-8, a line
    that is not a JSON object, too many lines) is refused whole, naming the first bad line."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE if limit is None else limit
    if len(body) > limit:
        raise BadRequest(_("Lô dữ liệu quá lớn (tối đa %(mb)d MB); hãy chia thành nhiều lô.")
                         % {"mb": limit // (1024 * 1024)}, code="exchange.too_large")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest(_("Lô dữ liệu không phải văn bản UTF-8."),
                         code="exchange.not_utf8") from None
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            raise BadRequest(_("Dòng %(n)d không phải JSON hợp lệ.") % {"n": number},
                             code="exchange.bad_line") from None
        if not isinstance(row, dict):
            raise BadRequest(_("Dòng %(n)d phải là một đối tượng JSON.") % {"n": number},
                             code="exchange.bad_line")
        row["_row"] = number
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise BadRequest(_("Lô dữ liệu quá nhiều dòng (tối đa %(n)d).") % {"n": MAX_ROWS},
                             code="exchange.too_many")
    return rows

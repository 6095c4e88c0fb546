"""The one pagination of the API's lists: ``?page=…&page_size=…`` in, and out

    {"count": 123, "page": 2, "page_size": 20, "results": [...]}

``count`` is the total over all pages. A page past the end answers an empty ``results``; ``page``
and ``page_size`` out of their bounds (ocop/api/types.py) are a 422 naming the field, never
clamped. A router declares ``class ThingPage(PageOut): results: list[ThingOut]`` (its own
component name in OpenAPI), takes ``PageParams`` (or a schema that extends it) from the query
and returns ``paginate(queryset, params)``.

The EPCIS event query is the exception: it pages as the EPCIS standard says (``perPage``,
``nextPageToken`` and a ``Link`` header), see docs/epcis.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from ninja import Schema

from ocop.api.types import Page, PageSize


class PageParams(Schema):
    page: Page = 1
    page_size: PageSize = settings.PAGE_SIZE


class PageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[Any]


def paginate(qs: QuerySet, params: PageParams) -> dict[str, Any]:
    start = (params.page - 1) * params.page_size
    return {"count": qs.count(), "page": params.page, "page_size": params.page_size,
            "results": list(qs[start:start + params.page_size])}

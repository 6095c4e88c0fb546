"""The opendata app's JSON API (mounted by ocop/api/urls.py): where the newest release is."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from ocop.api.errors import refusals
from ocop.core.refusals import NotFound
from ocop.opendata import package, selectors
from ocop.opendata.views import PAGE_CACHE_CONTROL

router = Router(tags=["opendata"])


class OpenDataFileOut(Schema):
    name: str
    url: str = Field(description="Địa chỉ cố định của tệp (luôn là bản mới nhất)")
    bytes: int
    sha256: str


class OpenDataReleaseOut(Schema):
    as_of: date = Field(description="Tình trạng giấy chứng nhận tính đến ngày này")
    built_at: datetime
    counts: dict[str, int] = Field(description="Số dòng của mỗi tập dữ liệu")
    files: list[OpenDataFileOut]


@router.get("/release", auth=None, response={200: OpenDataReleaseOut, **refusals(404)},
            summary="Bản dữ liệu mở mới nhất (công khai)")
def latest_release(request: HttpRequest, response: HttpResponse):
    release = selectors.latest_release()
    if release is None:
        raise NotFound(_("Dữ liệu mở chưa được lập. Hãy quay lại sau."), code="opendata.none")
    response["Cache-Control"] = PAGE_CACHE_CONTROL
    return {"as_of": release.as_of, "built_at": release.built_at, "counts": release.counts,
            "files": [{"name": f.name, "url": package.file_url(f.name), "bytes": f.size,
                       "sha256": f.sha256} for f in release.files.all()]}

"""Bounded types for API parameters and bodies, so that a value the database cannot hold is
refused with a 422 naming the field instead of failing deep in the database driver (an integer
over 64 bits overflows SQLite and PostgreSQL; a huge page number overflows SQLite's OFFSET)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, ValidationInfo, field_validator

# Primary keys are BigAutoField: 1 … 2**63 - 1.
DB_ID_MAX = 2**63 - 1
# Past this page a client is scanning, not browsing; it also keeps OFFSET far below 2**63.
API_MAX_PAGE = 100_000
# PositiveIntegerField holds 0 … 2**31 - 1 on PostgreSQL.
COUNT_MAX = 2**31 - 1

DbId = Annotated[int, Field(ge=1, le=DB_ID_MAX, description="Mã (số nguyên dương)")]
Page = Annotated[int, Field(ge=1, le=API_MAX_PAGE,
                            description=f"Trang, bắt đầu từ 1 (tối đa {API_MAX_PAGE})")]
PageSize = Annotated[int, Field(ge=1, le=settings.API_MAX_PAGE_SIZE,
                                description="Số dòng mỗi trang "
                                            f"(tối đa {settings.API_MAX_PAGE_SIZE})")]
Count = Annotated[int, Field(ge=0, le=COUNT_MAX)]

# Dates of this domain (registrations, harvests, shipments, validity, decisions) fall within
# these years; year 1 with a +07:00 offset is year 0 in UTC, which no datetime can hold.
YEARS = (1900, 2100)


def _plausible_year(value: date) -> date:
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise ValueError(_("Năm phải trong khoảng %(first)s–%(last)s.")
                         % {"first": YEARS[0], "last": YEARS[1]})
    return value


PlausibleDate = Annotated[date, AfterValidator(_plausible_year)]
PlausibleDateTime = Annotated[datetime, AfterValidator(_plausible_year)]


class PatchSchema(Schema):
    """A partial update: only the fields sent are changed, so a field left out is ``None``; but a
    field *sent* as ``null`` must be one the model allows empty (listed in ``nullable``),
    otherwise it is refused here with a 422 naming it, not deep in the service."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _no_null_for_required(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise ValueError(_("Trường này không được để trống (null)."))
        return value

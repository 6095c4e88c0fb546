"""Planting-area codes (mã số vùng trồng).

Decision 3156/QĐ-BNN-TT (2022) lays the code out as VN – province – district – commune – facility
sequence – 2-digit year, with the administrative codes of Decision 124/2004/QĐ-TTg: the codes of
the units *before* 1 July 2025 (``LP``/``LD``/``LC`` rows). Such a code is checked against the
unit table: the three units must exist and nest (commune in district in province).

How the layout adapts after districts were abolished in 2025 is not published (ocop-facts.md §5:
NOT FOUND). The platform therefore reads the layouts from ``settings.TRACE_ZONE_CODE_LAYOUTS``;
the default adds a provisional current-era layout VN – province – commune – sequence – year on the
current units (``P``/``C`` rows). A province that learns the official layout changes the setting,
not the code.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.units.models import Unit
from ocop.units.names import official_name

DEFAULT_LAYOUTS: list[dict[str, str]] = [
    {
        "name": "3156/QĐ-BNN-TT (trước 01/07/2025)",
        "era": "legacy",
        "pattern": r"^VN-(?P<province>\d{2})-(?P<district>\d{3})-(?P<commune>\d{5})"
                   r"-(?P<seq>\d{1,4})-(?P<year>\d{2})$",
    },
    {
        "name": "Tạm thời sau sắp xếp 2025 (tỉnh – xã)",
        "era": "current",
        "pattern": r"^VN-(?P<province>\d{2})-(?P<commune>\d{5})-(?P<seq>\d{1,4})-(?P<year>\d{2})$",
    },
]


class ZoneCodeError(ValueError):
    pass


# One complete sentence per level, so a translation never assembles it from fragments.
_MISSING = {
    "province": gettext_lazy("Mã tỉnh '%(code)s' không có trong danh mục đơn vị hành chính "
                             "(%(layout)s)."),
    "district": gettext_lazy("Mã huyện '%(code)s' không có trong danh mục đơn vị hành chính "
                             "(%(layout)s)."),
    "commune": gettext_lazy("Mã xã '%(code)s' không có trong danh mục đơn vị hành chính "
                            "(%(layout)s)."),
}


@dataclass(frozen=True)
class ZoneCode:
    code: str
    layout: str
    commune: Unit


def layouts() -> list[dict[str, str]]:
    return getattr(settings, "TRACE_ZONE_CODE_LAYOUTS", DEFAULT_LAYOUTS)


def _keys(era: str, parts: dict[str, Any]) -> dict[str, str]:
    if era == "legacy":
        return {"province": "LP" + parts["province"], "district": "LD" + parts["district"],
                "commune": "LC" + parts["commune"]}
    return {"province": "P" + parts["province"], "commune": "C" + parts["commune"]}


def parse(code: str) -> ZoneCode:
    """The code's layout and commune, or ZoneCodeError naming what does not match."""
    code = (code or "").strip().upper()
    for layout in layouts():
        found = re.match(layout["pattern"], code)
        if not found:
            continue
        keys = _keys(layout["era"], found.groupdict())
        units = Unit.objects.in_bulk(list(keys.values()))
        for level, key in keys.items():
            if key not in units:
                raise ZoneCodeError(_MISSING[level] % {"code": key[-5:].lstrip("CDP"),
                                                       "layout": layout["name"]})
        commune = units[keys["commune"]]
        chain = [units[keys[k]] for k in ("commune", "district", "province") if k in keys]
        for child, parent in itertools.pairwise(chain):
            if child.parent_id != parent.pk:
                raise ZoneCodeError(_("%(child)s không thuộc %(parent)s.")
                                    % {"child": child.full_name,
                                       "parent": official_name(parent, lowercase_type=True)})
        return ZoneCode(code, layout["name"], commune)
    raise ZoneCodeError(_(
        "Mã số vùng trồng sai định dạng: cần VN-<tỉnh>-<huyện>-<xã>-<số thứ tự>-<năm>, "
        "ví dụ VN-24-219-07591-001-23."
    ))

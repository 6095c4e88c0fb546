"""Official names and addresses of administrative units: the one source every page, PDF and
account uses.

Decree 30/2020/NĐ-CP (Appendix II) writes the type of a unit in lower case inside a sentence
("xã Lục Ngạn, tỉnh Bắc Ninh") and capitalises only the proper name; the stored ``full_name``
("Xã Lục Ngạn") is the form that starts a line. Use ``official_name(unit, lowercase_type=True)``
mid-sentence and ``full_address`` for a whole address.

A unit's type can change without the unit changing: three provinces of the 2025 map became
centrally-run cities in 2026. The loaded names (``vietnam-provinces`` 2026.9.0) are today's; a
document keeps the name of the day it was signed, so every function takes ``on``.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.units.models import Unit

# Key → (first day under today's type, the type word before that day). Sources: the data of
# vietnam-provinces 2026.9.0 and vietnamese-provinces-database v5.2.0 (Nghị quyết 30/2026/QH16,
# 36/2026/QH16, 39/2026/QH16 as they cite them); not checked against the resolutions' text here.
TYPE_CHANGES: dict[str, tuple[date, str]] = {
    "P75": (date(2026, 4, 30), "Tỉnh"),  # thành phố Đồng Nai
    "P22": (date(2026, 9, 1), "Tỉnh"),  # thành phố Quảng Ninh
    "P24": (date(2026, 9, 20), "Tỉnh"),  # thành phố Bắc Ninh
}


def unit_type(unit: Unit, on: date | None = None) -> str:
    """The type word as it starts a line on ``on`` (default today): "Tỉnh", "Thành phố", "Xã"."""
    change = TYPE_CHANGES.get(unit.key)
    if change is not None and (on or timezone.localdate()) < change[0]:
        return change[1]
    if unit.full_name.endswith(" " + unit.name):
        return unit.full_name[: -len(unit.name) - 1]
    return ""


def official_name(unit: Unit, *, on: date | None = None, lowercase_type: bool = False) -> str:
    """"Tỉnh Bắc Ninh" / "tỉnh Bắc Ninh" (``lowercase_type``, for the middle of a sentence) as
    the unit was called on ``on`` (default today)."""
    kind = unit_type(unit, on)
    if not kind:
        return unit.full_name[:1].lower() + unit.full_name[1:] if lowercase_type else unit.full_name
    return f"{kind.lower() if lowercase_type else kind} {unit.name}"


def _chain(unit: Unit, on: date | None) -> str:
    names = []
    node: Unit | None = unit
    while node is not None:
        names.append(official_name(node, on=on, lowercase_type=True))
        node = node.parent
    return ", ".join(names)


def full_address(unit: Unit | None, *, legacy: bool = True, on: date | None = None) -> str:
    """The administrative address of ``unit``, types in lower case, as of ``on`` (default today).

    - current unit: "xã Lục Ngạn, tỉnh Bắc Ninh";
    - pre-2025 unit with ``legacy`` (the default): the address as it was written then, and where
      that is now: "xã Đồng Cốc, huyện Lục Ngạn, tỉnh Bắc Giang (nay là xã Lục Ngạn, tỉnh Bắc
      Ninh)"; a district or province that has no single successor "(nay thuộc tỉnh Bắc Ninh)";
    - pre-2025 unit without ``legacy``: only today's address ("xã Lục Ngạn, tỉnh Bắc Ninh").

    Capitalise the first letter (``|capfirst``) where the address starts a line. No query when
    the unit was fetched with ``select_related(*selectors.address_related(...))``.
    """
    if unit is None:
        return ""
    if unit.is_current:
        return _chain(unit, on)
    commune, province = unit.current_commune, unit.current_province
    # Today's commune lies in the unit's current province: no need to walk its parents.
    today = ", ".join(official_name(u, on=on, lowercase_type=True)
                      for u in (commune, province) if u is not None)
    if not legacy:
        return today
    if not today:
        return _chain(unit, on)
    return f"{_chain(unit, on)} ({'nay là' if commune is not None else 'nay thuộc'} {today})"


# The province the platform's examples are about when a deployment has not named its own (the
# agency page and the open data's publisher before OCOP_AGENCY_NAME is set): Bắc Giang's plan,
# merged into Bắc Ninh in 2025.
EXAMPLE_PROVINCE = "P24"


def example_province(*, on: date | None = None) -> str:
    """"thành phố Bắc Ninh" as the example province is called on ``on`` (default today), for the
    middle of a sentence; its 2025 name if the units are not loaded."""
    unit = Unit.objects.filter(pk=EXAMPLE_PROVINCE).only("key", "name", "full_name").first()
    return official_name(unit, on=on, lowercase_type=True) if unit else "tỉnh Bắc Ninh"


def example_agency_name(province: str = "") -> str:
    """The example province's OCOP standing office, named as the example province is today
    (``province``: ``example_province()`` already read)."""
    return _("Văn phòng Điều phối Chương trình xây dựng nông thôn mới %(province)s (cơ quan "
             "thường trực Chương trình OCOP)") % {"province": province or example_province()}

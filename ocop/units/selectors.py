"""Reads of administrative units. Units are public reference data: no jurisdiction filter here;
other apps scope their own rows through ``ocop.accounts.jurisdiction``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from ocop.core.text import fold
from ocop.units.models import Unit

# What names.full_address() and resolve() walk. Select these (prefixed with the path to the unit,
# see address_related) and both run without a query.
ADDRESS_RELATED = ("parent__parent", "current_commune", "current_province")


def address_related(prefix: str = "") -> list[str]:
    """select_related paths for rendering the address of the unit at ``prefix``.

    ``Producer.objects.select_related(*address_related("commune"))``.
    """
    return [f"{prefix}__{p}" if prefix else p for p in ADDRESS_RELATED]


def provinces() -> QuerySet[Unit]:
    """The 34 current provinces, in alphabetical order (ignoring diacritics)."""
    return Unit.objects.filter(era=Unit.Era.CURRENT, level=Unit.Level.PROVINCE).order_by(
        "search_name"
    )


def communes(province_key: str) -> QuerySet[Unit]:
    """Current communes/wards of a current province."""
    return Unit.objects.filter(
        era=Unit.Era.CURRENT, level=Unit.Level.COMMUNE, parent_id=province_key
    ).order_by("search_name")


def commune_choices() -> QuerySet[Unit]:
    """Every commune-level unit of either era (what a stored commune FK may point at)."""
    return Unit.objects.filter(level=Unit.Level.COMMUNE)


def legacy_provinces() -> QuerySet[Unit]:
    return Unit.objects.filter(era=Unit.Era.LEGACY, level=Unit.Level.PROVINCE).order_by(
        "search_name"
    )


def legacy_districts(legacy_province_key: str) -> QuerySet[Unit]:
    return Unit.objects.filter(
        era=Unit.Era.LEGACY, level=Unit.Level.DISTRICT, parent_id=legacy_province_key
    ).order_by("search_name")


def legacy_communes(legacy_district_key: str) -> QuerySet[Unit]:
    return Unit.objects.filter(
        era=Unit.Era.LEGACY, level=Unit.Level.COMMUNE, parent_id=legacy_district_key
    ).order_by("search_name")


def legacy_communes_of_province(legacy_province_key: str) -> QuerySet[Unit]:
    return Unit.objects.filter(
        era=Unit.Era.LEGACY, level=Unit.Level.COMMUNE, parent__parent_id=legacy_province_key
    ).order_by("search_name")


def get_unit(key: str) -> Unit | None:
    """One unit with what its address needs, or None."""
    return Unit.objects.select_related(*ADDRESS_RELATED).filter(key=key).first()


def search(text: str, *, era: str | None = Unit.Era.CURRENT, limit: int = 20) -> QuerySet[Unit]:
    """Units whose name contains ``text``, ignoring case and diacritics ("luc ngan")."""
    qs = Unit.objects.filter(search_name__contains=fold(text))
    if era:
        qs = qs.filter(era=era)
    return qs.order_by("level", "search_name")[:limit]


@dataclass(frozen=True)
class Resolution:
    """Where a unit of either era lies today."""

    commune: Unit | None  # None for provinces and for districts that became several communes
    province: Unit


def resolve(unit: Unit) -> Resolution:
    """Today's commune and province of ``unit``. No query if ADDRESS_RELATED was selected.

    A legacy commune that was split resolves to its principal successor (the one that received
    its main part); every successor is in ``unit.successions``.
    """
    return Resolution(commune=unit.current_commune, province=unit.current_province)

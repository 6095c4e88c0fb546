from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from ocop.core.text import fold
from ocop.units.models import Succession, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """Reference data, loaded by ``manage.py load_units``: viewable and searchable, not editable
    by hand (a hand edit would be overwritten by the next load and bypass the audit entry)."""

    list_display = ("key", "full_name", "era", "level", "parent", "current_province")
    list_filter = ("era", "level")
    list_select_related = ("parent", "current_province")
    search_fields = ("key", "code", "search_name")
    ordering = ("key",)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        # search_name is folded (no diacritics): fold the term so "Lục Ngạn" and "luc ngan" match.
        return super().get_search_results(request, queryset, fold(search_term))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Succession)
class SuccessionAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "effective_date", "note")
    list_select_related = ("predecessor", "successor")
    search_fields = ("predecessor__key", "successor__key", "predecessor__search_name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

from django.apps import apps
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ocop.audit.models import AuditEntry
from ocop.audit.sentences import action_label, sentence_for


class _CodeFilter(admin.SimpleListFilter):
    """A filter on a stored code (the log keeps codes: they are hashed and must not change with
    the language) whose choices read as words. The codes are those present in the log, as
    Django's own filter on the field would list them."""

    field = ""

    def label(self, code: str) -> str:
        raise NotImplementedError

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        codes = (model_admin.get_queryset(request).order_by().values_list(self.field, flat=True)
                 .distinct())
        return sorted(((code, self.label(code)) for code in codes if code),
                      key=lambda choice: choice[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset.filter(**{self.field: value}) if value else queryset


class ActionFilter(_CodeFilter):
    title = _("thao tác")
    parameter_name = field = "action"

    def label(self, code: str) -> str:
        return action_label(code)


class ObjectTypeFilter(_CodeFilter):
    title = _("loại đối tượng")
    parameter_name = field = "object_type"

    def label(self, code: str) -> str:
        try:
            return capfirst(str(apps.get_model(code)._meta.verbose_name))
        except (LookupError, ValueError):
            return code  # not a model ("demo"): the code is all there is


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only and written only by ocop.audit.services.record."""

    list_display = ("id", "created_at", "actor_label", "sentence", "action", "object_repr")
    list_filter = (ActionFilter, ObjectTypeFilter)
    search_fields = ("actor_label", "object_id", "object_repr", "hash")
    date_hierarchy = "created_at"
    list_select_related = ("actor",)
    actions = None

    @admin.display(description=_("Thao tác"))
    def sentence(self, entry: AuditEntry) -> str:
        return sentence_for(entry.action, entry.actor, entry.object_repr)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

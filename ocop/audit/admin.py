from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ocop.audit.models import AuditEntry
from ocop.audit.sentences import sentence_for


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only and written only by ocop.audit.services.record."""

    list_display = ("id", "created_at", "actor_label", "sentence", "action", "object_repr")
    list_filter = ("action", "object_type")
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

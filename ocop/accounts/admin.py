from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from ocop.accounts.models import ApiToken, TwoFactorDevice, User
from ocop.accounts.services import revoke_api_token


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "unit", "producer", "is_active")
    list_filter = ("role", "is_active", "require_otp", "is_staff", "is_superuser")
    list_select_related = ("unit", "producer")
    search_fields = ("username", "first_name", "last_name", "email", "phone")
    raw_id_fields = ("unit", "producer")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Vai trò và địa bàn"), {"fields": ("role", "unit", "producer", "phone", "require_otp")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Vai trò và địa bàn"), {"fields": ("role", "unit", "producer", "email")}),
    )

    @admin.display(description=_("Họ và tên"), ordering="last_name")
    def full_name(self, user: User) -> str:
        return user.get_full_name()


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by their owner on the profile page (the secret is shown only there);
    here an administrator can only see them and revoke them."""

    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = (
        "user", "name", "prefix", "created_at", "last_used_at", "revoked", "revoked_at"
    )
    exclude = ("key_hash",)
    actions = ("revoke",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Thu hồi các khoá đã chọn"))
    def revoke(self, request, queryset) -> None:
        count = 0
        for token in queryset.filter(revoked=False).select_related("user"):
            if revoke_api_token(user=token.user, token_id=token.pk, actor=request.user):
                count += 1
        self.message_user(request, _("Đã thu hồi %(n)d khoá.") % {"n": count})


admin.site.unregister(TOTPDevice)


@admin.register(TwoFactorDevice)
class TwoFactorDeviceAdmin(admin.ModelAdmin):
    """Only to see who has enrolled and to delete a lost device: the secret key never shows
    and nothing is edited by hand (enrolment happens on the person's profile page)."""

    list_display = ("owner", "enrolled", "last_used")
    list_display_links = None
    list_select_related = ("user",)
    search_fields = ("user__username", "user__first_name", "user__last_name")

    @admin.display(description=_("Người dùng"), ordering="user__username")
    def owner(self, device: TwoFactorDevice) -> str:
        return device.user.get_full_name() or device.user.username

    @admin.display(description=_("Đã kích hoạt"), boolean=True)
    def enrolled(self, device: TwoFactorDevice) -> bool:
        return device.confirmed

    @admin.display(description=_("Dùng lần cuối"), ordering="last_used_at")
    def last_used(self, device: TwoFactorDevice) -> object:
        return device.last_used_at

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

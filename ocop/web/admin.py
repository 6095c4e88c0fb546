"""The administration's titles and the names of the third-party apps it lists.

Django's defaults read "Trang quản trị cho Django" in Vietnamese; the platform names itself.
Third-party apps (axes, the task queue, TOTP) name themselves in English constants, which no
catalogue can translate: their admin names are set here. Their model and field names are
translated by the Vietnamese catalogue ``ocop/locale/vi`` (docs/translation.md).
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Quản trị Nền tảng OCOP")
admin.site.site_title = _("Quản trị Nền tảng OCOP")
admin.site.index_title = _("Trang quản trị")

# Permissions follow the account's role (User.role and each app's permissions.py); groups are
# unused and would only suggest that they grant something.
admin.site.unregister(Group)

for label, name in {
    "axes": _("Chống dò mật khẩu"),
    "django_tasks_database": _("Tác vụ nền"),
    "otp_totp": _("Xác thực hai bước"),
}.items():
    apps.get_app_config(label).verbose_name = name

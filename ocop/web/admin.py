"""The administration's titles and the names of the third-party apps it lists.

Django's defaults read "Trang quản trị cho Django" in Vietnamese; the platform names itself.
Third-party apps (axes, the task queue, TOTP) name themselves in English constants, which no
catalogue can translate: their admin names are set here. Their model and field names are
translated by the Vietnamese catalogue ``ocop/locale/vi`` (docs/translation.md).
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

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


# The task queue's list names each task by its Python function ("run_job", "build_report"): an
# administrator reads what the work is. Every task of the platform has its name here
# (ocop/accounts/tests/test_admin_words.py checks); one that has not shows its function's name.
TASK_LABELS = {
    "ocop.accounts.tasks.send_password_reset": _("Gửi thư đặt lại mật khẩu"),
    "ocop.people.tasks.send_invitation": _("Gửi thư đặt mật khẩu cho tài khoản mới"),
    "ocop.certificates.tasks.certificates_daily": _("Rà soát hiệu lực giấy chứng nhận hằng ngày"),
    "ocop.jobs.tasks.run_job": _("Việc theo yêu cầu (xuất, nhập Excel, in tem, báo cáo)"),
    "ocop.notifications.tasks.send_notification_emails": _("Gửi thư thông báo"),
    "ocop.opendata.tasks.build_open_data": _("Lập bản dữ liệu mở hằng ngày"),
    "ocop.opendata.tasks.rebuild_open_data": _("Lập lại bản dữ liệu mở"),
    "ocop.reports.tasks.build_report": _("Lập báo cáo định kỳ"),
    "ocop.trace.tasks.process_capture": _("Ghi nhận sự kiện truy xuất (EPCIS) gửi lên"),
}


# The queue and backend a task went to: the platform has one of each, named "default" in the
# settings (TASKS), a word the administrator should not have to read.
QUEUE_LABELS = {"default": _("Hàng đợi chung")}


def _queue_label(name: str) -> str:
    return str(QUEUE_LABELS.get(name, name))


class QueueFilter(admin.SimpleListFilter):
    title = _("hàng đợi")
    parameter_name = "queue_name"

    def lookups(self, request, model_admin):
        names = (model_admin.get_queryset(request).order_by("queue_name")
                 .values_list("queue_name", flat=True).distinct())
        return [(name, _queue_label(name)) for name in names]

    def queryset(self, request, queryset):
        return queryset.filter(queue_name=self.value()) if self.value() else queryset


# Columns and fields shown in words instead of the stored names (the package's own two
# display fields are redefined below with Vietnamese labels).
_IN_WORDS = {"task_name": "task_label", "task_path": "task_label", "queue_name": "queue_label",
             "backend_name": "backend_label", "formatted_traceback": "traceback_text",
             "display_run_after": "run_after_text"}


class TaskResultAdmin(DBTaskResultAdmin):
    list_display = tuple(_IN_WORDS.get(name, name) for name in DBTaskResultAdmin.list_display)
    list_filter = tuple(QueueFilter if name == "queue_name" else name
                        for name in DBTaskResultAdmin.list_filter)

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return [_IN_WORDS.get(name, name)
                for name in super().get_readonly_fields(request, obj)]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The page's heading is the row's str(): "DBTaskResult object (…)". Name the task.
        row = self.get_object(request, object_id)
        if row is not None:
            extra_context = {**(extra_context or {}), "subtitle": _("%(task)s, xếp hàng lúc "
                             "%(at)s") % {"task": self.task_label(row), "at": date_format(
                                 localtime(row.enqueued_at), "H:i d/m/Y")}}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("chi tiết lỗi"))
    def traceback_text(self, obj: DBTaskResult) -> str:
        return self.formatted_traceback(obj)

    @admin.display(description=_("chạy sau"))
    def run_after_text(self, obj: DBTaskResult):
        return self.display_run_after(obj)

    @admin.display(description=_("Tác vụ"), ordering="task_path")
    def task_label(self, obj: DBTaskResult) -> str:
        return str(TASK_LABELS.get(obj.task_path, obj.task_name))

    @admin.display(description=_("hàng đợi"), ordering="queue_name")
    def queue_label(self, obj: DBTaskResult) -> str:
        return _queue_label(obj.queue_name)

    @admin.display(description=_("hệ thống hàng đợi"))
    def backend_label(self, obj: DBTaskResult) -> str:
        return _queue_label(obj.backend_name)


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)

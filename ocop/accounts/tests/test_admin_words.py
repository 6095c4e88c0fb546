"""The administration speaks Vietnamese: its title, app, model and column names."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.tasks import Task
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ocop.accounts.models import Role, TwoFactorDevice
from ocop.accounts.testing import login_client, make_user
from ocop.audit import services as audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db):
    return login_client(make_user(Role.ADMIN, username="quan-tri"))


def test_admin_index_has_the_platform_title_and_vietnamese_names(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "<title>Trang quản trị | Quản trị Nền tảng OCOP</title>" in html
    assert "Quản trị Nền tảng OCOP" in html and "Django" not in html
    for name in ("Nhật ký kiểm toán", "Đơn vị hành chính", "Sáp nhập đơn vị",
                 "Thiết bị xác thực hai bước", "Lần đăng nhập sai", "Tác vụ nền",
                 "Chống dò mật khẩu"):
        assert name in html, name
    for english in ("Succession", "TOTP device", "Access attempts", "Task Results", "Axes",
                    "Nhóm"):
        assert english not in html, english


def test_admin_columns_are_vietnamese(admin_client, units):
    audit.record(actor=None, action="demo.load", object_type="demo", object_id="1")
    html = admin_client.get(reverse("admin:audit_auditentry_changelist")).content.decode()
    assert "Hệ thống đã nạp dữ liệu trình diễn." in html
    for column in ("Thời điểm", "Tên đăng nhập người thực hiện", "Mã thao tác"):
        assert column in html
    assert "Actor label" not in html and "Object repr" not in html
    html = admin_client.get(reverse("admin:units_unit_changelist")).content.decode()
    for column in ("Thời kỳ", "Cấp", "Đơn vị cấp trên", "Tỉnh/thành phố hiện nay"):
        assert column in html, column
    TwoFactorDevice.objects.create(user=make_user(Role.CENTRAL, first_name="Lê Thị Hoa"),
                                   name="TOTP")
    html = admin_client.get(
        reverse("admin:accounts_twofactordevice_changelist")).content.decode()
    assert "Đã kích hoạt" in html and "Lê Thị Hoa" in html


def test_admin_in_english_keeps_the_platform_title(admin_client):
    admin_client.cookies["django_language"] = "en"
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "OCOP Platform administration" in html


# Texts of Django 6.1's administration that Django's own Vietnamese catalogue lacks (it predates
# them); ocop/locale/vi holds them. The list page shows the filter, the counts toggle, the skip
# link, the theme toggle and the log-out button; the scripts' catalogue names the days.
ADMIN_CHROME_ENGLISH = ("Show counts", "Hide counts", "Filter by", "Skip to main content",
                        "Toggle theme", "Logout", "Sidebar", "Breadcrumbs", "Search ")


def test_admin_list_chrome_is_vietnamese(admin_client, units):
    audit.record(actor=None, action="demo.load", object_type="demo", object_id="1")
    response = admin_client.get(reverse("admin:audit_auditentry_changelist"))
    html = response.content.decode()
    for english in ADMIN_CHROME_ENGLISH:
        assert english not in html, english
    for vietnamese in ("Chuyển đến nội dung chính", "Hiện số lượng", "Lọc theo", "Thanh bên"):
        assert vietnamese in html, vietnamese
    # The search icon's text, read aloud by screen readers (ocop/web/templates/admin/).
    assert 'alt="Search"' not in html and 'alt="Tìm kiếm"' in html
    script = admin_client.get(reverse("admin:jsi18n")).content.decode()
    assert "Th\\u1ee9 hai" in script or "Thứ hai" in script  # Monday
    assert '"Monday"' in script  # the msgid, mapped to the Vietnamese above


def test_admin_list_chrome_stays_english_in_english(admin_client, units):
    admin_client.cookies["django_language"] = "en"
    html = admin_client.get(reverse("admin:audit_auditentry_changelist")).content.decode()
    assert "Skip to main content" in html and "Chuyển đến nội dung chính" not in html
    assert 'alt="Search"' in html


def test_audit_filters_name_actions_and_kinds_in_words(admin_client, units):
    audit.record(actor=None, action="demo.load", object_type="demo", object_id="1")
    audit.record(actor=None, action="demo.unheard_of", object_type="demo", object_id="2")
    url = reverse("admin:audit_auditentry_changelist")
    html = admin_client.get(url).content.decode()
    filters = html[html.index('id="changelist-filter"'):]
    filters = filters[:filters.index("</nav>")]
    assert "Đã nạp dữ liệu trình diễn" in filters and "Đơn vị hành chính" in filters
    assert ">demo.load<" not in filters and "units.unit<" not in filters
    assert "Thao tác khác (demo.unheard_of)" in filters  # no sentence yet: said so, in words
    chosen = admin_client.get(url, {"action": "demo.load"}).content.decode()
    assert "Hệ thống đã nạp dữ liệu trình diễn." in chosen
    assert "demo.unheard_of" not in chosen[chosen.index("result_list"):]


def test_the_user_list_names_its_columns_and_filters_in_vietnamese(admin_client, units):
    make_user(Role.CENTRAL, first_name="Lê Thị Hoa")
    html = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "Họ và tên" in html and "quyền quản trị tối cao" in html
    assert "Get full name" not in html and "superuser" not in html.replace("is_superuser", "")



def test_the_task_queue_names_each_task_in_vietnamese(admin_client, settings):
    from ocop.reports.tasks import build_report
    from ocop.web.admin import TASK_LABELS

    # Every task the platform defines has a name for the administration.
    tasks = [value for config in apps.get_app_configs() if config.name.startswith("ocop.")
             for module in [_tasks_module(config.name)] if module
             for value in vars(module).values() if isinstance(value, Task)]
    assert len(tasks) >= 8
    assert {t.module_path for t in tasks} <= set(TASK_LABELS)
    # A row as the database queue writes it (the tests' own backend runs tasks at once).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    DBTaskResult.objects.create(task_path=build_report.module_path, args_kwargs={},
                                backend_name="default", run_after=timezone.now(),
                                exception_class_path="", traceback="")
    html = admin_client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist")
                            ).content.decode()
    assert "Lập báo cáo định kỳ" in html and "build_report" not in html
    assert "Tác vụ</a>" in html and "task name" not in html.lower()
    # The one queue is named in words, in the column and in the filter.
    assert "Hàng đợi chung" in html and ">default<" not in html and "=default" in html
    row = DBTaskResult.objects.get()
    detail = admin_client.get(reverse("admin:django_tasks_database_dbtaskresult_change",
                                      args=[row.pk])).content.decode()
    assert detail.count("Hàng đợi chung") == 2 and ">default<" not in detail
    # The heading names the task, every label is Vietnamese, the history link is not a "memo".
    assert "DBTaskResult object" not in detail and "<h2>Lập báo cáo định kỳ, xếp hàng lúc" in detail
    assert "Run after" not in detail and "Traceback" not in detail
    assert "ocop.reports.tasks.build_report" not in detail
    assert "Lịch sử thay đổi" in detail and "Bản ghi nhớ" not in detail


def _tasks_module(app: str):
    try:
        return importlib.import_module(f"{app}.tasks")
    except ModuleNotFoundError:
        return None

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from ocop.accounts import views
from ocop.accounts.forms import PasswordResetForm

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/", views.profile, name="profile"),
    path("xac-thuc-2-buoc/", views.otp_verify, name="otp_verify"),
    path("xac-thuc-2-buoc/thiet-lap/", views.otp_setup, name="otp_setup"),
    path(
        "doi-mat-khau/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/form.html",
            success_url=reverse_lazy("accounts:password_change_done"),
            extra_context={"title": _("Đổi mật khẩu")},
        ),
        name="password_change",
    ),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/done.html",
            extra_context={"title": _("Đã đổi mật khẩu")},
        ),
        name="password_change_done",
    ),
    path(
        "quen-mat-khau/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/form.html",
            # The e-mail (templates in ocop.accounts.tasks) is sent by a background task.
            form_class=PasswordResetForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
            extra_context={
                "title": _("Quên mật khẩu"),
                "intro": _(
                    "Nhập địa chỉ thư điện tử của tài khoản; hệ thống sẽ gửi liên kết "
                    "để đặt mật khẩu mới."
                ),
            },
        ),
        name="password_reset",
    ),
    path(
        "quen-mat-khau/da-gui/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/done.html",
            extra_context={
                "title": _("Đã gửi thư"),
                "intro": _(
                    "Nếu địa chỉ này thuộc một tài khoản, thư hướng dẫn đặt lại mật khẩu "
                    "đã được gửi tới."
                ),
            },
        ),
        name="password_reset_done",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/form.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
            extra_context={"title": _("Đặt mật khẩu mới")},
        ),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/done.html",
            extra_context={
                "title": _("Đã đặt mật khẩu mới"),
                "intro": _("Bạn có thể đăng nhập bằng mật khẩu mới."),
                "show_login": True,
            },
        ),
        name="password_reset_complete",
    ),
]

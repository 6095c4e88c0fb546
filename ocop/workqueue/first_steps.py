"""First steps (Bắt đầu sử dụng nền tảng): what a province's standing office does once, in its
first days on the platform, before any work can wait for it.

A province that has just been given its accounts sees an empty work queue and zeros; these steps
say what to do first, in the order that makes the next one possible: the certified products of
earlier years (the legacy Excel list: producers, products and certificates at once), the
producers not yet certified, the accounts of the commune officers and producers (ocop.people),
the year's OCOP plan, then a programme year with its rounds, which is what lets producers submit
dossiers. A step is done when its records exist in the office's
province (read with each app's own scoping); the list disappears when every step is done.
A step the person may not take (its own app's permission) is not offered.

One ``EXISTS`` query a step, whatever the data size.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from ocop.accounts.models import Role, User
from ocop.certificates.selectors import certificates_for
from ocop.dossiers import permissions as dossier_permissions
from ocop.evaluation.selectors import rounds_for
from ocop.exchange import permissions as exchange_permissions
from ocop.people import services as people_services
from ocop.people.selectors import people_for
from ocop.planning import permissions as planning_permissions
from ocop.planning.selectors import plans_for
from ocop.registry import permissions as registry_permissions
from ocop.registry.selectors import producers_for


@dataclass(frozen=True)
class Step:
    """One first step: what it is, why, where to take it, and whether it is done."""

    title: str
    hint: str
    url: str
    action: str
    done: bool


@dataclass(frozen=True)
class FirstSteps:
    steps: list[Step]

    @property
    def done(self) -> int:
        return sum(s.done for s in self.steps)

    @property
    def next(self) -> Step | None:
        """The first step not yet done: the one offered as the page's main button."""
        return next((s for s in self.steps if not s.done), None)


def first_steps(user: User) -> FirstSteps | None:
    """The province office's first steps, or None when there is nothing to set up (every step
    done, or a person of another role)."""
    if user.role != Role.PROVINCE_OFFICE or user.unit_id is None:
        return None
    steps: list[Step] = []
    if exchange_permissions.can_exchange(user):
        steps.append(Step(
            _("Nạp danh sách sản phẩm OCOP đã được công nhận các năm trước"),
            _("Tệp Excel theo mẫu, mỗi dòng một sản phẩm: chủ thể, sản phẩm và giấy chứng nhận "
              "được tạo cùng lúc, để tra cứu và nhắc đánh giá lại đúng hạn."),
            reverse("exchange:home"), _("Nạp danh sách"),
            certificates_for(user).exists()))
    if registry_permissions.can(user, "producer", "create"):
        steps.append(Step(
            _("Nhập danh sách chủ thể"),
            _("Hợp tác xã, doanh nghiệp, tổ hợp tác và hộ sản xuất của tỉnh, kể cả chủ thể chưa "
              "có sản phẩm OCOP, từ tệp Excel theo mẫu."),
            reverse("registry:producer_import"), _("Nhập từ Excel"),
            producers_for(user).exists()))
    if people_services.can_manage_people(user):
        steps.append(Step(
            _("Cấp tài khoản cho cán bộ xã và chủ thể"),
            _("Mỗi người nhận thư để tự đặt mật khẩu; thành viên hội đồng và thanh tra cũng được "
              "cấp ở đây."),
            reverse("people:create"), _("Cấp tài khoản"),
            people_for(user).exists()))
    if planning_permissions.may_create_any(user):
        steps.append(Step(
            _("Lập kế hoạch OCOP của năm"),
            _("Chỉ tiêu, kinh phí và số quyết định: bảng điều khiển theo dõi tiến độ theo kế "
              "hoạch."),
            reverse("planning:create"), _("Lập kế hoạch"),
            # A national plan (no province) is visible to every province: not this one's.
            plans_for(user).filter(province__isnull=False).exists()))
    if dossier_permissions.can_manage_rounds(user):
        steps.append(Step(
            _("Mở năm chương trình và các đợt đánh giá"),
            _("Có đợt đánh giá, chủ thể mới nộp được hồ sơ; hạn nộp và hạn công nhận của mỗi đợt "
              "hiện trong việc cần làm."),
            reverse("dossiers:programme_year_create"), _("Mở năm chương trình"),
            rounds_for(user).exists()))
    if all(s.done for s in steps):
        return None
    return FirstSteps(steps)

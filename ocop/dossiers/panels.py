"""The dossiers app's panel on the registry's product page (registry hook ``product_sections``,
provided in ``DossiersConfig.ready``): reads, with the kind of dossier from the services' rule."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.dossiers import hooks, permissions, services
from ocop.dossiers.models import OPEN_STATES, Dossier
from ocop.registry.hooks import Section
from ocop.registry.models import Product


def product_section(user: User, product: Product) -> Section | None:
    """The dossier under way for the product, else the next step for those who may open one
    (with the kind the certificate held calls for), else the latest dossier the user may see."""
    title = _("Hồ sơ đánh giá, phân hạng")
    visible = Dossier.objects.filter(permissions.visible_q(user), product=product)
    under_way = visible.filter(state__in=OPEN_STATES).order_by("-created_at", "-id").first()
    if under_way is not None:
        return Section(title, _("Hồ sơ %(ref)s, loại “%(kind)s”, đăng ký %(stars)d sao, đang "
                                "ở bước “%(state)s”.") % {
            "ref": under_way.reference, "kind": under_way.get_kind_display(),
            "stars": under_way.target_stars, "state": under_way.get_state_display()},
            reverse("dossiers:detail", args=[under_way.pk]), _("Mở hồ sơ"))
    probe = Dossier(producer=product.producer, product=product)
    if (user.role in permissions.OPENING_ROLES and permissions.can_edit(user, probe)
            and not Dossier.objects.filter(product=product, state__in=OPEN_STATES).exists()):
        today = timezone.localdate()
        held = hooks.held_certificate(product.pk, today)
        kind = services.kind_given(held, 0, today)  # 0: not an upgrade
        if kind == Dossier.Kind.NEW:
            summary = _("Chưa có hồ sơ đang xử lý.")
        elif held is not None and held.valid_on(today):
            summary = _("Chưa có hồ sơ đang xử lý. Sản phẩm đang có giấy chứng nhận còn hiệu lực: "
                        "hồ sơ tiếp theo là đánh giá lại khi gần hết hạn, hoặc nâng hạng sao.")
        else:
            summary = _("Chưa có hồ sơ đang xử lý. Giấy chứng nhận của sản phẩm đã hết hạn: hồ "
                        "sơ tiếp theo là đánh giá lại.")
        return Section(title, summary, f"{reverse('dossiers:create')}?"
                       f"{urlencode({'product': product.pk, 'kind': kind})}",
                       _("Lập hồ sơ đánh giá"))
    latest = visible.order_by("-created_at", "-id").first()
    if latest is None:
        return None
    return Section(title, _("Hồ sơ gần nhất %(ref)s: “%(state)s”.") % {
        "ref": latest.reference, "state": latest.get_state_display()},
        reverse("dossiers:detail", args=[latest.pk]))

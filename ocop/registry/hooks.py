"""Questions the registry asks of the apps above it (ocop/core/hooks.py).

- ``public_products_q(today)``: a ``Q`` on ``Product`` for the products whose photo and name the
  public may see (a product holding a certificate valid today). The certificates app answers it
  (``CertificatesConfig.ready``); until an app does, no product is public.
- ``producer_sections(user, producer)``: panels that apps above the registry add to a producer's
  page, each a ``Section`` (title, summary, url) or None when the app has nothing to show that
  user. The training app adds "Đào tạo, hỗ trợ đã nhận", the market app "Kênh bán hàng".
- ``product_sections(user, product)``: the same on a product's page. The dossiers app adds the
  dossier under way or the next step ("Lập hồ sơ đánh giá"), the certificates app the
  certificate the product holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from ocop.core.hooks import Hook, HookList


def _no_product(today: date) -> Q:
    return Q(pk__in=[])


public_products_q: Hook[Callable[[date], Q]] = Hook("registry.public_products_q",
                                                    default=_no_product)


@dataclass(frozen=True)
class Section:
    title: str
    summary: str
    url: str
    link_text: str = ""  # the link's words; "Xem chi tiết" when empty
    # Lower first; equal ones keep the apps' order. What the product or producer holds comes
    # before what may be done next: a certificate reads before the dossier that would renew it.
    order: int = 50


producer_sections: HookList = HookList("registry.producer_sections")
product_sections: HookList = HookList("registry.product_sections")


def sections(hook: HookList, *args: object) -> list[Section]:
    """The panels a page shows: every app's answer but None, by ``order``."""
    return sorted((s for s in hook(*args) if s is not None), key=lambda s: s.order)

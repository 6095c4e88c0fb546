"""Questions the registry asks of the apps above it (ocop/core/hooks.py).

- ``public_products_q(today)``: a ``Q`` on ``Product`` for the products whose photo and name the
  public may see (a product holding a certificate valid today). The certificates app answers it
  (``CertificatesConfig.ready``); until an app does, no product is public.
- ``producer_sections(user, producer)``: links that apps above the registry add to a producer's
  page, each a ``ProducerSection`` (title, summary, url) or None when the app has nothing to show
  that user. The training app adds "Đào tạo, hỗ trợ đã nhận".
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
class ProducerSection:
    title: str
    summary: str
    url: str


producer_sections: HookList = HookList("registry.producer_sections")

"""Questions the registry asks of the apps above it (ocop/core/hooks.py).

- ``public_products_q(today)``: a ``Q`` on ``Product`` for the products whose photo and name the
  public may see (a product holding a certificate valid today). The certificates app answers it
  (``CertificatesConfig.ready``); until an app does, no product is public.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import Q

from ocop.core.hooks import Hook


def _no_product(today: date) -> Q:
    return Q(pk__in=[])


public_products_q: Hook[Callable[[date], Q]] = Hook("registry.public_products_q",
                                                    default=_no_product)

"""Questions the dossiers app asks of the apps above it (ocop/core/hooks.py).

- ``council_dossier_ids(user)``: the ids of the dossiers assigned to a council member without a
  conflict of interest. The evaluation app answers it (``EvaluationConfig.ready``); until an app
  does, a council member sees no dossier.
- ``held_certificate(product_id, day)``: the certificate the product holds on ``day`` (its
  best valid one, else its latest), which decides the kinds of dossier it may open
  (``services.open_dossier``). The certificates app answers it; until an app does, no product
  holds a certificate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ocop.core.hooks import Hook

if TYPE_CHECKING:
    from ocop.accounts.models import User


def _none(user: User) -> Iterable[int]:
    return []


council_dossier_ids: Hook[Callable[[User], Iterable[int] | Any]] = Hook(
    "dossiers.council_dossier_ids", default=_none)


@dataclass(frozen=True)
class HeldCertificate:
    """What the dossiers app needs of a product's certificate. ``source_dossier_id`` is the
    dossier it was issued on (None for one entered from paper records)."""

    number: str
    stars: int
    valid_until: date
    revoked_on: date | None
    source_dossier_id: int | None

    def revoked_by(self, day: date) -> bool:
        return self.revoked_on is not None and self.revoked_on <= day

    def valid_on(self, day: date) -> bool:
        return day <= self.valid_until and not self.revoked_by(day)


def _no_certificate(product_id: int, day: date) -> HeldCertificate | None:
    return None


held_certificate: Hook[Callable[[int, date], HeldCertificate | None]] = Hook(
    "dossiers.held_certificate", default=_no_certificate)

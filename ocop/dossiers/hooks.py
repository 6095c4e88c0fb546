"""Questions the dossiers app asks of the apps above it (ocop/core/hooks.py).

- ``council_dossier_ids(user)``: the ids of the dossiers assigned to a council member without a
  conflict of interest. The evaluation app answers it (``EvaluationConfig.ready``); until an app
  does, a council member sees no dossier.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ocop.core.hooks import Hook

if TYPE_CHECKING:
    from ocop.accounts.models import User


def _none(user: User) -> Iterable[int]:
    return []


council_dossier_ids: Hook[Callable[[User], Iterable[int] | Any]] = Hook(
    "dossiers.council_dossier_ids", default=_none)

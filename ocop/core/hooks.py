"""Extension points: how a lower layer asks a question that only a higher layer can answer.

The apps are layered (docs/architecture.md, enforced by the import contract in pyproject.toml):
an app imports only the apps below it. Sometimes a lower app needs an answer from above — the
dossiers app must know which dossiers the evaluation app assigned to a council member. Instead of
importing upwards, the lower app declares a ``Hook`` with a safe default, and the higher app
provides the answer in its ``AppConfig.ready()``::

    # ocop/dossiers/hooks.py (lower)
    council_dossier_ids = Hook("council_dossier_ids", default=lambda user: [])

    # ocop/evaluation/apps.py (higher), in ready()
    dossier_hooks.council_dossier_ids.provide(selectors.assigned_dossier_ids)

Every hook in the code base is listed in docs/architecture.md ("Extension points").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Hook[F: Callable[..., Any]]:
    """One question with one answerer; the default answers while no app has provided one."""

    def __init__(self, name: str, default: F) -> None:
        self.name = name
        self._default = default
        self._provider: F | None = None

    def provide(self, provider: F) -> F:
        """Set the answerer (an app's ready()); returns it so it can decorate a function."""
        self._provider = provider
        return provider

    @property
    def provided(self) -> bool:
        return self._provider is not None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return (self._provider or self._default)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name} provided={self.provided}>"


class HookList[F: Callable[..., Any]]:
    """One question many apps may answer; calling it returns every answer, in the order the
    apps provided them (their order in INSTALLED_APPS)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._providers: list[F] = []

    def provide(self, provider: F) -> F:
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def __call__(self, *args: Any, **kwargs: Any) -> list[Any]:
        return [provider(*args, **kwargs) for provider in self._providers]

    def __repr__(self) -> str:
        return f"<HookList {self.name} providers={len(self._providers)}>"

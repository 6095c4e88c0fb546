"""What each kind of background job does and who may have its result.

The jobs app sits below the apps whose work it runs (docs/architecture.md), so it does not know
them: each owning app registers its kinds here from its ``jobs.py`` module, imported by its
``AppConfig.ready()`` (``ocop/trace/jobs.py``: stamp sheets; ``ocop/evaluation/jobs.py``:
proposal ZIPs; ``ocop/registry/jobs.py``: Excel export and import; ``ocop/exchange/jobs.py``:
the exchange's uploaded imports).

``allowed(user, params)`` is asked when the job is requested and again at every download, so a
user who lost the right to the underlying record (moved, deactivated, the batch left their
reach) cannot fetch a file made earlier. Each check calls the owning app's own permission code,
never a copy of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ocop.accounts.models import User
    from ocop.jobs.models import Job

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Output:
    content: bytes | IO[bytes]
    filename: str
    content_type: str


@dataclass(frozen=True)
class JobKind:
    allowed: Callable[[User, dict[str, Any]], bool]
    # Returns the file made, or None for a job whose result is ``job.outcome`` (an import).
    run: Callable[[Job, Progress], Output | None]
    # For a finished job without a file: where its result is shown, as (url, link text).
    follow: Callable[[Job], tuple[str, str]] | None = None
    # The page the job was requested from, as (url, link text): the status page's way back
    # for a kind whose ``follow`` does not lead anywhere (a file to download).
    back: Callable[[Job], tuple[str, str]] | None = None
    # The work runs in one transaction (an all-or-nothing import): its progress is written
    # through a second connection so that the status page sees it (services.SideProgressWriter).
    long_transaction: bool = False


KINDS: dict[str, JobKind] = {}


def register(kind: str, job_kind: JobKind) -> None:
    """Called once per kind by the owning app; ``kind`` must be one of ``Job.Kind``."""
    if kind in KINDS:
        raise ValueError(f"job kind {kind!r} is registered twice")
    KINDS[kind] = job_kind
